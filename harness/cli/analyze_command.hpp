// `zkcontend analyze --timeline <log>`: a real prover's log (TIMELINE and CUZK_TIMING lines) measured
// with the harness's own metric definitions, into results/<id>/ with the same summary, waterfall
// report and trace as a harness run, so production and harness can be set side by side.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace zkc::cli {

struct AnalyzeOptions {
  std::string timeline;
  int partitions = 0;  // per proof, for logs without PROOF_* events; 0 = inferred from the log
  std::string results_dir = "results";
  std::string id;  // "" = <timestamp>-analyze-<log name>
};

void add_analyze_options(CLI::App& cmd, AnalyzeOptions& opts);
int run_analyze(const AnalyzeOptions& opts);

}  // namespace zkc::cli
