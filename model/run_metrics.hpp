// The summary of one run as data: what analysis/metrics/run_metrics computes from a timeline (the
// definitions are there) and every reader (reports, A/B, the results writers) reads.
#pragma once

#include <cstddef>
#include <string>

namespace zkc::model {

struct Distribution {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p95 = 0, max = 0;  // all 0 when count == 0
};

struct IdleGaps {
  std::size_t count = 0;
  double total_ms = 0;
  double longest_ms = 0;
};

struct RunMetrics {
  std::size_t proofs_completed = 0;
  std::size_t partitions_completed = 0;  // GPU_END count
  double batch_elapsed_ms = 0;
  double s_per_proof = 0;
  double steady_s_per_proof = 0;
  double fill_ms = 0;
  double avg_prove_s = 0;
  double avg_gpu_per_partition_s = 0;
  double gpu_util = 0;   // [0, 1]
  double lock_util = 0;  // [0, 1]
  IdleGaps idle_gaps;
  Distribution synthesis_ms, queue_wait_ms, lock_wait_ms, prep_msm_ms, b_g2_msm_ms, dealloc_ms;
  Distribution ntt_msm_h_ms, batch_add_ms, tail_msm_ms, gpu_total_ms;  // GPU_TIMING
  Distribution post_lock_ms;
  double post_lock_share = 0;
  double throttle_up_share = 0;
  std::size_t max_concurrent_dealloc = 0;
  std::size_t max_concurrent_dealloc_cpp = 0;
  std::size_t max_concurrent_dealloc_rust = 0;
  std::size_t throttle_yields = 0;
  // The scheduling mechanisms (analysis/metrics/schedule_metrics has the definitions).
  Distribution proof_ms, budget_wait_ms;
  double interleave_share = 0;
  double budget_peak_share = 0;
  double dispatch_interval_ms = 0, pacer_rate = 0, dispatch_gpu_waiting = 0;
};

// One summary row: (name, value, unit). Names are stable identifiers ("s_per_proof",
// "synthesis_ms_p95", ...) declared in model/metric_catalog.
struct MetricRow {
  std::string name;
  double value = 0;
  std::string unit;
};

}  // namespace zkc::model

namespace zkc::analysis {
using namespace zkc::model;
}  // namespace zkc::analysis
