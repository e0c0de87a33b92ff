// `zkcontend probe --noise`: how noisy this machine is for an A/B, before spending the A/B's time.
// Runs k quick baseline runs of the profile (default: the embedded default profile, the A/B's base)
// into a temporary folder that is removed afterwards, then prints each run's s/proof, wall time and
// noise readings (what else used the machine: harness/system/noise_sample), the CV of s/proof, the
// outlier runs with their likely cause (analysis/stats/outliers), and the smallest change an A/B of
// the default arms can decide in a time budget (analysis::decidable_change_pct of the sequential A/B,
// at the rounds that fit in `ab`'s --budget).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "harness/cli/run_execution.hpp"

namespace zkc::cli {

struct ProbeNoiseOptions {
  ProfileOptions profile;  // --config, --set, -c, -j
  int runs = 8;            // measured runs; a CV needs 2
  int warmup = 1;          // discarded runs first, as `ab` does
  std::string budget;      // the A/B's --budget the decidable change is for ("" = ab's default), as ab reads it
  bool quiet = false;      // no progress line
};

// Registers --runs, --budget, --warmup, -q (each needing `noise_flag`) and the profile options.
void add_probe_noise_options(CLI::App& cmd, ProbeNoiseOptions& opts, CLI::Option* noise_flag);
// Exit 0, 1 when a run fails, 2 for bad input (the option named, what it accepts).
int run_probe_noise(const ProbeNoiseOptions& opts);

}  // namespace zkc::cli
