// RunMetrics: the summary of one run computed from its timeline events alone, with the real
// prover's definitions (../shared/seeds/README.md), so a harness run and an ingested production log
// are measured the same way.
//
//   batch elapsed      last PROOF_END offset - first PROOF_START offset (without PROOF_* events: the
//                      span of all events)
//   s/proof            batch elapsed / proofs completed: PROOF_END events, or without them (the real
//                      prover logs none) the jobs all of whose partitions_per_proof partitions
//                      passed GPU_END
//   steady s/proof     (last PROOF_END - first PROOF_END) / (PROOF_ENDs - 1): the spacing of proof
//                      completions once the pipeline has produced its first, i.e. without the fill
//                      (the first proof's latency); 0 with fewer than 2 PROOF_ENDs
//   fill               first PROOF_END - first PROOF_START
//   avg prove          mean over proofs of the sum of that proof's GPU_END gpu_ms
//   avg GPU/partition  mean GPU_END gpu_ms
//   GPU util           length of the union of [GPU_START, GPU_END] intervals / batch elapsed
//   idle gaps          holes in that union between its first start and last end, those >= the
//                      threshold: count, total, longest
//   lock util          union of [LOCK_ACQUIRED, LOCK_RELEASED] / batch elapsed (device busy)
//   distributions      synthesis (synth_ms), queue wait (GPU_PICKUP - GPU_QUEUE of the partition),
//                      lock wait (wait_ms), prep_msm (prep_ms), b_g2_msm (b_g2_ms), dealloc
//                      (dealloc_ms): count, mean, p50, p95, max; percentiles interpolate linearly
//                      between closest ranks (numpy's default)
//   post-lock          GPU_END - LOCK_RELEASED of the partition: with inline finalize, the GPU
//                      worker's wait for b_g2_msm after the device lock (the b_g2 join);
//                      post_lock_share = its sum / the sum of gpu_ms (0 = b_g2 fully hidden)
//   throttle up        I3: mean over b_g2 windows (BG2_START..BG2_END) of the share the flag was up,
//                      following THROTTLE_SET / THROTTLE_CLEAR flag=N (0 without them)
//   device stages      ntt_msm_h_ms, batch_add_ms, tail_msm_ms, gpu_total_ms of GPU_TIMING events (the
//                      device's own clock: CUDA events on a GPU), same statistics
//   max concurrent dealloc: the most DEALLOC_START..END intervals open at once, all and per side
//   throttle yields    sum of SYNTH_END yields
#pragma once

#include <cstddef>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "model/run_metrics.hpp"
#include "model/timeline_event.hpp"

namespace zkc::analysis {

// Linear-interpolation percentile (q in [0, 1]) of unsorted values; 0 for an empty input.
double percentile(std::vector<double> values, double q);
Distribution describe(const std::vector<double>& values);

struct MetricsOptions {
  double idle_gap_min_ms = 1.0;  // smaller holes in GPU busy time are not counted as gaps
  std::size_t partitions_per_proof = 10;  // only used for logs without PROOF_* events
};

// Events may come in any order (they are sorted by offset, stably, first).
RunMetrics compute_metrics(std::span<const TimelineEvent> events, const MetricsOptions& options = {});

// The metrics as rows in the catalog's order (model/metric_catalog): what summary.csv holds and what
// A/B compares.
std::vector<MetricRow> metric_rows(const RunMetrics& m);

}  // namespace zkc::analysis
