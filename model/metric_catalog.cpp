#include "model/metric_catalog.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace zkc::model {
namespace {

constexpr std::uint32_t kPri = kGroupPrimary, kCmp = kGroupCompared, kRep = kGroupReport, kCnt = kGroupCounters, kStg = kGroupStage,
                        kMech = kGroupMechanism, kMem = kGroupMemory;

using RM = RunMetrics;
constexpr DistributionInfo kDistributions[] = {
    {"synthesis_ms", "synthesis", &RM::synthesis_ms, kCmp | kRep | kStg | kMech, true},
    {"queue_wait_ms", "GPU queue wait", &RM::queue_wait_ms, 0, true},
    {"lock_wait_ms", "GPU lock wait", &RM::lock_wait_ms, 0, true},
    {"prep_msm_ms", "prep_msm", &RM::prep_msm_ms, kCmp | kRep | kStg, true},
    {"b_g2_msm_ms", "b_g2_msm", &RM::b_g2_msm_ms, kCmp | kRep | kStg, true},
    {"dealloc_ms", "dealloc", &RM::dealloc_ms, 0, true},
    {"ntt_msm_h_ms", "ntt_msm_h", &RM::ntt_msm_h_ms, 0},
    {"batch_add_ms", "batch_add", &RM::batch_add_ms, 0},
    {"tail_msm_ms", "tail_msm", &RM::tail_msm_ms, 0},
    {"gpu_total_ms", "gpu_total", &RM::gpu_total_ms, 0},
    {"post_lock_ms", "post-lock wait", &RM::post_lock_ms, 0},
    {"proof_ms", "proof latency", &RM::proof_ms, 0},
    {"budget_wait_ms", "budget wait", &RM::budget_wait_ms, 0},
};

std::vector<MetricInfo> build() {
  std::vector<MetricInfo> c = {
      // From the timeline (analysis/metrics/run_metrics).
      {"s_per_proof", "s", "s/proof", kPri | kRep},
      {"steady_s_per_proof", "s", "steady s/proof (after the first proof)", kCmp | kRep},
      {"fill_ms", "ms", "fill (to the first proof)", 0},
      {"batch_elapsed_ms", "ms", "batch elapsed", 0},
      {"proofs_completed", "proofs", "proofs completed", 0},
      {"partitions_completed", "partitions", "partitions completed", 0},
      {"avg_prove_s", "s", "avg prove", 0},
      {"avg_gpu_per_partition_s", "s", "GPU per partition (mean)", kCmp | kRep | kStg},
      {"gpu_util", "fraction", "GPU util", kCmp | kRep},
      {"lock_util", "fraction", "GPU lock util", 0},
      {"idle_gap_count", "count", "GPU idle gaps", 0},
      {"idle_gap_total_ms", "ms", "GPU idle total", 0},
      {"idle_gap_longest_ms", "ms", "longest GPU idle", 0},
  };
  for (const DistributionInfo& d : kDistributions) {
    for (const std::string_view stat : kDistributionStats) {
      const bool count = stat == kDistributionStats[0];
      c.push_back({fmt::format("{}_{}", d.name, stat), count ? "count" : "ms",
                   count ? fmt::format("{} count", d.title) : fmt::format("{} ({})", d.title, stat),
                   stat == kDistributionStats[2] ? d.p50_groups : 0});
    }
  }
  const MetricInfo rest[] = {
      {"max_concurrent_dealloc", "count", "max concurrent dealloc", 0},
      {"max_concurrent_dealloc_cpp", "count", "max concurrent dealloc (cpp)", 0},
      {"max_concurrent_dealloc_rust", "count", "max concurrent dealloc (rust)", 0},
      {"throttle_yields", "count", "throttle yields", 0},
      {"post_lock_share", "fraction", "post-lock share", 0},
      {"throttle_up_share", "fraction", "throttle up-time (of b_g2)", kRep | kMech},
      // The scheduling mechanisms (analysis/metrics/schedule_metrics).
      {"interleave_share", "fraction", "proofs interleaved on the GPU", kRep | kMech},
      {"budget_peak_share", "fraction", "budget peak (of total)", kRep | kMech},
      {"dispatch_interval_ms", "ms", "pacer interval (mean)", 0},
      {"pacer_rate", "x", "pacer rate (mean)", 0},
      {"dispatch_gpu_waiting", "partitions", "GPU queue at dispatch (mean)", 0},
      // Facts of the run beyond its timeline (harness/cli/run_execution).
      {"peak_rss_mib", "MiB", "peak RSS (MiB)", kRep | kCnt},
      {"vram_peak_mib", "MiB", "peak VRAM (MiB)", 0},
      {"throttle_checks", "checks", "throttle checks", 0},
      {"spmv_chunks", "chunks", "SpMV chunks", 0},
      {"b_g2_points_per_partition", "points", "b_g2 points per partition", 0},
      {"b_g2_window", "bits", "b_g2 window", 0},
      {"setup_ms", "ms", "set-up", 0},
      // Where a run's wall time goes (ab): the engine call (set-up + batch + after the last proof),
      // and the run as ab timed it (the engine, metrics and writing its folder).
      {"engine_ms", "ms", "engine call", 0},
      {"run_wall_s", "s", "run wall time", 0},
      // Counters (harness/cli/run_execution: tier 0 and per-stage tier 2).
      {"tlb_shootdowns_per_s_in_dealloc", "IPIs/s", "shootdowns/s in dealloc", kCmp | kRep | kCnt | kMech},
      {"tlb_shootdowns_per_s_outside_dealloc", "IPIs/s", "shootdowns/s outside dealloc", kRep | kCnt},
      {"tlb_shootdowns", "IPIs", "shootdowns (total)", kRep | kCnt},
      {"l3_misses_per_b_g2", "misses", "L3 misses / b_g2", kRep | kCnt | kMech},
      {"l3_misses_per_spmv", "misses", "L3 misses / spmv", kRep | kCnt},
      {"dtlb_misses_per_b_g2", "misses", "dTLB misses / b_g2", kRep | kCnt},
      {"dtlb_misses_per_spmv", "misses", "dTLB misses / spmv", kRep | kCnt},
      {"minor_faults", "faults", "minor faults", kRep | kCnt},
      {"major_faults", "faults", "major faults", 0},
      {"voluntary_ctx_switches", "switches", "voluntary context switches", 0},
      {"involuntary_ctx_switches", "switches", "involuntary context switches", 0},
      // Memory strategy (harness/results/memory_report).
      {"buffer_release_calls", "calls", "buffer releases", kRep | kCnt | kMech | kMem},
      {"buffers_recycled", "buffers", "buffers recycled", kRep | kCnt | kMech | kMem},
      {"arena_slot_waits", "waits", "arena slot waits", kRep | kCnt | kMech | kMem},
      // The pinned a/b/c pool: buffers newly allocated against buffers reused (curio 48dccd93 reports
      // 474 / 12 before its dispatch throttle, 24 / 48 after).
      {"pinned_allocations", "buffers", "pinned pool allocations", kRep | kCnt | kMech | kMem},
      {"pinned_reuses", "buffers", "pinned pool reuses", kRep | kCnt | kMech | kMem},
      {"anon_huge_peak_mib", "MiB", "AnonHugePages peak (MiB)", kRep | kCnt | kMech | kMem},
      // Noise during the batch (harness/system/noise_sample via harness/results/noise_report): what
      // else used the machine, to explain an outlier run (analysis/stats/outliers). Never compared.
      {"noise_steal_share", "fraction", "CPU steal (of all CPU time)", kGroupNoise},
      {"noise_other_cpu_share", "fraction", "other processes' CPU (of wall x CPUs)", kGroupNoise},
      {"noise_load1_start", "load", "1-minute load at start", kGroupNoise},
      {"noise_throttle_events", "events", "thermal throttle events", kGroupNoise},
      {"noise_freq_ratio", "fraction", "CPU frequency / max", kGroupNoise},
      // Families named at run time.
      {"balance_", "ratio", "balance number", 0, true},
      {"cuzk_", "", "prover log (CUZK_TIMING, CUZK_NTT_H, pacer, pinned pool)", 0, true},
  };
  c.insert(c.end(), std::begin(rest), std::end(rest));
  return c;
}

const std::vector<MetricInfo>& catalog() {
  static const std::vector<MetricInfo> c = build();
  return c;
}

}  // namespace

std::span<const DistributionInfo> distributions() { return kDistributions; }

std::span<const MetricInfo> metric_catalog() { return catalog(); }

const MetricInfo* find_metric(std::string_view name) {
  for (const MetricInfo& m : catalog())
    if (!m.prefix && m.name == name) return &m;
  for (const MetricInfo& m : catalog())
    if (m.prefix && name.starts_with(m.name)) return &m;
  return nullptr;
}

std::vector<std::string> metrics_in(std::uint32_t group) {
  std::vector<std::string> out;
  for (const MetricInfo& m : catalog())
    if (!m.prefix && (m.groups & group) != 0) out.push_back(m.name);
  return out;
}

MetricRow metric_row(std::string_view name, double value) {
  const MetricInfo* m = find_metric(name);
  if (m == nullptr) throw std::logic_error(fmt::format("metric '{}' is not declared in metric_catalog", name));
  return {std::string(name), value, m->unit};
}

std::string metric_title(std::string_view name) {
  const MetricInfo* m = find_metric(name);
  return m != nullptr && !m->prefix ? m->title : std::string(name);
}

double metric_to_ms(std::string_view name) {
  const MetricInfo* m = find_metric(name);
  if (m == nullptr) return 0;
  return m->unit == "ms" ? 1.0 : m->unit == "s" ? 1000.0 : 0.0;
}

Shown shown(std::string_view name, double value) {
  const MetricInfo* info = find_metric(name);
  if (info != nullptr && info->unit == "fraction") return {100.0 * value, "%"};
  return {value, info != nullptr ? info->unit : ""};
}

}  // namespace zkc::model
