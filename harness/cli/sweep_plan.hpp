// The configurations a sweep spec asks for, one per (point, arm), before any machine resolves them:
// shared by `sweep` (run, --shard), `sweep --collect` and `sweep --slurm`, so all of them mean the
// same list. Repeats share their configuration.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/cli/arms.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/cli/sweep_spec.hpp"

namespace zkc::cli {

struct SweepRequest {
  std::size_t point = 0;  // index into SweepSpec::points
  Arm arm;
  ConfigInput input;      // the spec's profile and set, the point, the arm, then the command's --set
  // FNV-1a of the requested configuration (every key after loading, no machine-resolved value) with
  // the arm given by its name, as 16 hex digits: the same on every machine that reads the same spec
  // with the same build, so every shard of a sweep splits it alike. (Arm overrides are named, not
  // hashed: the default I2 arm's gpu_threads depends on the CPU count.)
  std::string key;
};

// The arms a sweep runs on a machine with `cpus` online CPUs (defaults, the spec's [arms], selected
// by sweep.arms); config::ConfigError naming an unknown one.
std::vector<Arm> sweep_arms(const SweepSpec& spec, unsigned cpus);

// Every (point, arm) of the spec in point-major order; config::ConfigError (naming the point and arm)
// when a configuration does not load.
std::vector<SweepRequest> sweep_requests(const SweepSpec& spec, const std::vector<Arm>& arms,
                                         const std::vector<std::string>& cli_overrides);

}  // namespace zkc::cli
