// Spans derived from TIMELINE events alone, for runs without stages.csv (production logs): what the
// waterfall and the trace draw for them, and the GPU busy intervals of the busy/idle timeline.
#pragma once

#include <span>
#include <vector>

#include "model/run_data.hpp"

namespace zkc::analysis {

// Start and end events paired per (job, partition[, side]) in order; an end without a start is placed
// from the duration it carries (synth_ms, gpu_ms, ...); a start without an end is dropped.
//   SYNTH_*        -> "synthesis"     on lane "synth"
//   GPU_START/END  -> "gpu"           on lane "gpu<W>"  (W: the worker= field)
//   LOCK_*         -> "lock_held"     on lane "gpu<W>"
//   PREP_*         -> "prep_msm"      on lane "prep"
//   BG2_*          -> "b_g2_msm"      on lane "groth16"
//   DEALLOC_*      -> "dealloc_<side>" on lane "dealloc-<side>"
// proof is the job's index in order of first appearance; partition the partition= field (-1 if none).
std::vector<StageRow> stage_rows_from_events(std::span<const TimelineEvent> events);

struct TimeSpan {
  double start_ms = 0, end_ms = 0;
};
// The union of GPU_START..GPU_END intervals as sorted disjoint spans (the GPU util definition).
std::vector<TimeSpan> gpu_busy_spans(std::span<const TimelineEvent> events);

}  // namespace zkc::analysis
