// Chrome / Perfetto trace of runs (open in ui.perfetto.dev or chrome://tracing): one process per run,
// one thread track per worker lane row, stage spans as complete events, tier 0 counters as counter
// tracks. {"traceEvents": [...], "displayTimeUnit": "ms"}; times in microseconds from the batch start.
#pragma once

#include <span>
#include <string>

#include "model/run_data.hpp"

namespace zkc::analysis {

// Per run (pid = first_pid + index):
//   "M" process_name (id and label); per track "M" thread_name and thread_sort_index. A lane whose
//   spans overlap (several prep or dealloc threads) gets one track per row ("dealloc-cpp #2") since
//   complete events on one track must nest;
//   "X" per stage span: name = stage, ts/dur in us, args {proof, partition, every finite counter};
//   "C" "tlb_shootdowns" {"per_sample": delta of the cumulative count} from the second sample on, and
//   "C" "rss_mib" {"rss_mib"} per sample.
// Runs without stage rows use spans from their TIMELINE events (the waterfall's lanes).
std::string trace_json(std::span<const RunData> runs, int first_pid = 1);
std::string trace_json(const RunData& run);

}  // namespace zkc::analysis
