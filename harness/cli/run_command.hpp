// `zkcontend run`: one batch through the pipeline, from a profile to results/<run-id>/.
#pragma once

#include <CLI/CLI.hpp>

#include "harness/cli/run_execution.hpp"

#include <string>
#include <vector>

namespace zkc::cli {

struct RunOptions {
  ProfileOptions profile;  // --config, --set, -c, -j
  bool force = false;                     // run even when the memory estimate exceeds the limit
  bool dry_run = false;                   // plan and estimate only
  bool quiet = false;                     // no progress line
  std::string results_dir = "results";
  std::string run_id;                     // "" = <timestamp>-c<c>j<j>
};

void add_run_options(CLI::App& cmd, RunOptions& opts);
int run_run(const RunOptions& opts);

}  // namespace zkc::cli
