// `zkcontend ab`: the main job. Runs every arm (named override sets: baseline, I1, I1+I2, I1+I2+I3,
// split, or an arms file's) `repeats` times, interleaved round-robin per repeat (optionally shuffled
// with a seed) so slow drift of the machine spreads over all arms, then writes
// results/<ab-id>/{runs/<arm>-r<k>/, ab.csv, report.html, report.md} and prints medians with 95%
// bootstrap intervals and the change of each arm against the baseline.
#pragma once

#include <CLI/CLI.hpp>

#include "harness/cli/run_execution.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace zkc::cli {

struct AbOptions {
  ProfileOptions profile;         // --config, --set (for every arm), -c, -j
  std::vector<std::string> arms;  // names; empty = all
  std::string arms_file;
  int repeats = 3;
  std::int64_t shuffle_seed = -1;  // < 0: fixed round-robin order
  std::string results_dir = "results";
  std::string id;  // "" = <timestamp>-ab
  bool quiet = false;
  bool force = false;
};

void add_ab_options(CLI::App& cmd, AbOptions& opts);
int run_ab(const AbOptions& opts);

}  // namespace zkc::cli
