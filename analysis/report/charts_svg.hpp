// Sweep charts: s/proof against concurrency per arm, medians with their 95% bootstrap intervals as
// whiskers (the seed's throughput sweep, one line per intervention arm).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {

// A complete <svg class="sproof-chart"> from the "s_per_proof" summaries. x is the number after
// `x_key=` in each point label ("c=10 j=10" -> 10 for "j"); when a point lacks it or two points share
// a value (c=15 j=15 and c=20 j=15), points are placed in their order instead. One colour per arm.
std::string sproof_vs_concurrency_svg(std::span<const ArmSummary> summaries, std::string_view x_key = "j");

}  // namespace zkc::analysis
