#include "harness/vtime/memory_estimate_timeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "harness/vtime/cost_model.hpp"
#include "harness/vtime/virtual_engine.hpp"

namespace zkc::harness::vtime {

std::string margin_item(double pct) { return fmt::format("safety margin (memory.estimate_margin_pct = {:g}%)", pct); }

MemoryEstimate estimate_from_timeline(const RunPlan& plan, const MemoryTimeline& timeline) {
  const MemoryPeak peak = timeline.peak();
  MemoryEstimate e;
  for (const auto& [what, bytes] : timeline.resident) e.items.push_back({what, 1, bytes});
  // In flight at the peak: one item per kind and size (a partition's a/b/c and a pooled buffer of
  // another size are two lines), in order of their total.
  std::map<std::pair<std::string, std::uint64_t>, std::uint64_t> live;
  if (peak.bytes > timeline.resident_bytes()) {
    for (const BufferLife* b : timeline.live_at(peak.at_ms)) ++live[{b->what, b->bytes}];
  }
  std::vector<MemoryItem> in_flight;
  for (const auto& [key, count] : live) in_flight.push_back({fmt::format("{} at the peak", key.first), count, key.second});
  std::stable_sort(in_flight.begin(), in_flight.end(),
                   [](const MemoryItem& a, const MemoryItem& b) { return a.total() > b.total(); });
  e.items.insert(e.items.end(), in_flight.begin(), in_flight.end());
  const double pct = plan.memory.estimate_margin_pct;
  const auto margin = static_cast<std::uint64_t>(std::ceil(static_cast<double>(peak.bytes) * pct / 100.0));
  e.items.push_back({margin_item(pct), 1, margin});
  return e;
}

}  // namespace zkc::harness::vtime

namespace zkc::harness {

MemoryEstimate estimate_memory(const RunPlan& plan) {
  // The virtual pipeline does not follow the pinned pool's checkouts; the schedule is the same with heap
  // a/b/c, and the accounting replays the pool from the a/b/c moments of that timeline.
  RunPlan schedule = plan;
  schedule.memory.pinned_pool = false;
  vtime::VirtualOptions options;
  options.costs = vtime::cost_from_plan(plan);
  options.contention = vtime::ContentionSwitches::none();
  const EngineResult r = vtime::run_virtual(schedule, options);
  return vtime::estimate_from_timeline(plan, vtime::account_memory(plan, r.events, r.spans));
}

}  // namespace zkc::harness
