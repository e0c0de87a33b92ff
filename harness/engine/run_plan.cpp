#include "harness/engine/run_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <stdexcept>

#include "harness/config/toggles.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "model/events.hpp"
#include "harness/engine/sim_device_fit.hpp"
#include "workloads/memory/syscall_error.hpp"

namespace zkc::harness {
namespace {

// The positive control's extra multiplications: synthesis_extra of a partition's whole stage time in
// isolation (synthesis + prep_msm + b_g2_msm + GPU), all of it done in synthesis. A pipeline bound by its
// work then slows by about that share: 3% of synthesis alone moved s/proof by only 1.6-2.3% (synthesis
// is ~65% of a partition's work on the 2-vCPU VM). With a fit, from its measured cost per multiplication
// and predicted stage times; without, from the chain's share of synthesis (synthesis time only).
void set_extra_muls(RunPlan& p) {
  p.witness.extra_muls = 0;
  if (!(p.synthesis_extra > 0)) return;
  double muls = 0;
  if (p.fit && p.fit->costs.witness_ns_per_mul > 0) {
    const auto& s = p.fit->sizes;
    const double partition_ms = s.synthesis_ms + s.prep_ms + s.b_g2_ms + s.gpu_total_ms;
    muls = p.synthesis_extra * partition_ms * 1e6 / p.fit->costs.witness_ns_per_mul;
  } else {
    muls = p.synthesis_extra * static_cast<double>(p.shape.aux) * p.witness.muls_per_var /
           std::max(0.05, p.balance_targets.witness_share);
  }
  p.witness.extra_muls = static_cast<std::uint64_t>(std::llround(muls));
}

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

// The arena slab for the shape: the larger of what a synthesis worker allocates for one partition
// (inputs, aux, unified witness, a/b/c, densities) and what a GPU worker allocates (split vectors),
// with a page of rounding per buffer, rounded up to 2 MiB.
std::size_t auto_slab_bytes(const workloads::PartitionShape& shape) {
  const auto b = workloads::shape_bytes(shape);
  const std::uint64_t page = workloads::page_size();
  const std::uint64_t synthesis = 2 * b.witness + b.abc + b.density + 8 * page;
  const std::uint64_t split = b.split_vectors + 7 * page;
  const std::uint64_t align = std::uint64_t{2} << 20;
  return static_cast<std::size_t>((std::max(synthesis, split) + align - 1) / align * align);
}

void plan_memory(const Config& cfg, RunPlan& p) {
  using workloads::ReleaseMethod;
  MemoryPlan& m = p.memory;
  m.arena = cfg.get_string("memory.allocator") == "arena";
  const std::string& release = cfg.get_string("memory.release");
  if (release == "auto") {
    m.release = m.arena ? ReleaseMethod::kReuse : ReleaseMethod::kMunmap;
    p.resolved.push_back({"memory.release", std::string(workloads::to_string(m.release)),
                          m.arena ? "the arena keeps its pages for the next partition"
                                  : "the system allocator unmaps"});
  } else {
    m.release = *workloads::parse_release_method(release);  // the schema admits only the names
  }
  if (m.arena && m.release != ReleaseMethod::kReuse) {
    throw ConfigError(fmt::format(
        "memory.release = \"{}\" with memory.allocator = \"arena\": the arena recycles its pages and never "
        "releases them; accepted with the arena: \"auto\" or \"reuse\"",
        release));
  }
  m.thp = *workloads::parse_thp_advice(cfg.get_string("memory.thp"));
  m.pinned_pool = cfg.get_string("memory.abc_buffers") == "pinned_pool";
  m.pinned_cuda = p.backend == GpuBackendKind::kCuda;
  m.estimate_margin_pct = cfg.get_double("memory.estimate_margin_pct");
  if (!m.arena) return;
  m.arena_slots = static_cast<unsigned>(cfg.get_int("memory.arena_slots"));
  if (m.arena_slots == 0) {
    const unsigned gpu_side = p.gpu_workers_per_device * p.devices;
    m.arena_slots = p.partition_workers + p.gpu_queue_capacity + gpu_side + 1;
    p.resolved.push_back({"memory.arena_slots", std::int64_t{m.arena_slots},
                          fmt::format("0 = pw {} + GPU queue {} + gw x devices {} + 1 (a partition finishing)",
                                      p.partition_workers, p.gpu_queue_capacity, gpu_side)});
  }
  auto& o = m.arena_options;
  o.max_threads = 4;
  o.binding = workloads::SlabBinding::kPhase;
  o.min_arena_bytes = static_cast<std::size_t>(cfg.get_int("memory.arena_min_bytes"));
  o.thp = *workloads::parse_thp_advice(cfg.get_string("memory.arena_thp"));
  const double slab_mib = cfg.get_double("memory.arena_slab_mib");
  if (slab_mib > 0) {
    o.slab_bytes = static_cast<std::size_t>(slab_mib * double(1 << 20));
  } else {
    o.slab_bytes = auto_slab_bytes(p.shape);
    p.resolved.push_back({"memory.arena_slab_mib", static_cast<double>(o.slab_bytes) / double(1 << 20),
                          "0 = the larger of one partition's synthesis buffers and its split vectors"});
  }
}

// The buffer mechanisms' full-scale times. Unpinned a/b/c: 3 x constraints x 32 B (12.5 GB at full
// scale) at gpu.upload_gbps_unpinned (2 GB/s: 6.25 s) instead of gpu.upload_gbps_pinned (50 GB/s: 0.25 s),
// so they add 6.0 s, 4.2x the seed's kernels (1423 ms of its 1800 ms gpu_total), in line with the
// 2-14 s NTT stalls curio's 48dccd93 reports before the pinned pool. The first d_b: 700 ms, 0.49x.
// The pool's idle shrink: 300 s, 211x. A pinned upload's own time is already in the seed's ntt_msm_h.
BufferTimesFull buffer_times_full(const Config& cfg) {
  BufferTimesFull f;
  f.seed_kernels_ms = cfg.get_double("balance.ntt_msm_h_ms") + cfg.get_double("balance.batch_add_ms") +
                      cfg.get_double("balance.tail_msm_ms");
  const double abc_bytes = 3.0 * static_cast<double>(cfg.get_int("workload.full.constraints")) * 32.0;
  const double ms_per_byte_unpinned = 1.0 / (cfg.get_double("gpu.upload_gbps_unpinned") * 1e6);
  const double ms_per_byte_pinned = 1.0 / (cfg.get_double("gpu.upload_gbps_pinned") * 1e6);
  f.unpinned_upload_ms = std::max(0.0, abc_bytes * (ms_per_byte_unpinned - ms_per_byte_pinned));
  f.d_b_first_alloc_ms = cfg.get_double("gpu.d_b_first_alloc_ms");
  f.pool_idle_ms = cfg.get_double("memory.pinned_pool_idle_s") * 1000.0;
  return f;
}

// Each buffer time keeps its ratio to the kernels: times the simulated kernels' share of the seed's,
// so it scales by workload.scale x gpu.time_factor (uniform) or as the balance fit sized the device.
void set_buffer_times(RunPlan& p) {
  const BufferTimesFull& f = p.buffer_times_full;
  const double kernels = p.ntt_msm_h_ms + p.batch_add_ms + p.tail_msm_ms;
  const double factor = f.seed_kernels_ms > 0 ? kernels / f.seed_kernels_ms : 0.0;
  p.unpinned_upload_ms = factor * f.unpinned_upload_ms;
  p.d_b_first_alloc_ms = factor * f.d_b_first_alloc_ms;
  p.memory.pinned_pool_idle_ms = factor * f.pool_idle_ms;
}

SimDeviceInputs sim_device_inputs(const Config& cfg) {
  return {full_shape(cfg), cfg.get_double("gpu.vram_gib"), cfg.get_double("workload.tail_fraction"),
          cfg.get_string("gpu.device_buffers") == "kept"};
}

// Batch, synthesis and GPU-worker sizes; 0 in a count resolves from the machine.
void plan_batch(const Config& cfg, const MachineFacts& m, RunPlan& p) {
  p.proofs = static_cast<unsigned>(cfg.get_int("batch.count"));
  p.concurrency = static_cast<unsigned>(cfg.get_int("batch.concurrency"));
  p.partition_workers = static_cast<unsigned>(cfg.get_int("synthesis.partition_workers"));
  if (p.partition_workers == 0) {
    p.partition_workers = std::clamp(m.online_cpus / 8, 2u, 10u);
    p.resolved.push_back({"synthesis.partition_workers", std::int64_t{p.partition_workers},
                          fmt::format("0 = clamp({} CPUs / 8, 2, 10)", m.online_cpus)});
  }
  p.partitions = static_cast<unsigned>(cfg.get_int("workload.partitions"));
  if (p.partitions == 0) {
    p.partitions = p.partition_workers;
    p.resolved.push_back({"workload.partitions", std::int64_t{p.partitions},
                          "0 = pw, so a proof's partitions synthesize together as in the seed (pw / P = 1)"});
  }
  p.synthesis_threads = all_cpus_if_zero(cfg, "synthesis.threads", m, p);
  p.chunk_rows = static_cast<std::size_t>(cfg.get_int("synthesis.chunk_rows"));
  p.lookahead = static_cast<unsigned>(cfg.get_int("synthesis.lookahead"));
  p.gpu_queue_capacity = std::max(p.lookahead, p.partition_workers);
  p.devices = static_cast<unsigned>(cfg.get_int("gpus.devices"));
  p.gpu_workers_per_device = static_cast<unsigned>(cfg.get_int("gpus.gpu_workers_per_device"));
  p.gpu_threads = all_cpus_if_zero(cfg, "gpus.gpu_threads", m, p);
}

// The GPU backend (sim or cuda, checked against the machine) and the simulated device's kernel times
// and memory at p.scale.
void plan_gpu(const Config& cfg, const MachineFacts& m, RunPlan& p) {
  const std::string& backend = cfg.get_string("gpu.backend");
  if (backend == "cuda" && !m.cuda_device_present) {
    throw ConfigError(fmt::format("gpu.backend = \"cuda\": {}; accepted here: \"sim\" or \"auto\"", m.cuda_note));
  }
  if (backend == "cuda" || (backend == "auto" && m.cuda_device_present)) {
    p.backend = GpuBackendKind::kCuda;
    p.backend_note = fmt::format("cuda ({}: {} device(s), device 0 {})", backend == "cuda" ? "requested" : "auto",
                                 m.cuda_devices, m.cuda_device_name);
    if (p.devices > m.cuda_devices) {
      throw ConfigError(fmt::format("gpus.devices = {} with the cuda backend, but this machine has {} CUDA device(s); "
                                    "accepted: 1..{} (or gpu.backend = \"sim\" to simulate more)",
                                    p.devices, m.cuda_devices, m.cuda_devices));
    }
  } else {
    p.backend = GpuBackendKind::kSim;
    p.backend_note = backend == "sim" ? "sim (requested)" : "sim (auto: " + m.cuda_note + ")";
  }
  p.cuda_trim = cfg.get_bool("gpu.cuda_trim");
  p.keep_device_buffers = cfg.get_string("gpu.device_buffers") == "kept";
  p.buffer_times_full = buffer_times_full(cfg);

  const double gpu_scale = p.scale * cfg.get_double("gpu.time_factor");
  p.ntt_msm_h_ms = cfg.get_double("gpu.ntt_msm_h_ms") * gpu_scale;
  p.batch_add_ms = cfg.get_double("gpu.batch_add_ms") * gpu_scale;
  p.tail_msm_ms = cfg.get_double("gpu.tail_msm_ms") * gpu_scale;
  // Device memory scales with the FFT domain, the largest allocation (a/b/c on the device): the
  // domain is rounded up to a power of two, so a plain `scale` factor could leave less room for it
  // than the real device has.
  p.vram_bytes = sim_vram_bytes(sim_device_inputs(cfg), p.scale);
}

// The balance targets and what anchors them.
void plan_balance(const Config& cfg, RunPlan& p) {
  p.balance_seed = cfg.get_string("workload.balance") == "seed";
  p.balance_targets = BalanceTargets{cfg.get_double("balance.rho"),
                                     cfg.get_double("balance.prep_over_gpu_total"),
                                     cfg.get_double("balance.b_g2_over_gpu_total"),
                                     cfg.get_double("balance.witness_share"),
                                     cfg.get_double("balance.gpu_total_ms"),
                                     cfg.get_double("balance.ntt_msm_h_ms"),
                                     cfg.get_double("balance.batch_add_ms"),
                                     cfg.get_double("balance.tail_msm_ms")};
  p.balance_targets.direct_over_pce = cfg.get_double("balance.direct_over_pce");
  p.gpu_anchor = p.backend == GpuBackendKind::kCuda || cfg.get_string("balance.anchor") == "device";
  if (p.balance_seed && p.balance_targets.wait_share() < 0) {
    throw ConfigError(fmt::format("balance.ntt_msm_h_ms + balance.batch_add_ms + balance.tail_msm_ms = {} exceeds "
                                  "balance.gpu_total_ms = {}: the kernels are part of gpu_total",
                                  p.balance_targets.ntt_msm_h_ms + p.balance_targets.batch_add_ms +
                                      p.balance_targets.tail_msm_ms,
                                  p.balance_targets.gpu_total_ms));
  }
  p.gpu_time_factor = cfg.get_double("gpu.time_factor");
}

// The interventions, the engine's modes and the counters.
void plan_engine_modes(const Config& cfg, RunPlan& p) {
  p.toggles = config::ToggleValues(cfg);
  p.serialize_dealloc = cfg.get_bool("interventions.serialize_dealloc");
  p.membw_throttle = cfg.get_bool("interventions.membw_throttle");
  p.throttle_flag =
      cfg.get_string("interventions.throttle_flag") == "counted" ? ThrottleFlag::kCounted : ThrottleFlag::kGlobal;
  p.queue_event = model::find_event(cfg.get_string("engine.queue_event")).value_or(model::Event::kChanSend);
  p.abc_release =
      cfg.get_string("engine.abc_release") == "gpu_worker" ? AbcRelease::kGpuWorker : AbcRelease::kDeallocThread;
  p.throttle_check_chunks = static_cast<std::size_t>(cfg.get_int("interventions.throttle_check_chunks"));
  p.finalize = cfg.get_string("engine.finalize") == "split" ? FinalizeMode::kSplit : FinalizeMode::kInline;
  p.max_finalizing = static_cast<unsigned>(cfg.get_int("engine.max_finalizing"));
  p.malloc_trim = cfg.get_bool("engine.malloc_trim");
  p.dealloc_linger_ms = cfg.get_double("engine.dealloc_linger_ms");
  p.idle_gap_min_ms = cfg.get_double("report.idle_gap_min_ms");
  p.counters = cfg.get_bool("counters.enabled");
  p.counter_interval_ms = static_cast<unsigned>(cfg.get_int("counters.interval_ms"));
}

// The synthetic workload's generators (PCE, witness) and the positive control's extra work.
void plan_workload(const Config& cfg, RunPlan& p) {
  p.seed = static_cast<std::uint64_t>(cfg.get_int("workload.seed"));
  p.pce = workloads::PceParams{cfg.get_double("workload.local_fraction"),
                               static_cast<std::uint32_t>(cfg.get_int("workload.local_window")),
                               cfg.get_double("workload.nnz_spread"), p.seed};
  p.witness = workloads::WitnessParams{cfg.get_double("workload.one_fraction"),
                                       cfg.get_double("workload.tail_fraction"),
                                       static_cast<unsigned>(cfg.get_int("synthesis.witness_muls_per_var")), p.seed};
  p.direct.muls_per_term = static_cast<unsigned>(cfg.get_int("synthesis.direct_muls_per_term"));
  p.synthesis_extra = cfg.get_double("synthesis.extra_cost");
  set_extra_muls(p);
  if (p.witness.one_fraction + p.witness.tail_fraction > 1.0) {
    throw ConfigError(fmt::format(
        "workload.one_fraction ({}) + workload.tail_fraction ({}) = {}: the sum must be <= 1 (the rest are zeros)",
        p.witness.one_fraction, p.witness.tail_fraction, p.witness.one_fraction + p.witness.tail_fraction));
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
  plan_batch(cfg, m, p);
  plan_dispatch(cfg, m, p);
  plan_gpu(cfg, m, p);
  plan_balance(cfg, p);
  plan_engine_modes(cfg, p);
  plan_memory(cfg, p);
  plan_workload(cfg, p);
  set_buffer_times(p);
  return p;
}

}  // namespace

double auto_scale(const Config& cfg, const MachineFacts& m) {
  double scale = std::min(1.0, 2e-3 * std::max(1u, m.online_cpus) / 2.0);
  // Halve until the estimate fits a quarter of available memory (a run shares the machine).
  const double budget = 0.25 * static_cast<double>(m.mem_available_bytes);
  while (scale > 1e-7 && static_cast<double>(estimate_memory(plan_at_scale(cfg, m, scale)).total()) > budget) {
    scale /= 2;
  }
  return scale;
}

bool direct_synthesis(const RunPlan& p) {
  return std::get<std::string>(p.toggles.value("synthesis.path")) == "direct";
}

BalanceInputs balance_inputs(const RunPlan& p) {
  BalanceInputs in;
  in.partition_workers = p.partition_workers;
  in.devices = p.devices;
  in.partitions = p.partitions;
  in.gpu_workers = p.gpu_workers_per_device;
  in.aux = p.shape.aux;
  // The B density's tail: srs_b_g2 variables, tail_fraction of them neither 0 nor 1.
  in.b_g2_available = std::max<std::uint64_t>(
      1, static_cast<std::uint64_t>(static_cast<double>(p.shape.srs_b_g2) * p.witness.tail_fraction));
  in.terms = p.shape.nnz_a + p.shape.nnz_b + p.shape.nnz_c;
  if (p.gpu_anchor) {
    // A real device's times are what they are: its kernels (measured, or calibrated into gpu.*_ms and
    // scaled) with the seed's wait share make gpu_total, and synthesis follows.
    // (with the cuda backend the pilots replace this by what the device's kernels took).
    const double kernels = (p.ntt_msm_h_ms + p.batch_add_ms + p.tail_msm_ms) / std::max(p.gpu_time_factor, 1e-9);
    in.gpu_total_anchor_ms = kernels / std::max(1e-9, 1.0 - p.balance_targets.wait_share());
  }
  return in;
}

void apply_balance_fit(RunPlan& p, const BalanceFit& fit) {
  if (!p.balance_seed) return;
  const StageSizes& s = fit.sizes;
  p.witness.muls_per_var = s.witness_muls_per_var;
  p.direct.muls_per_term = s.direct_muls_per_term;
  p.prep_passes = std::max(1.0, s.prep_passes);
  p.b_g2_points = s.b_g2_points;
  if (!p.gpu_anchor) {
    p.ntt_msm_h_ms = s.ntt_msm_h_ms * p.gpu_time_factor;
    p.batch_add_ms = s.batch_add_ms * p.gpu_time_factor;
    p.tail_msm_ms = s.tail_msm_ms * p.gpu_time_factor;
    p.register_ms = s.register_ms * p.gpu_time_factor;
  }
  p.fit = fit;
  set_extra_muls(p);
  set_buffer_times(p);
}

RunPlan make_run_plan(const Config& cfg, const MachineFacts& m) {
  double scale = cfg.get_double("workload.scale");
  const bool automatic = scale == 0;
  if (automatic) scale = auto_scale(cfg, m);
  RunPlan plan = plan_at_scale(cfg, m, scale);
  // A real device has its own memory; the simulated one is sized from the profile and may be too small.
  if (plan.backend == GpuBackendKind::kSim) check_sim_device_fits(sim_device_inputs(cfg), scale);
  plan_placement(cfg, plan);  // once: it loads the topology
  if (automatic) {
    plan.resolved.insert(plan.resolved.begin(),
                         {"workload.scale", scale,
                          fmt::format("0 = sized from {} CPUs and {:.1f} GiB available", m.online_cpus,
                                      static_cast<double>(m.mem_available_bytes) / double(1ull << 30))});
  }
  std::map<std::string, config::Value> resolved;
  for (const auto& r : plan.resolved) resolved.emplace(r.key, r.value);
  plan.toggle_summary = config::describe_toggles(cfg, resolved);
  return plan;
}

}  // namespace zkc::harness
