// What a run's memory strategy did (memory.*): meta.json's "memory" section and the summary rows,
// from the engine's counts and smaps_rollup readings.
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"

namespace zkc::harness {

// {allocator, release, thp, thp_result, thp_system {enabled, defrag}, buffers {source, acquired,
// fresh, recycled, released, release_calls, bytes_released, bytes_cached}, arena {slots, slab_bytes,
// slabs_per_slot, leases, slot_waits, arena_blocks, system_blocks, overflow_count, overflow_bytes,
// region_advice} (null without the arena), abc_buffers, pinned_pool {allocator, locked, idle_shrink_ms,
// checkouts, allocations, reuses, checkins, shrinks, bytes_allocated, bytes_freed, bytes_held,
// bytes_peak, buffers_free} (null with heap a/b/c), smaps {after_setup, peak, end: {rss_bytes,
// anon_huge_pages_bytes, lazy_free_bytes}} (null readings when unreadable), smaps_note}.
nlohmann::json memory_json(const RunPlan& plan, const EngineResult& r);

// buffer_release_calls, buffers_recycled, arena_slot_waits (NaN without the arena), pinned_allocations
// and pinned_reuses (NaN without the pinned pool), anon_huge_peak_mib (NaN when smaps_rollup is
// unreadable).
std::vector<analysis::MetricRow> memory_rows(const RunPlan& plan, const EngineResult& r);

}  // namespace zkc::harness
