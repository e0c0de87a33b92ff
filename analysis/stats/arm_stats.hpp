// Statistics a careful engineer trusts for A/B runs of a noisy system: medians with percentile
// bootstrap 95% intervals, the change of each arm against the baseline in percent with its own
// bootstrap interval (arms resampled independently; the size of an effect), significance from the
// exact rank-sum test of the runs (rank_test.hpp) with Holm's correction over every comparison made
// together (arms x metrics: the family), the coefficient of variation, and how many repeats a
// difference of a given size needs at that family's level.
//
// Why not the bootstrap interval for significance: at n = 3 the percentile bootstrap of a median calls
// a difference whenever one arm's three runs all fall on one side, ~10% of comparisons with no
// difference at all, before multiplying by the comparisons of a table.
//
// Bootstraps are seeded: the same data and options give the same intervals.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "analysis/stats/measurement.hpp"
#include "analysis/stats/rank_test.hpp"

namespace zkc::analysis {

// The family-wise error rate: the chance that any comparison of a family is called significant when
// no arm differs from the baseline.
inline constexpr double kFamilyAlpha = 0.05;

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
  std::size_t n_base = 0, n_arm = 0;
  double change_pct = 0;           // 100 * (median(arm) - median(base)) / |median(base)|
  Interval ci_pct;                 // bootstrap of that ratio, both arms resampled independently
  double p = 1;                    // exact two-sided rank-sum p of the runs
  double min_p = 1;                // the smallest p these runs could have given
  double p_holm = 1;               // Holm-adjusted over the family
  std::size_t family = 0;          // comparisons in the family
  bool significant = false;        // p_holm <= kFamilyAlpha
  // No outcome of this many runs could be significant in this family: family * min_p > alpha
  // (Holm's smallest threshold is alpha / family). Say "n too small", never "no difference".
  bool too_few = false;
  // Repeats per arm to detect a change of `detect_pct` with power 0.8 in this family (repeats_needed).
  double detect_pct = 5.0;
  std::size_t repeats_needed = 0;
};

// "-12.0% [-20.1, -4.2] p=0.004 *", "+1.2% [-3.0, +5.1] p=0.70", "-9.8% [-15.0, -2.1] n too small for 5%".
std::string verdict_text(const Comparison& c);

// One summary per (point, arm, metric), in first-appearance order.
std::vector<ArmSummary> summarize(std::span<const Measurement> data, const BootstrapOptions& options = {});
// One comparison per (point, non-baseline arm, metric) that has baseline data at the same point. All of
// them form one family: p_holm is adjusted over the whole result.
std::vector<Comparison> compare_to_baseline(std::span<const Measurement> data, const std::string& baseline_arm,
                                            double detect_pct = 5.0, const BootstrapOptions& options = {});
// Repeats per arm for power 0.8 against a change of detect_pct at this CV, two-sided at the level of
// Holm's first step (kFamilyAlpha / family): 2 ((z_{1-a/2} + z_{0.8}) cv / d)^2 times pi / 3 (the
// rank test's efficiency against the t test on normal data), rounded up, and never fewer than the
// exact test needs to reach that level at all (runs_to_reach). At least 2.
std::size_t repeats_needed(double cv, double detect_pct, std::size_t family = 1);

}  // namespace zkc::analysis
