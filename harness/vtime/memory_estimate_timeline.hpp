// The run's memory estimate from the accounting (memory_timeline.hpp) instead of a sum of worst
// cases: what is resident, what is in flight at the timeline's peak (one item per kind and size, its
// count the buffers live then), and an explicit safety margin (memory.estimate_margin_pct) on top.
// The same MemoryEstimate shape as estimate_memory's, so format_estimate and the refusal read it.
#pragma once

#include <string>

#include "harness/engine/memory_estimate.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/vtime/memory_timeline.hpp"

namespace zkc::harness::vtime {

// The margin's item name: "safety margin (memory.estimate_margin_pct = 10%)".
std::string margin_item(double pct);

// Items: the resident ones (count 1), then what is live at timeline.peak() grouped by (what, bytes)
// with its count, largest first, then the margin: margin_pct of the peak's bytes, rounded up.
MemoryEstimate estimate_from_timeline(const RunPlan& plan, const MemoryTimeline& timeline);

}  // namespace zkc::harness::vtime
