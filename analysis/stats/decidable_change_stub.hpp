// STAND-IN until analysis/stats/sequential.hpp (the sequential A/B, another branch) lands: the same
// declaration, a fixed-n normal approximation. Delete this file and include sequential.hpp instead.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>

#include "analysis/stats/arm_stats.hpp"
#include "analysis/stats/rank_test.hpp"

namespace zkc::analysis {

// The smallest true change (percent) an A/B of `rounds` rounds detects with probability `power` when
// each run's s/proof has coefficient of variation `run_cv` (the paired difference's sd is sqrt(2)
// run_cv), `family` arms compared at family-wise `alpha`; +inf below 2 rounds.
inline double decidable_change_pct(double run_cv, std::size_t rounds, std::size_t family, double alpha = kFamilyAlpha,
                                   double power = 0.8) {
  if (rounds < 2 || family == 0) return std::numeric_limits<double>::infinity();
  const double z = normal_quantile(1 - alpha / (2.0 * static_cast<double>(family))) + normal_quantile(power);
  return 100.0 * z * std::sqrt(2.0) * std::abs(run_cv) / std::sqrt(static_cast<double>(rounds));
}

}  // namespace zkc::analysis
