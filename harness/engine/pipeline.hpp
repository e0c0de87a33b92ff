// Pipeline: one batch of proofs through the proving pipeline of the seed's Phase 9/11 prover.
//
//   admission (j permits) -> synthesis workers (pw) -> GPU queue (max(lookahead, pw)) -> GPU workers
//   (gw per device) -> [prep thread: prep_msm, b_g2_msm] + [register, device lock, GPU stages,
//   unlock, free a/b/c] -> finalize (inline or finalizer thread) -> dealloc threads
//
// Every step records timeline events and stage spans in the Recorder. docs/ARCHITECTURE.md has the
// diagram and the definitions.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

#include "harness/engine/partition_memory.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/engine/stage_counters.hpp"
#include "harness/engine/thread_placer.hpp"
#include "harness/recorder/recorder.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "workloads/gpu/gpu_resources.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/srs/pinned_srs.hpp"

namespace zkc::harness {

// What the pipeline runs on: built before the clock starts, owned by the caller.
struct PipelineResources {
  const RunPlan& plan;
  const workloads::SharedPce& pce;
  const workloads::PinnedSrs& srs;
  ThreadPool& synthesis_pool;
  ThreadPool& groth16_pool;
  std::vector<std::unique_ptr<workloads::GpuResources>>& gpus;  // one per device
  Recorder& recorder;
  // Tier 1/2 counters: each pipeline thread opens its own group from `counters` (nullptr: none);
  // the pools' groups are opened by their workers (see stage_counters.hpp).
  const counters::PreparedCounters* counters;
  const InterruptsTlbReader* tlb;  // machine TLB IPIs at stage boundaries (nullptr: none)
  const PoolCounters* synthesis_pool_counters;
  const PoolCounters* groth16_pool_counters;
  ThreadPlacer* placer;  // every pipeline thread binds and registers itself through it
  PartitionMemory& memory;  // where each partition's large buffers come from
};

// Live counters for a progress line (read from another thread).
struct PipelineProgress {
  std::atomic<unsigned> proofs_done{0};
  std::atomic<unsigned> partitions_done{0};
  std::atomic<unsigned> partitions_in_flight{0};  // synthesis started, not finalized
};

struct PipelineTotals {
  std::uint64_t spmv_chunks = 0;
  std::uint64_t throttle_checks = 0;
  std::uint64_t throttle_yields = 0;
  MsmPlan b_g2_plan;  // of the last b_g2_msm
  std::uint64_t b_g2_points_total = 0;
};

class Pipeline {
 public:
  explicit Pipeline(const PipelineResources& resources);
  ~Pipeline();
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Runs the batch. Returns when every proof is done and every dealloc thread has finished. The
  // first error of any thread (e.g. workloads::GpuOutOfMemory) stops the others and is rethrown.
  PipelineTotals run();
  const PipelineProgress& progress() const;
  // Why the NUMA policy could not be applied to some buffer (the first reason), or "".
  std::string numa_note() const;
  // Why memory.thp advice could not be applied to some buffer (the first reason), or "".
  std::string thp_note() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace zkc::harness
