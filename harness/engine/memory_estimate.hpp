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

// The run's estimate, from the one memory accounting (harness/vtime/memory_timeline.hpp): the plan's
// batch in virtual time (the profile's stage costs, no contention: the schedule decides what is in
// flight when), every large buffer's life read off that timeline, the peak's breakdown, and the
// margin memory.estimate_margin_pct on top. Defined in harness/vtime/memory_estimate_timeline.cpp.
MemoryEstimate estimate_memory(const RunPlan& plan);

// The estimate before the accounting: every buffer kind at its largest count at once (pw synthesis
// buffers, a full GPU queue, gw x devices on the GPU side, the finalizing and dealloc backlog), never
// all true together: 1.8-2.8x the real prover's peak at full scale. Kept to show that difference.
MemoryEstimate worst_case_memory(const RunPlan& plan);

// A table: one line per item with count, size each and total, then the sum and the limit.
std::string format_estimate(const MemoryEstimate& e, std::uint64_t available_bytes);

// The refusal threshold: 90% of available memory.
inline constexpr double kMemoryLimitFraction = 0.9;

}  // namespace zkc::harness
