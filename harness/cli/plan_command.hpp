// `zkcontend plan --memory-gib M --cores N [--gpus G]`: which pw, gw, gt and j to run on a machine,
// ranked by the s/proof the virtual-time model predicts for the profile's batch, among the settings
// whose predicted peak memory fits M less a margin. The answer users otherwise guess.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

#include "harness/cli/run_execution.hpp"
#include "harness/cli/virtual_backend.hpp"

namespace zkc::cli {

struct PlanOptions {
  ProfileOptions profile;  // --config, --set, -c (j is what is planned)
  VirtualSpec spec;        // --costs, --contention
  double memory_gib = 0;   // the machine's RAM
  int cores = 0;           // its hardware threads
  int gpus = 1;
  double margin_pct = 10;  // memory kept free: a setting must predict at most (1 - margin) x M
  int top = 15;            // rows shown
  bool json = false;
};

// The grid searched: every combination of these, j only up to c.
struct PlanGrid {
  std::vector<int> pw, gw, gt, j;
};
PlanGrid plan_grid(int cores, int proofs);

void add_plan_options(CLI::App& cmd, PlanOptions& opts);
int run_plan(const PlanOptions& opts);

}  // namespace zkc::cli
