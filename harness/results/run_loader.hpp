// Reading results back: one run folder (results/<run-id>/) into analysis::RunData, and summary.csv
// into rows, for reports, A/B tables and sweep tables. Strict: a damaged file is an error naming the
// file and line (std::runtime_error / std::system_error), never a silently partial report.
#pragma once

#include <filesystem>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "model/run_data.hpp"

namespace zkc::harness {

// summary.csv rows (metric,value,unit); an empty value (not measured) reads as NaN.
std::vector<analysis::MetricRow> read_summary_csv(const std::filesystem::path& path);

// A run folder: timeline.csv and summary.csv are required, and config.toml for a run (an analyzed
// prover log has analyze.json instead, or, written by an older build, neither: then the partitions per
// proof are inferred from the timeline, with a note); an empty config.toml or a setting out of range is
// an error naming the file and key. stages.csv, counters_timeline.csv and meta.json are read when
// present (a meta.json that is not JSON is an error naming it). Metrics are recomputed from the
// timeline with the run's own settings (the same definitions summary.csv was written with).
analysis::RunData load_run(const std::filesystem::path& dir);

// True when `dir` looks like a run folder (has timeline.csv and summary.csv).
bool is_run_folder(const std::filesystem::path& dir);

}  // namespace zkc::harness
