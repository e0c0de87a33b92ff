#include "harness/engine/run_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "harness/engine/memory_estimate.hpp"

namespace zkc::harness {
namespace {

using config::Config;
using config::ConfigError;

workloads::FullScaleShape full_shape(const Config& cfg) {
  workloads::FullScaleShape f;
  const auto u = [&](const char* key) { return static_cast<std::uint64_t>(cfg.get_int(key)); };
  f.constraints = u("workload.full.constraints");
  f.aux = u("workload.full.aux");
  f.inputs = u("workload.full.inputs");
  f.nnz_a = u("workload.full.nnz_a");
  f.nnz_b = u("workload.full.nnz_b");
  f.nnz_c = u("workload.full.nnz_c");
  f.domain_log2 = static_cast<unsigned>(cfg.get_int("workload.full.domain_log2"));
  f.srs_h = u("workload.full.srs_h");
  f.srs_l = u("workload.full.srs_l");
  f.srs_a = u("workload.full.srs_a");
  f.srs_b_g1 = u("workload.full.srs_b_g1");
  f.srs_b_g2 = u("workload.full.srs_b_g2");
  return f;
}

unsigned all_cpus_if_zero(const Config& cfg, const char* key, const MachineFacts& m, RunPlan& plan) {
  const auto v = static_cast<unsigned>(cfg.get_int(key));
  if (v != 0) return v;
  const unsigned n = std::max(1u, m.online_cpus);
  plan.resolved.push_back({key, std::int64_t{n}, "0 = all online CPUs"});
  return n;
}

// Topology, pin plan and NUMA policy; every spec is checked against the topology it is for.
void plan_placement(const Config& cfg, RunPlan& p) {
  p.topology_source = {cfg.get_string("topology.synthetic"), cfg.get_string("topology.xml")};
  if (!p.topology_source.synthetic.empty() && !p.topology_source.xml.empty()) {
    throw ConfigError("topology.synthetic and topology.xml are both set: accepted: at most one of them");
  }
  std::optional<topology::Topology> topo;
  try {
    topo.emplace(topology::Topology::load(p.topology_source));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("{}: {}", p.topology_source.xml.empty() ? "topology.synthetic" : "topology.xml",
                                  e.what()));
  }
  const auto& info = topo->info();
  p.binding_simulated = !info.is_this_system;
  p.topology_summary = fmt::format("{}: {} L3 domain(s), {} cores, {} PUs{}", info.source, info.l3.size(), info.cores,
                                   info.pus, p.binding_simulated ? " (binding simulated)" : "");
  p.pinning.policy = cfg.get_string("pinning.policy");
  // On a what-if topology "0 = all CPUs" means that machine's CPUs for the plan (the run itself, on
  // this machine, keeps this machine's pool sizes).
  const auto planned = [&](const char* key, unsigned here) {
    return p.binding_simulated && cfg.get_int(key) == 0 ? info.pus : here;
  };
  p.pinning.synthesis_threads = planned("synthesis.threads", p.synthesis_threads);
  p.pinning.groth16_threads = planned("gpus.gpu_threads", p.gpu_threads);
  for (const auto kind : topology::all_pools()) {
    const std::string key = std::string("pinning.") + topology::pool_key(kind);
    const std::string& spec = cfg.get_string(key);
    if (spec.empty()) continue;
    try {
      topology::resolve_spec(info, spec);
    } catch (const std::invalid_argument& e) {
      throw ConfigError(fmt::format("{} = {}", key, e.what()));  // the message quotes the spec
    }
    p.pinning.explicit_spec[kind] = spec;
  }
  p.pin_plan = topology::plan_pinning(info, p.pinning);
  try {
    p.numa = workloads::parse_numa_policy(cfg.get_string("memory.numa"));
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("memory.numa = \"{}\": {}", cfg.get_string("memory.numa"), e.what()));
  }
}

// The plan at a given scale (everything but the automatic scale itself).
RunPlan plan_at_scale(const Config& cfg, const MachineFacts& m, double scale) {
  RunPlan p;
  p.scale = scale;
  try {
    p.shape = workloads::scale_shape(full_shape(cfg), scale);
  } catch (const std::invalid_argument& e) {
    throw ConfigError(fmt::format("workload.full.* / workload.scale: {}", e.what()));
  }
  p.partitions = static_cast<unsigned>(cfg.get_int("workload.partitions"));
  p.proofs = static_cast<unsigned>(cfg.get_int("batch.count"));
  p.concurrency = static_cast<unsigned>(cfg.get_int("batch.concurrency"));
  p.partition_workers = static_cast<unsigned>(cfg.get_int("synthesis.partition_workers"));
  if (p.partition_workers == 0) {
    p.partition_workers = std::clamp(m.online_cpus / 8, 2u, 10u);
    p.resolved.push_back({"synthesis.partition_workers", std::int64_t{p.partition_workers},
                          fmt::format("0 = clamp({} CPUs / 8, 2, 10)", m.online_cpus)});
  }
  p.synthesis_threads = all_cpus_if_zero(cfg, "synthesis.threads", m, p);
  p.chunk_rows = static_cast<std::size_t>(cfg.get_int("synthesis.chunk_rows"));
  p.lookahead = static_cast<unsigned>(cfg.get_int("synthesis.lookahead"));
  p.gpu_queue_capacity = std::max(p.lookahead, p.partition_workers);
  p.devices = static_cast<unsigned>(cfg.get_int("gpus.devices"));
  p.gpu_workers_per_device = static_cast<unsigned>(cfg.get_int("gpus.gpu_workers_per_device"));
  p.gpu_threads = all_cpus_if_zero(cfg, "gpus.gpu_threads", m, p);

  const std::string& backend = cfg.get_string("gpu.backend");
  if (backend == "cuda") {
    throw ConfigError(fmt::format(
        "gpu.backend = \"cuda\": {}; accepted here: \"sim\" or \"auto\"",
        m.cuda_device_present ? "this build has no CUDA pipeline backend yet" : m.cuda_note));
  }
  p.backend = GpuBackendKind::kSim;
  p.backend_note = backend == "sim" ? "sim (requested)"
                   : m.cuda_device_present
                       ? "sim (auto: a CUDA device is present, but this build has no CUDA pipeline backend yet)"
                       : "sim (auto: " + m.cuda_note + ")";

  const double gpu_scale = scale * cfg.get_double("gpu.time_factor");
  p.ntt_msm_h_ms = cfg.get_double("gpu.ntt_msm_h_ms") * gpu_scale;
  p.batch_add_ms = cfg.get_double("gpu.batch_add_ms") * gpu_scale;
  p.tail_msm_ms = cfg.get_double("gpu.tail_msm_ms") * gpu_scale;
  // Device memory scales with the FFT domain, the largest allocation (a/b/c on the device): the
  // domain is rounded up to a power of two, so a plain `scale` factor could leave less room for it
  // than the real device has.
  const double domain_ratio = std::ldexp(1.0, static_cast<int>(p.shape.domain_log2) -
                                                  static_cast<int>(cfg.get_int("workload.full.domain_log2")));
  p.vram_bytes = static_cast<std::uint64_t>(cfg.get_double("gpu.vram_gib") * std::max(scale, domain_ratio) *
                                            double(1ull << 30));

  p.serialize_dealloc = cfg.get_bool("interventions.serialize_dealloc");
  p.membw_throttle = cfg.get_bool("interventions.membw_throttle");
  p.throttle_check_chunks = static_cast<std::size_t>(cfg.get_int("interventions.throttle_check_chunks"));
  p.finalize = cfg.get_string("engine.finalize") == "split" ? FinalizeMode::kSplit : FinalizeMode::kInline;
  p.malloc_trim = cfg.get_bool("engine.malloc_trim");
  p.dealloc_linger_ms = cfg.get_double("engine.dealloc_linger_ms");
  p.idle_gap_min_ms = cfg.get_double("report.idle_gap_min_ms");
  p.counters = cfg.get_bool("counters.enabled");
  p.counter_interval_ms = static_cast<unsigned>(cfg.get_int("counters.interval_ms"));

  p.seed = static_cast<std::uint64_t>(cfg.get_int("workload.seed"));
  p.pce = workloads::PceParams{cfg.get_double("workload.local_fraction"),
                               static_cast<std::uint32_t>(cfg.get_int("workload.local_window")),
                               cfg.get_double("workload.nnz_spread"), p.seed};
  p.witness = workloads::WitnessParams{cfg.get_double("workload.one_fraction"),
                                       cfg.get_double("workload.tail_fraction"),
                                       static_cast<unsigned>(cfg.get_int("synthesis.witness_muls_per_var")), p.seed};
  if (p.witness.one_fraction + p.witness.tail_fraction > 1.0) {
    throw ConfigError(fmt::format(
        "workload.one_fraction ({}) + workload.tail_fraction ({}) = {}: the sum must be <= 1 (the rest are zeros)",
        p.witness.one_fraction, p.witness.tail_fraction, p.witness.one_fraction + p.witness.tail_fraction));
  }
  return p;
}

}  // namespace

double auto_scale(const Config& cfg, const MachineFacts& m) {
  double scale = std::min(1.0, 2.5e-4 * std::max(1u, m.online_cpus) / 2.0);
  // Halve until the estimate fits a quarter of available memory (a run shares the machine).
  const double budget = 0.25 * static_cast<double>(m.mem_available_bytes);
  while (scale > 1e-7 && static_cast<double>(estimate_memory(plan_at_scale(cfg, m, scale)).total()) > budget) {
    scale /= 2;
  }
  return scale;
}

RunPlan make_run_plan(const Config& cfg, const MachineFacts& m) {
  double scale = cfg.get_double("workload.scale");
  const bool automatic = scale == 0;
  if (automatic) scale = auto_scale(cfg, m);
  RunPlan plan = plan_at_scale(cfg, m, scale);
  plan_placement(cfg, plan);  // once: it loads the topology
  if (automatic) {
    plan.resolved.insert(plan.resolved.begin(),
                         {"workload.scale", scale,
                          fmt::format("0 = sized from {} CPUs and {:.1f} GiB available", m.online_cpus,
                                      static_cast<double>(m.mem_available_bytes) / double(1ull << 30))});
  }
  return plan;
}

}  // namespace zkc::harness
