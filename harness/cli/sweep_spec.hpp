// A sweep spec (configs/sweeps/*.toml): which keys vary (explicit points and/or a grid), which arms
// run at each point, how many repeats, on which profile. Example:
//
//   [sweep]
//   name = "cj"                              # default results id: sweep-<name>
//   profile = ["configs/default.toml"]       # profile files (default: the embedded default profile)
//   set = ["workload.partitions=10"]         # overrides for every run
//   arms = ["baseline", "I1+I2+I3"]          # default: ["baseline"]
//   repeats = 3
//
//   [[point]]                                # explicit points...
//   "batch.count" = 5
//   "batch.concurrency" = 5
//
//   [grid]                                   # ...and/or a grid (cartesian product; with points: each
//   "gpus.gpu_workers_per_device" = [1, 2]   #  point x each grid combination)
//
//   [arms.custom]                            # optional extra arms, as in an arms file
//   "gpus.gpu_threads" = 8
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "harness/cli/arms.hpp"

namespace zkc::cli {

struct SweepPoint {
  std::vector<std::pair<std::string, std::string>> settings;  // key, TOML literal
  std::string label;                                          // "c=5 j=5 gw=2"
};

struct SweepSpec {
  std::string name;
  std::vector<std::string> profile;    // resolved relative to the spec's folder's parent repo, see read
  std::vector<std::string> overrides;  // "key=value"
  std::vector<std::string> arms = {"baseline"};
  int repeats = 1;
  std::vector<SweepPoint> points;
  std::vector<Arm> extra_arms;
  std::vector<std::string> varied_keys;  // every key any point sets, in first-appearance order
};

// The most runs (points x arms x repeats) one sweep may plan: each is prepared and validated before
// the first starts, and at a few seconds a run this is already days of machine time. Beyond it the
// spec is refused with the count, before anything is expanded.
inline constexpr std::size_t kMaxSweepRuns = 10000;

// Reads and checks the spec's shape: a [sweep] table is required (an empty file or one without it is
// refused rather than running the default profile), `arms` if given lists at least one arm, and the
// number of points (explicit points x grid combinations) is counted before they are expanded and
// refused above kMaxSweepRuns; config::ConfigError naming the file, line and what is accepted.
// Profile paths are taken relative to the current directory when they exist there, else relative to
// the spec file's folder. Keys and values are validated later, when each run is prepared.
SweepSpec read_sweep_spec(const std::filesystem::path& path);

// sweep --isolation: a c=1 j=1 point first, unless a point already is one. Its other keys take the
// spec's `set` and profile values; it is the reference `explain` divides each arm's inflation against.
// Returns whether a point was added.
bool add_isolation_point(SweepSpec& spec);

// "c=5 j=5" style label: short names for the keys users sweep most (c, j, P, pw, gw, gt).
std::string point_label(const std::vector<std::pair<std::string, std::string>>& settings);

}  // namespace zkc::cli
