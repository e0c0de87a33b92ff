// One accounting of host memory over a run: every large buffer with the moment it is allocated and
// freed, read from a timeline (a real run's, or the virtual backend's), plus what stays resident
// (the shared CSR, the pinned SRS, the runtime). The run's memory estimate (memory_estimate.hpp) and
// the virtual backend's peak RSS both come from it, so neither is a sum of worst cases.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "harness/engine/run_plan.hpp"
#include "model/timeline_event.hpp"

namespace zkc::harness::vtime {

struct BufferLife {
  std::string what;  // "a/b/c", "aux witness", "split vectors", ...
  int proof = -1, partition = -1;
  double alloc_ms = 0, free_ms = 0;  // free_ms = +inf when never freed within the timeline
  std::uint64_t bytes = 0;
};

struct MemoryPeak {
  double at_ms = 0;
  std::uint64_t bytes = 0;  // resident + every buffer live at at_ms
  // What is in flight then, by item (resident items first), largest first within each group.
  std::vector<std::pair<std::string, std::uint64_t>> by_item;
  unsigned partitions_live = 0;  // partitions holding at least one buffer then
};

struct MemoryTimeline {
  std::vector<std::pair<std::string, std::uint64_t>> resident;  // held the whole run
  std::vector<BufferLife> buffers;
  MemoryPeak peak() const;
  std::uint64_t resident_bytes() const;
};

MemoryTimeline account_memory(const RunPlan& plan, std::span<const model::TimelineEvent> events);

}  // namespace zkc::harness::vtime
