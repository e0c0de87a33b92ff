// Stage inflation under load, like the seed's "GPU per-partition time inflates from 4.9 s to 7.5 s":
// each stage's median at every sweep point against the isolation point (c=1 j=1).
#pragma once

#include <span>
#include <string_view>

#include "analysis/present/table.hpp"
#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {

// Rows: synthesis p50, prep_msm p50, b_g2_msm p50, GPU per partition (mean), from the summaries of
// `arm` (medians over repeats). Columns: the isolation point first when present, then the other
// points in order; cells "4.90 s -> 6.00 s (+22.4%)" against isolation, just the value without one,
// "n/a" where the metric is missing.
Table stage_inflation_table(std::span<const ArmSummary> summaries, std::string_view arm);

}  // namespace zkc::analysis
