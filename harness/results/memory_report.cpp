#include "harness/results/memory_report.hpp"

#include <limits>
#include <string>

#include "model/metric_catalog.hpp"
#include "harness/system/proc_readers.hpp"

namespace zkc::harness {
namespace {

nlohmann::json smaps_json(const std::optional<SmapsRollup>& s) {
  if (!s) return nullptr;
  return {{"rss_bytes", s->rss}, {"anon_huge_pages_bytes", s->anon_huge_pages}, {"lazy_free_bytes", s->lazy_free}};
}

template <class T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

// The pinned pool's counts (the real prover's "allocated new buffer" and "checkout (reuse)" lines
// counted), or null with heap a/b/c.
nlohmann::json pinned_pool_json(const MemoryPlan& m, const MemoryStats& s) {
  if (!s.pinned) return nullptr;
  const workloads::PinnedPoolStats& p = *s.pinned;
  return {{"allocator", s.pinned_allocator},
          {"locked", s.pinned_note.empty() ? "ok" : s.pinned_note},
          {"idle_shrink_ms", m.pinned_pool_idle_ms},
          {"checkouts", p.checkouts},
          {"allocations", p.allocations},
          {"reuses", p.reuses},
          {"checkins", p.checkins},
          {"shrinks", p.shrinks},
          {"bytes_allocated", p.bytes_allocated},
          {"bytes_freed", p.bytes_freed},
          {"bytes_held", p.bytes_held},
          {"bytes_peak", p.bytes_peak},
          {"buffers_free", p.buffers_free}};
}

}  // namespace

nlohmann::json memory_json(const RunPlan& plan, const EngineResult& r) {
  const MemoryPlan& m = plan.memory;
  const workloads::RegionStats& b = r.memory.regions;
  nlohmann::json j;
  j["allocator"] = m.arena ? "arena" : "system";
  j["release"] = std::string(workloads::to_string(m.release));
  j["thp"] = std::string(workloads::to_string(m.thp));
  j["thp_result"] = r.thp_note.empty() ? "ok" : r.thp_note;
  std::string why_enabled, why_defrag;
  const auto enabled = read_thp_mode("/sys", &why_enabled);
  const auto defrag = read_thp_defrag("/sys", &why_defrag);
  j["thp_system"] = {{"enabled", or_null(enabled)}, {"defrag", or_null(defrag)}};
  if (!enabled || !defrag) j["thp_system"]["note"] = enabled ? why_defrag : why_enabled;
  j["buffers"] = {{"source", r.memory.source},         {"acquired", b.acquired},
                  {"fresh", b.fresh},                   {"recycled", b.recycled},
                  {"released", b.released},             {"release_calls", b.release_calls},
                  {"bytes_released", b.bytes_released}, {"bytes_cached", b.bytes_cached}};
  if (r.memory.arena) {
    const auto& a = *r.memory.arena;
    j["arena"] = {{"slots", a.slots},
                  {"slab_bytes", a.slab_bytes},
                  {"slabs_per_slot", a.slabs_per_slot},
                  {"leases", a.leases},
                  {"slot_waits", a.waits},
                  {"arena_blocks", a.arena_blocks},
                  {"system_blocks", a.system_blocks},
                  {"overflow_count", a.overflow.count},
                  {"overflow_bytes", a.overflow.bytes},
                  {"region_thp", std::string(workloads::to_string(m.arena_options.thp))},
                  {"region_advice", a.advice_note.empty() ? "ok" : a.advice_note}};
  } else {
    j["arena"] = nullptr;
  }
  j["abc_buffers"] = m.pinned_pool ? "pinned_pool" : "heap";
  j["pinned_pool"] = pinned_pool_json(m, r.memory);
  j["smaps"] = {{"after_setup", smaps_json(r.smaps_after_setup)},
                {"peak", smaps_json(r.smaps_peak)},
                {"end", smaps_json(r.smaps_end)}};
  j["smaps_note"] = r.smaps_note.empty() ? "ok" : r.smaps_note;
  return j;
}

std::vector<analysis::MetricRow> memory_rows(const RunPlan& plan, const EngineResult& r) {
  constexpr double kNa = std::numeric_limits<double>::quiet_NaN();
  const auto& b = r.memory.regions;
  using analysis::metric_row;
  return {
      metric_row("buffer_release_calls", static_cast<double>(b.release_calls)),
      metric_row("buffers_recycled", static_cast<double>(b.recycled)),
      metric_row("arena_slot_waits",
                 plan.memory.arena && r.memory.arena ? static_cast<double>(r.memory.arena->waits) : kNa),
      metric_row("pinned_allocations", r.memory.pinned ? static_cast<double>(r.memory.pinned->allocations) : kNa),
      metric_row("pinned_reuses", r.memory.pinned ? static_cast<double>(r.memory.pinned->reuses) : kNa),
      metric_row("anon_huge_peak_mib",
                 r.smaps_peak ? static_cast<double>(r.smaps_peak->anon_huge_pages) / double(1 << 20) : kNa),
  };
}

}  // namespace zkc::harness
