// Statistics a careful engineer trusts for A/B runs of a noisy system: medians with percentile
// bootstrap 95% intervals, the change of each arm against the baseline in percent with its own
// bootstrap interval (arms resampled independently), significance only when that interval excludes
// 0, the coefficient of variation, and how many repeats a difference of a given size needs.
//
// Bootstraps are seeded: the same data and options give the same intervals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/stats/measurement.hpp"

namespace zkc::analysis {

// Below this many values per arm the bootstrap interval is not trusted for significance.
inline constexpr std::size_t kMinRepeatsForSignificance = 3;

struct BootstrapOptions {
  std::size_t resamples = 10000;
  double level = 0.95;
  std::uint64_t seed = 1;
};

struct Interval {
  double lo = 0, hi = 0;
};

double median(std::vector<double> values);  // 0 for empty input
double mean(const std::vector<double>& values);
double sample_sd(const std::vector<double>& values);  // n - 1 denominator; 0 for n < 2
// Percentile bootstrap interval of the median. n == 1 gives [x, x]; empty gives [0, 0].
Interval bootstrap_median_ci(const std::vector<double>& values, const BootstrapOptions& options = {});

struct ArmSummary {
  std::string point, arm, metric;
  std::size_t n = 0;
  double median = 0;
  Interval ci;        // of the median
  double mean = 0, sd = 0;
  double cv = 0;      // sd / |mean|; 0 when mean == 0
};

struct Comparison {
  std::string point, arm, metric;  // arm against the baseline arm of the same point and metric
  double change_pct = 0;           // 100 * (median(arm) - median(base)) / |median(base)|
  Interval ci_pct;                 // bootstrap of that ratio, both arms resampled independently
  bool significant = false;        // ci_pct excludes 0, and both arms have >= kMinRepeatsForSignificance values
  // Repeats per arm to detect a change of `detect_pct` at alpha 0.05 (two-sided) with power 0.8,
  // from the larger of the two arms' CVs: n = 2 * ((1.96 + 0.8416) * cv / (detect_pct / 100))^2,
  // rounded up, at least 2.
  double detect_pct = 5.0;
  std::size_t repeats_needed = 0;
};

// One summary per (point, arm, metric), in first-appearance order.
std::vector<ArmSummary> summarize(std::span<const Measurement> data, const BootstrapOptions& options = {});
// One comparison per (point, non-baseline arm, metric) that has baseline data at the same point.
std::vector<Comparison> compare_to_baseline(std::span<const Measurement> data, const std::string& baseline_arm,
                                            double detect_pct = 5.0, const BootstrapOptions& options = {});
std::size_t repeats_needed(double cv, double detect_pct);

}  // namespace zkc::analysis
