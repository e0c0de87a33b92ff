// The waterfall's rows from a prover log's events (internal to analysis/ingest): the real prover's
// start/end pairs of the shared family table, per (job, partition), paired as the metrics pair them.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

#include "model/run_data.hpp"
#include "model/timeline_event.hpp"

namespace zkc::analysis {

// partition=N of an event, when it is a whole number in [0, 1e9].
std::optional<int> partition_of(const TimelineEvent& e);

// Starts and ends of the paired families that found no partner, by event name.
struct Unmatched {
  std::map<std::string_view, std::size_t> starts, ends;
};

// Stages: pair starts and ends per (job, partition) in time order, first start with first end, as
// compute_metrics does, so the waterfall shows the intervals the metrics measured. Rows are appended
// to `rows`, then all of them sorted by start.
Unmatched pair_stage_rows(const std::vector<TimelineEvent>& events, std::vector<StageRow>& rows);

}  // namespace zkc::analysis
