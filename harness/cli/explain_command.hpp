// `zkcontend explain <results folder>`: why each stage is slower under load than in isolation. For a
// run, an A/B (with `ab --isolation`) or a sweep (with a c=1 j=1 point), every stage's inflation split
// into run-queue wait, pipeline waits, on-CPU growth and the unexplained remainder (analysis/explain),
// written to attribution.csv in the folder and printed, with the arms compared by cause.
#pragma once

#include <CLI/CLI.hpp>

#include <string>

namespace zkc::cli {

struct ExplainOptions {
  std::string dir;
  std::string reference;  // a run folder to use as every arm's isolation reference ("" = the folder's own)
  double min_ms = 1.0;    // terminal table: stages under this in both isolation and load are left out
};

void add_explain_options(CLI::App& cmd, ExplainOptions& opts);
int run_explain(const ExplainOptions& opts);

}  // namespace zkc::cli
