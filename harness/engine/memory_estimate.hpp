// MemoryEstimate: the peak host memory a run can reach, item by item, checked before anything is
// allocated so an oversized configuration is refused with its breakdown instead of swapping or
// being OOM-killed halfway.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "harness/engine/run_plan.hpp"

namespace zkc::harness {

struct MemoryItem {
  std::string what;       // "shared CSR (A, B, C)"
  std::uint64_t count = 1;     // how many at once, at most
  std::uint64_t bytes_each = 0;
  std::uint64_t total() const { return count * bytes_each; }
};

struct MemoryEstimate {
  std::vector<MemoryItem> items;
  std::uint64_t total() const;
};

// Items: shared CSR; pinned SRS; pw synthesis buffers (aux, unified witness, a/b/c, density);
// queued partitions (capacity x (aux, a/b/c, density)); gw x devices partitions on the GPU side
// (their a/b/c, aux, density and split vectors) and the devices' staging buffers; b_g2 bucket
// arrays; the dealloc backlog (with I1: one partition per side; without: gw x devices). With the arena
// the partition items are its slots, whose pages all stay resident.
MemoryEstimate estimate_memory(const RunPlan& plan);

// A table: one line per item with count, size each and total, then the sum and the limit.
std::string format_estimate(const MemoryEstimate& e, std::uint64_t available_bytes);

// The refusal threshold: 90% of available memory.
inline constexpr double kMemoryLimitFraction = 0.9;

}  // namespace zkc::harness
