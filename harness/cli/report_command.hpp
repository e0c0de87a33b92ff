// `zkcontend report <dir>`: report.html, report.md (and trace.json per run) for a run folder, an A/B
// folder or a sweep folder, from the files in it. ab and sweep call the same writer when they end.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace zkc::cli {

struct ReportOptions {
  std::string dir;
};

void add_report_options(CLI::App& cmd, ReportOptions& opts);
int run_report(const ReportOptions& opts);

}  // namespace zkc::cli
