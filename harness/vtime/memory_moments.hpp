// The moments of a run's timeline that allocate or free a partition's buffers (memory_timeline.hpp
// lists which event marks which buffer), read once per partition, and the pinned pool's operations.
// The accounting's input; nothing here knows a buffer's size.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "harness/engine/run_plan.hpp"
#include "harness/recorder/recorder.hpp"
#include "model/timeline_event.hpp"

namespace zkc::harness::vtime {

struct PartitionMoments {
  int proof = -1, partition = -1;
  std::optional<double> synth_start, witness_end, products_end, synth_end;
  std::optional<double> gpu_start, prep_start, lock_released, gpu_end, bg2_start, bg2_end;
  std::optional<double> dealloc_cpp_end, dealloc_rust_end;

  // When the split vectors' pages are touched: prep_msm writes them (PREP_START), else GPU_START.
  std::optional<double> split_touched() const { return prep_start ? prep_start : gpu_start; }
};

// One pinned pool operation: from PINNED_* events, or (a timeline without them) derived from when
// a partition's a/b/c are allocated and released.
struct PoolOp {
  enum class Kind { kCheckout, kCheckin, kShrink };
  double at_ms = 0;
  Kind kind = Kind::kCheckout;
  int proof = -1, partition = -1;  // checkout, checkin
  std::uint64_t bytes = 0;         // one buffer's (checkout, checkin); the total freed (shrink)
  std::optional<bool> reuse;       // checkout: what the event said; nullopt = the pool decides
  unsigned buffers = 0;            // shrink
};

struct RunMoments {
  std::vector<PartitionMoments> partitions;  // in order of each one's first event
  std::vector<PoolOp> pool;                  // in timeline order (PINNED_* events only)
};

// Partitions are (job, partition=N); a job "proof-NNNN" (the harness's) is proof NNNN, other job ids
// are numbered in order of first appearance. Spans fill witness_end and products_end where they
// exist for the partition; elsewhere they are interpolated (account_memory's comment).
RunMoments read_moments(const RunPlan& plan, std::span<const model::TimelineEvent> events,
                        std::span<const StageSpan> spans);

}  // namespace zkc::harness::vtime
