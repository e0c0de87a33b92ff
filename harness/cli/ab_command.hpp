// `zkcontend ab`: the main job. Runs every arm (named override sets: baseline, I1, I1+I2, I1+I2+I3,
// split, arena, or an arms file's) in rounds whose arm order is counterbalanced (ab_order: rotations
// of a seeded permutation, the seed printed and recorded) after `warmup` discarded runs. By default
// the design is sequential (ab_design): rounds are added until the rule (analysis/stats/sequential)
// has decided every arm's s/proof against the baseline (faster, slower, equivalent within the margin)
// or the budget is spent; `--repeats N` fixes it at N rounds. Writes results/<ab-id>/{runs/<arm>-r<k>/,
// warmup/, ab.csv, ab.json (the design and why it stopped), report.html, report.md} and prints the
// secondary metrics, then the verdict the reports open with. With --isolation each round also runs
// every arm it runs at c=1 j=1 into isolation/<arm>-r<k>/ (outside the statistics), the reference
// `explain` and the report divide each stage's inflation against.
#pragma once

#include <CLI/CLI.hpp>

#include "harness/cli/ab_design.hpp"
#include "harness/cli/ab_order.hpp"
#include "harness/cli/run_execution.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace zkc::cli {

struct AbOptions {
  ProfileOptions profile;         // --config, --set (for every arm), -c, -j
  std::vector<std::string> arms;  // names; empty = all
  std::string arms_file;
  AbDesignOptions design;  // --repeats (fixed) or --budget/--max-rounds (sequential), --margin, --controls
  std::string order = "balanced";  // ab_order's modes
  std::int64_t order_seed = -1;     // < 0: a fresh seed (printed and recorded in ab.json)
  int warmup = 1;                   // runs of the first arm before the first measured one, discarded
  std::string after;                // the arm holding I1+I2+I3 for Expected Results; "" = by overrides
  std::string results_dir = "results";
  std::string id;  // "" = <timestamp>-ab
  bool isolation = false;  // also each arm at c=1 j=1 once per round, into isolation/ (explain's reference)
  bool quiet = false;
  bool force = false;
};

void add_ab_options(CLI::App& cmd, AbOptions& opts);
int run_ab(const AbOptions& opts);

}  // namespace zkc::cli
