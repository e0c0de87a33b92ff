// The seed's "Expected Results" from measured data, beside the seed's own predicted table: per
// configuration, the baseline's s/proof, the s/proof of the arm holding all three interventions
// (I1+I2+I3, chosen by the caller: by its overrides or --after) and the improvement, each with its
// 95% bootstrap interval, and the improvement with the primary rule's interval and answer.
#pragma once

#include <span>
#include <string_view>

#include "analysis/present/table.hpp"
#include "analysis/stats/arm_stats.hpp"
#include "analysis/stats/primary_endpoint.hpp"

namespace zkc::analysis {

// Header: configuration | baseline (<baseline_arm>) | after <after_arm> | improvement. One row per
// point with baseline s/proof data. improvement = 1 - the geometric-mean ratio of after to baseline in
// percent, with its anytime interval, then the primary answer ("faster", "equivalent", ...).
Table expected_results_table(std::span<const ArmSummary> summaries, std::span<const PrimaryDecision> decisions,
                             std::string_view baseline_arm, std::string_view after_arm);

// The seed's predicted table (Phase 9 baseline, after all three interventions, improvement), as the
// design note gives it: c=1 j=1 32.1 s -> ~31.5 s ... c=20 j=15 38.0 s -> ~34.0 s.
Table seed_expected_table();

}  // namespace zkc::analysis
