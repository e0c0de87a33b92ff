// The scheduling of one run over time, on the waterfall's time frame (so it lines up under it):
//   proofs        one bar per proof from its first SYNTH_START to its last GPU_END: how far they
//                 interleave (the priority queues keep them back to back)
//   GPU queue     partitions waiting for a GPU worker (GPU_QUEUE / CHAN_SEND up, GPU_PICKUP down)
//   budget        the memory budget held, as a share of its total (BUDGET_* held= / total=), and the
//                 dispatches (DISPATCH) as ticks, with the pacer's rate where it ran
// Rows without events are left out; a run with none of them gets no chart (has_schedule()).
#pragma once

#include <string>

#include "model/run_data.hpp"

namespace zkc::analysis {

// Whether the run shows any scheduling worth a chart: two proofs or more, or budget/dispatch events.
bool has_schedule(const RunData& run);
// A complete <svg class="schedule"> element.
std::string schedule_svg(const RunData& run);

}  // namespace zkc::analysis
