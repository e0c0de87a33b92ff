// The seed's "Expected Results" layout from measured data: per configuration, the baseline's s/proof,
// the s/proof after the interventions and the improvement, each with its 95% bootstrap interval and a
// significance mark; and the same for every arm, with the spread and the repeats a 5% change needs.
#pragma once

#include <span>
#include <string_view>

#include "analysis/report/table.hpp"
#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {

// Header: configuration | baseline | after <after_arm> | improvement. One row per point with
// baseline s/proof data. improvement = (baseline - after) / baseline in percent, i.e. -change_pct,
// with its interval; "*" marks a significant one (interval excludes 0).
Table expected_results_table(std::span<const ArmSummary> summaries, std::span<const Comparison> comparisons,
                             std::string_view baseline_arm, std::string_view after_arm);

// Every arm at every point: s/proof [interval], change vs baseline [interval] with the mark, CV, and
// the repeats per arm needed to detect the comparisons' detect_pct change.
Table arm_comparison_table(std::span<const ArmSummary> summaries, std::span<const Comparison> comparisons,
                           std::string_view baseline_arm);

// The arm "after interventions" stands for: the last non-baseline arm in order of appearance; ""
// when there is none.
std::string after_arm_of(std::span<const ArmSummary> summaries, std::string_view baseline_arm);

}  // namespace zkc::analysis
