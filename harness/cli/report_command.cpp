#include "harness/cli/report_command.hpp"

#include <fmt/format.h>

#include <filesystem>

#include "harness/cli/app.hpp"
#include "harness/cli/report_writer.hpp"
#include "harness/system/text_file.hpp"

namespace zkc::cli {

void add_report_options(CLI::App& cmd, ReportOptions& opts) {
  cmd.add_option("dir", opts.dir, "A results folder: one run, an A/B (ab.csv) or a sweep (sweep.csv)")
      ->required()
      ->check(CLI::ExistingDirectory);
}

int run_report(const ReportOptions& opts) {
  const std::filesystem::path dir(opts.dir);
  try {
    write_reports(dir, fmt::format("zkcontend report: {}", dir.filename().string()));
  } catch (const harness::WriteError& e) {
    fmt::print(stderr, "zkcontend report: {}\n", e.what());
    return kExitFailure;  // a full disk or a read-only folder: the machine, not the input
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend report: {}\n", e.what());
    return kExitUsage;  // a damaged input file, named in the message
  }
  fmt::print("{}: report.html, report.md; trace.json in each run folder\n", dir.string());
  return kExitOk;
}

}  // namespace zkc::cli
