// RunPlan: a validated configuration turned into the numbers the engine runs with: scaled sizes,
// resolved pool sizes ("0 = all CPUs", "0 = auto"), simulated GPU times. Built from config only;
// how each automatic value was chosen is kept in `resolved` so config.toml can say it.
#pragma once

#include "model/events.hpp"

#include <cstdint>
#include <optional>
#include <vector>
#include <string>

#include "harness/engine/balance_solver.hpp"
#include "harness/engine/work_queue.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/toggles.hpp"
#include "harness/topology/pin_plan.hpp"
#include "harness/topology/topology.hpp"
#include "workloads/memory/memory_options.hpp"
#include "workloads/memory/numa_policy.hpp"
#include "workloads/memory/phase_arena.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/synthesis/direct_eval.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::harness {

enum class FinalizeMode { kInline, kSplit };
// Where a partition's a/b/c are freed: the Rust-side dealloc thread (Phase 11, so I1 covers them)
// or synchronously on the GPU worker after the device lock (Phase 12).
enum class AbcRelease { kDeallocThread, kGpuWorker };
// I3's flag: the real prover's one process-wide 0/1 store, or a per-device count.
enum class ThrottleFlag { kGlobal, kCounted };
enum class GpuBackendKind { kSim, kCuda };

// engine.dispatch: what admits a partition to synthesis (see toggles.cpp).
enum class DispatchMode { kSemaphore, kBudgetRace, kBudget };
// engine.pacer: how the budget dispatcher spaces its dispatches.
enum class PacerMode { kOff, kDepth, kPi };

// The real prover's scheduling as of today (curio PR #1043), resolved: harness/engine/run_plan_dispatch.cpp.
struct DispatchPlan {
  DispatchMode mode = DispatchMode::kSemaphore;
  QueueOrder order = QueueOrder::kFifo;  // the synthesis and the GPU queue
  PacerMode pacer = PacerMode::kOff;
  std::uint64_t budget_bytes = 0;        // the partitions' budget (what stays resident is not in it)
  std::uint64_t reserve_bytes = 0;       // one partition's reservation before synthesis
  std::uint64_t abc_bytes = 0;           // given back after prove_start; the rest after prove_finish
  unsigned gpu_queue_target = 0;         // depth: permits; pi: partitions kept waiting
  double pacer_time_scale = 0;           // 0 = auto (pacer_time_scale())
  bool budgeted() const { return mode != DispatchMode::kSemaphore; }
};

// memory.*: where a partition's large buffers come from, how they go back, and their page advice.
struct MemoryPlan {
  bool arena = false;  // memory.allocator = arena
  workloads::ReleaseMethod release = workloads::ReleaseMethod::kMunmap;
  workloads::ThpAdvice thp = workloads::ThpAdvice::kSystem;
  unsigned arena_slots = 0;
  // Per slot: 4 slabs (the synthesis worker's, the GPU worker's, 2 spare), claimed per phase.
  workloads::ArenaOptions arena_options;
  // memory.abc_buffers = pinned_pool: a/b/c from the pinned pool, page-locked by cudaHostAlloc (cuda
  // backend) or mmap + mlock; the pool frees its free buffers after this long idle (0 = never).
  bool pinned_pool = false;
  bool pinned_cuda = false;
  double pinned_pool_idle_ms = 0;
  // memory.estimate_margin_pct: the memory estimate's safety margin over the accounted peak, percent.
  double estimate_margin_pct = 10;
};

// The buffer mechanisms' times at full scale (gpu.upload_gbps_*, gpu.d_b_first_alloc_ms,
// memory.pinned_pool_idle_s) and the seed's kernel time their ratios are kept against.
struct BufferTimesFull {
  double seed_kernels_ms = 0;      // balance.ntt_msm_h_ms + batch_add_ms + tail_msm_ms (1423)
  double unpinned_upload_ms = 0;   // full-scale a/b/c copied unpinned, minus the same copy pinned
  double d_b_first_alloc_ms = 0;
  double pool_idle_ms = 0;
};

// What the plan needs to know about the machine (a parameter, so tests can pose as any machine).
struct MachineFacts {
  unsigned online_cpus = 1;
  std::uint64_t mem_available_bytes = 0;
  std::uint64_t mem_total_bytes = 0;  // physical RAM (the budget's "auto")
  bool cuda_device_present = false;
  unsigned cuda_devices = 0;
  std::string cuda_device_name;  // of device 0
  std::string cuda_note;  // why not, when absent
};

// A value the plan chose itself for a key set to "auto" (0): what and why.
struct ResolvedValue {
  std::string key;
  config::Value value;
  std::string why;
};

struct RunPlan {
  workloads::PartitionShape shape;
  double scale = 0;
  unsigned partitions = 10;  // P
  unsigned proofs = 1;       // c
  unsigned concurrency = 1;  // j
  unsigned partition_workers = 1;  // pw
  unsigned synthesis_threads = 1;
  std::size_t chunk_rows = 8192;
  unsigned lookahead = 1;
  unsigned gpu_queue_capacity = 1;  // max(lookahead, pw)
  unsigned devices = 1;
  unsigned gpu_workers_per_device = 2;  // gw
  unsigned gpu_threads = 1;             // gt
  GpuBackendKind backend = GpuBackendKind::kSim;
  std::string backend_note;  // "auto: no CUDA device (...)"
  bool cuda_trim = true;     // cuda: cudaDeviceSynchronize + cudaMemPoolTrimTo(0) after each partition
  std::uint64_t vram_bytes = 0;
  // Simulated device ms, time_factor applied: uniform scaling of the seed's times, or the balance fit's.
  double ntt_msm_h_ms = 0, batch_add_ms = 0, tail_msm_ms = 0;
  double register_ms = 0;  // pre-lock host registration of a/b/c (cudaHostRegister), modelled; 0 = page touch only
  // gpu.device_buffers = kept: no registration of a/b/c, a persistent d_a, a pooled d_b. The sim's
  // times of both buffer mechanisms, scaled as its kernels are (set_buffer_times in run_plan.cpp).
  bool keep_device_buffers = false;
  BufferTimesFull buffer_times_full;
  double unpinned_upload_ms = 0;  // what unpinned a/b/c add to one partition's upload
  double d_b_first_alloc_ms = 0;  // the first d_b allocation on a device
  // workload.balance: "seed" sizes each stage from the balance fit (harness/balance); "uniform" scales
  // everything by workload.scale alone. Until apply_balance_fit runs, a seed plan has uniform sizes.
  bool balance_seed = true;
  // The device's times are given (cuda backend, or balance.anchor = device): the fit sizes the CPU
  // side to them and leaves the simulated device's times as configured.
  bool gpu_anchor = false;
  double gpu_time_factor = 1;
  BalanceTargets balance_targets;
  std::optional<BalanceFit> fit;  // the fit the sizes below came from
  double prep_passes = 1;         // prep_msm's work over the partition, this many passes (>= 1)
  std::uint64_t b_g2_points = 0;  // b_g2_msm sums at most this many tail points; 0 = all
  bool serialize_dealloc = false;  // I1
  bool membw_throttle = false;     // I3
  ThrottleFlag throttle_flag = ThrottleFlag::kGlobal;
  AbcRelease abc_release = AbcRelease::kDeallocThread;
  model::Event queue_event = model::Event::kChanSend;  // a partition entering the GPU queue
  std::size_t throttle_check_chunks = 64;
  FinalizeMode finalize = FinalizeMode::kInline;
  DispatchPlan dispatch;
  unsigned max_finalizing = 0;  // split finalize: partitions handed over and not yet finalized; 0 = unbounded
  bool malloc_trim = true;
  double dealloc_linger_ms = 0;
  double idle_gap_min_ms = 1.0;
  bool counters = true;
  unsigned counter_interval_ms = 100;
  // Where threads and memory go: the topology to plan for (empty: this machine), the per-pool CPU
  // sets (validated against that topology), and the NUMA policy of the large buffers.
  topology::TopologySource topology_source;
  topology::PinningConfig pinning;
  std::vector<topology::PoolPlan> pin_plan;
  std::string topology_summary;  // "this machine: 1 L3 domain, 2 PUs" / "synthetic: ...: simulated binding"
  bool binding_simulated = false;
  workloads::NumaPolicy numa;
  MemoryPlan memory;
  std::uint64_t seed = 1;
  workloads::PceParams pce;
  workloads::WitnessParams witness;
  // synthesis.path = direct: the constraint evaluation's size (synthesis.direct_muls_per_term, or the fit's).
  workloads::DirectEvalParams direct;
  // synthesis.extra_cost: the positive control's extra work, as a share of a partition's stage time in
  // isolation, done in synthesis; witness.extra_muls is that work in chain multiplications (from the
  // fit's unit costs and stage times when there is one, else a share of synthesis alone).
  double synthesis_extra = 0;
  std::vector<ResolvedValue> resolved;  // values chosen automatically
  config::ToggleValues toggles;  // every A/B toggle's value: what behaviours read by key (config/toggles.hpp)
  std::string toggle_summary;           // every A/B toggle's value, for the run header (config/toggles.hpp)
};

// engine.dispatch/queue_order/pacer and budget.*: the dispatch plan; with a budget, also the synthesis
// worker count (partition_workers). Needs p.scale, p.shape and the batch sizes; throws ConfigError.
void plan_dispatch(const config::Config& cfg, const MachineFacts& machine, RunPlan& p);
// The PI pacer's time scale: engine.pacer_time_scale, or this plan's simulated GPU time per partition
// over the seed's (BalanceTargets::gpu_total_ms).
double pacer_time_scale(const RunPlan& p);

// Throws config::ConfigError naming the keys when a combination is invalid (e.g. one_fraction +
// tail_fraction > 1, gpu.backend = cuda without a device).
RunPlan make_run_plan(const config::Config& cfg, const MachineFacts& machine);

// The scale `workload.scale = 0` resolves to on a machine: work grows with the core count
// (2e-3 per 2 cores, so a 2-core laptop runs 260k-constraint partitions), capped at 1 and so that
// the estimated peak memory stays under a quarter of the available memory.
double auto_scale(const config::Config& cfg, const MachineFacts& machine);

// synthesis.path = direct (the toggle, read by key): a/b/c from the direct constraint evaluation on the
// synthesis worker instead of the witness copy and SpMV.
bool direct_synthesis(const RunPlan& plan);

// The balance inputs the plan offers the solver (pw, devices, aux, the B tail; with gpu_anchor the
// configured device's kernels, with the seed's wait share, are the gpu_total to size synthesis to).
BalanceInputs balance_inputs(const RunPlan& plan);
// Sets the plan's per-stage sizes from a fit (witness multiplications, prep passes, b_g2 points, and
// unless gpu_anchor the simulated device times x gpu.time_factor) and keeps the fit. A uniform plan
// is left as it is.
void apply_balance_fit(RunPlan& plan, const BalanceFit& fit);

}  // namespace zkc::harness
