// Contention counters per arm: TLB shootdowns per second inside and outside dealloc windows, L3 and
// dTLB misses per b_g2 and per SpMV, page faults, peak RSS; "n/a" where a counter was not measured,
// with the runs' availability notes (why it was not) under the table.
#pragma once

#include <span>
#include <vector>

#include "model/run_data.hpp"
#include "analysis/present/table.hpp"
#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {

// One row per (point, arm) with medians over repeats when the summaries hold any counter metric;
// otherwise one row per run from its extra summary rows (a single run, an ingested log). NaN or a
// missing metric reads "n/a". Footnotes: each distinct availability note of the runs, once.
Table counters_table(std::span<const ArmSummary> summaries, const std::vector<RunData>& runs);

}  // namespace zkc::analysis
