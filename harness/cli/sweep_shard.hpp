// Shards of a sweep (`sweep --shard K/N`): a deterministic split of the spec's configurations among N
// machines. The configurations are ordered by their request key (SweepRequest::key, the same on every
// machine) and dealt out in turn, so shard sizes differ by at most one configuration, and a
// configuration's repeats stay together: each (point, arm) median comes from one machine.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "harness/cli/sweep_plan.hpp"

namespace zkc::cli {

struct Shard {
  int index = 1;  // K, 1-based (as SLURM_ARRAY_TASK_ID counts from --array=1-N)
  int count = 1;  // N
};

inline constexpr int kMaxShards = 10000;

// "K/N" with 1 <= K <= N <= kMaxShards; config::ConfigError naming --shard and what is accepted.
Shard parse_shard(const std::string& text);

// The shard (1-based) of each request, in the requests' order.
std::vector<int> shard_of(const std::vector<SweepRequest>& requests, int shard_count);

}  // namespace zkc::cli
