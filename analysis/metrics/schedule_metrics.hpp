// The metrics of the scheduling mechanisms the real prover runs today (issue 27), from the timeline:
//   proof latency      per proof, PROOF_START -> PROOF_END (without PROOF_* events, as in a prover
//                      log: its first SYNTH_START -> its last GPU_END); a distribution
//   interleave share   mean over proofs of: other proofs' partitions that started on the GPU between
//                      this proof's first and last GPU_START / all partitions that started there.
//                      0 = proofs back to back on the GPU; about (j-1)/j = j proofs fully interleaved
//   budget peak share  the most BUDGET_ACQUIRED/RELEASED held= / total=: how full the budget got
//   budget wait        BUDGET_ACQUIRED waited_ms, a distribution
//   dispatch           DISPATCH events: mean interval_ms (the pacer's), mean rate (its multiplier),
//                      mean waiting= (partitions in the GPU queue at each dispatch)
// Each is 0 (a distribution: count 0) when its events are absent.
#pragma once

#include <functional>
#include <map>
#include <span>
#include <string>

#include "model/run_metrics.hpp"
#include "model/timeline_event.hpp"

namespace zkc::analysis {

// Each proof's span on the timeline, first SYNTH_START to last GPU_END (proofs with both), by job id:
// the fallback latency above, and the scheduling chart's rows.
struct ProofSpan {
  double first_synth_ms = 0, last_gpu_end_ms = 0;
};
std::map<std::string, ProofSpan, std::less<>> proof_spans(std::span<const TimelineEvent* const> events);

// `events` sorted by offset.
void measure_schedule(std::span<const TimelineEvent* const> events, RunMetrics& m);

}  // namespace zkc::analysis
