// Writing the reports of a results folder: a single run folder, an A/B folder (runs/ + ab.csv) or a
// sweep folder (runs/ + sweep.csv). Writes report.html and report.md into the folder and trace.json
// (Perfetto / chrome://tracing) into every run folder. Shared by `report`, `ab` and `sweep`.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "analysis/present/report_input.hpp"
#include "model/run_data.hpp"
#include "analysis/stats/measurement.hpp"

namespace zkc::cli {

// The run folders under `dir`, in name order: itself when it is one; a sweep folder's: those its
// sweep.csv lists; else dir/runs/*.
std::vector<std::filesystem::path> run_folders(const std::filesystem::path& dir);

// ab.csv or sweep.csv of `dir` as measurements (empty when neither exists).
std::vector<analysis::Measurement> read_measurements(const std::filesystem::path& dir);

// What the reports of `dir` are made of: its runs, measurements and ab.json (the isolation runs of
// ab --isolation included). Throws std::runtime_error naming the file on a damaged one.
analysis::ReportInput read_report_input(const std::filesystem::path& dir, const std::string& title);

// Throws std::runtime_error / std::system_error naming the file on a damaged or unwritable file.
// Returns what the reports were made from (so `ab` prints the same verdict). An A/B folder's ab.json
// gives the baseline, the arms' overrides, the arm holding I1+I2+I3, the order and the warnings;
// without it (a sweep) the arm named "I1+I2+I3", if any, is the after arm.
analysis::ReportInput write_reports(const std::filesystem::path& dir, const std::string& title);

// The same for data already in memory (an ingested log): report.html/md into `out`. `runs` is taken
// by value: move a long log's run in rather than copy it.
void write_reports_for(const std::filesystem::path& out, const std::string& title,
                       std::vector<analysis::RunData> runs,
                       const std::vector<analysis::Measurement>& measurements);

}  // namespace zkc::cli
