// RunPlan: a validated configuration turned into the numbers the engine runs with: scaled sizes,
// resolved pool sizes ("0 = all CPUs", "0 = auto"), simulated GPU times. Built from config only;
// how each automatic value was chosen is kept in `resolved` so config.toml can say it.
#pragma once

#include <cstdint>
#include <vector>
#include <string>

#include "harness/config/config_loader.hpp"
#include "harness/topology/pin_plan.hpp"
#include "harness/topology/topology.hpp"
#include "workloads/memory/memory_options.hpp"
#include "workloads/memory/numa_policy.hpp"
#include "workloads/memory/phase_arena.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::harness {

enum class FinalizeMode { kInline, kSplit };
enum class GpuBackendKind { kSim, kCuda };

// memory.*: where a partition's large buffers come from, how they go back, and their page advice.
struct MemoryPlan {
  bool arena = false;  // memory.allocator = arena
  workloads::ReleaseMethod release = workloads::ReleaseMethod::kMunmap;
  workloads::ThpAdvice thp = workloads::ThpAdvice::kSystem;
  unsigned arena_slots = 0;
  // Per slot: 4 slabs (the synthesis worker's, the GPU worker's, 2 spare), claimed per phase.
  workloads::ArenaOptions arena_options;
};

// What the plan needs to know about the machine (a parameter, so tests can pose as any machine).
struct MachineFacts {
  unsigned online_cpus = 1;
  std::uint64_t mem_available_bytes = 0;
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
  double ntt_msm_h_ms = 0, batch_add_ms = 0, tail_msm_ms = 0;  // scaled, time_factor applied
  bool serialize_dealloc = false;  // I1
  bool membw_throttle = false;     // I3
  std::size_t throttle_check_chunks = 64;
  FinalizeMode finalize = FinalizeMode::kInline;
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
  std::vector<ResolvedValue> resolved;  // values chosen automatically
};

// Throws config::ConfigError naming the keys when a combination is invalid (e.g. one_fraction +
// tail_fraction > 1, gpu.backend = cuda without a device).
RunPlan make_run_plan(const config::Config& cfg, const MachineFacts& machine);

// The scale `workload.scale = 0` resolves to on a machine: work grows with the core count
// (2.5e-4 per 2 cores, so a 2-core laptop runs 32k-constraint partitions), capped at 1 and so that
// the estimated peak memory stays under a quarter of the available memory.
double auto_scale(const config::Config& cfg, const MachineFacts& machine);

}  // namespace zkc::harness
