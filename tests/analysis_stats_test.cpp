// Arm statistics on data with known answers: median/mean/sd, seeded bootstrap intervals, change
// against the baseline with its significance, and the repeats a given difference needs.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {
namespace {

using Values = std::vector<double>;

// Ten repeats around `centre`, within +-1, median exactly between the two middle offsets (0).
Values around(double centre) {
  Values v;
  for (double d : {-1.0, -0.7, -0.4, -0.2, -0.1, 0.1, 0.2, 0.4, 0.7, 1.0}) v.push_back(centre + d);
  return v;
}

void add(std::vector<Measurement>& data, const std::string& point, const std::string& arm,
         const std::string& metric, const Values& values) {
  for (std::size_t i = 0; i < values.size(); ++i) data.push_back({point, arm, static_cast<int>(i), metric, values[i]});
}

TEST(Basics, MedianOddEvenAndEmpty) {
  EXPECT_DOUBLE_EQ(median({3, 1, 2}), 2);
  EXPECT_DOUBLE_EQ(median({4, 1, 3, 2}), 2.5);  // mean of the two middle values
  EXPECT_DOUBLE_EQ(median({7}), 7);
  EXPECT_DOUBLE_EQ(median({}), 0);
}

TEST(Basics, MeanAndSampleSd) {
  const Values v{2, 4, 4, 4, 5, 5, 7, 9};
  EXPECT_DOUBLE_EQ(mean(v), 5);
  EXPECT_NEAR(sample_sd(v), 2.1380899352993950, 1e-12);  // sqrt(32 / 7)
  EXPECT_DOUBLE_EQ(sample_sd({5}), 0);
  EXPECT_DOUBLE_EQ(sample_sd({}), 0);
  EXPECT_DOUBLE_EQ(mean({}), 0);
}

TEST(Bootstrap, DegenerateInputs) {
  const Interval empty = bootstrap_median_ci({});
  EXPECT_EQ(empty.lo, 0);
  EXPECT_EQ(empty.hi, 0);
  const Interval one = bootstrap_median_ci({4.5});
  EXPECT_EQ(one.lo, 4.5);
  EXPECT_EQ(one.hi, 4.5);
}

TEST(Bootstrap, ConstantSampleGivesPointInterval) {
  const Interval ci = bootstrap_median_ci(Values(9, 3.25));
  EXPECT_EQ(ci.lo, 3.25);  // exact: every resample's median is the constant
  EXPECT_EQ(ci.hi, 3.25);
}

TEST(Bootstrap, IntervalContainsMedianWithinRange) {
  const Values v{12.1, 9.8, 10.4, 11.0, 10.0, 13.5, 9.1, 10.7, 10.2, 11.8, 10.9};
  const Interval ci = bootstrap_median_ci(v);
  const double m = median(v);
  EXPECT_LE(ci.lo, m);
  EXPECT_GE(ci.hi, m);
  EXPECT_LT(ci.lo, ci.hi);
  EXPECT_GE(ci.lo, *std::min_element(v.begin(), v.end()));
  EXPECT_LE(ci.hi, *std::max_element(v.begin(), v.end()));
}

TEST(Bootstrap, DeterministicPerSeed) {
  // Many distinct values and few resamples, so the interpolated ends depend on the exact draws.
  Values v;
  for (int i = 0; i < 101; ++i) v.push_back(1.0 + 0.37 * i + 0.01 * i * i);
  const BootstrapOptions a{.resamples = 101, .level = 0.95, .seed = 1};
  const BootstrapOptions b{.resamples = 101, .level = 0.95, .seed = 2};
  const Interval a1 = bootstrap_median_ci(v, a), a2 = bootstrap_median_ci(v, a), b1 = bootstrap_median_ci(v, b);
  EXPECT_EQ(a1.lo, a2.lo);
  EXPECT_EQ(a1.hi, a2.hi);
  EXPECT_TRUE(a1.lo != b1.lo || a1.hi != b1.hi);
  // Pinned: the generator (splitmix64) and index draws are specified in the code, not left to the
  // standard library, so these ends are the same everywhere. A change here changes every report.
  EXPECT_NEAR(a1.lo, 32.39, 1e-9);
  EXPECT_NEAR(a1.hi, 56.87, 1e-9);
  EXPECT_NEAR(b1.lo, 31.80, 1e-9);
  EXPECT_NEAR(b1.hi, 58.42, 1e-9);
}

TEST(Bootstrap, WiderLevelGivesWiderInterval) {
  const Values v = around(50);
  const Interval narrow = bootstrap_median_ci(v, {.resamples = 2000, .level = 0.5, .seed = 7});
  const Interval wide = bootstrap_median_ci(v, {.resamples = 2000, .level = 0.99, .seed = 7});
  EXPECT_LE(wide.lo, narrow.lo);
  EXPECT_GE(wide.hi, narrow.hi);
  EXPECT_LT(wide.hi - wide.lo, 2.0 + 1e-9);  // still inside [min, max] = [49, 51]
}

TEST(RepeatsNeeded, KnownAnswers) {
  // One comparison: z = 1.96 + 0.8416 = 2.8016, times pi/3 for the rank test; never below 4, the
  // fewest runs whose exact floor 2/C(2n, n) reaches 5% (2/70).
  EXPECT_EQ(repeats_needed(0.05, 5), 17u);  // 2 * 2.8016^2 * 1.0472 = 16.44
  EXPECT_EQ(repeats_needed(0.02, 5), 4u);   // 2.63 by the formula: the exact floor wins
  EXPECT_EQ(repeats_needed(0.10, 5), 66u);  // 2 * (2.8016 * 2)^2 * 1.0472 = 65.76
  EXPECT_EQ(repeats_needed(0.001, 5), 4u);
  EXPECT_EQ(repeats_needed(0, 5), 4u);
  // A family of 21 (3 arms x 7 metrics): Holm's first step is at 0.05/21, z = 3.038 + 0.8416.
  EXPECT_EQ(repeats_needed(0.05, 5, 21), 32u);  // 2 * 3.8797^2 * 1.0472 = 31.52
  EXPECT_EQ(repeats_needed(0, 5, 21), 6u);      // C(12, 6) = 924 >= 2 * 21 / 0.05 = 840
}

TEST(Summarize, GroupsInFirstAppearanceOrder) {
  std::vector<Measurement> data;
  add(data, "c=1", "baseline", "s_per_proof", {10, 12, 11});
  add(data, "c=1", "I1", "s_per_proof", {9, 9});
  add(data, "c=1", "baseline", "gpu_util", {0, 0});
  add(data, "c=1", "baseline", "s_per_proof", {13});  // joins the first group
  add(data, "c=2", "baseline", "s_per_proof", {20, 24});

  const std::vector<ArmSummary> s = summarize(data);
  ASSERT_EQ(s.size(), 4u);
  EXPECT_EQ(s[0].point, "c=1");
  EXPECT_EQ(s[0].arm, "baseline");
  EXPECT_EQ(s[0].metric, "s_per_proof");
  EXPECT_EQ(s[0].n, 4u);
  EXPECT_DOUBLE_EQ(s[0].median, 11.5);
  EXPECT_DOUBLE_EQ(s[0].mean, 11.5);
  EXPECT_NEAR(s[0].sd, 1.2909944487358056, 1e-12);  // sqrt(5 / 3)
  EXPECT_NEAR(s[0].cv, 1.2909944487358056 / 11.5, 1e-12);
  const Interval ci = bootstrap_median_ci({10, 12, 11, 13});  // same seed: same interval as alone
  EXPECT_EQ(s[0].ci.lo, ci.lo);
  EXPECT_EQ(s[0].ci.hi, ci.hi);

  EXPECT_EQ(s[1].arm, "I1");
  EXPECT_EQ(s[1].n, 2u);
  EXPECT_DOUBLE_EQ(s[1].cv, 0);
  EXPECT_EQ(s[2].metric, "gpu_util");
  EXPECT_DOUBLE_EQ(s[2].cv, 0);  // mean 0: cv defined as 0
  EXPECT_EQ(s[3].point, "c=2");
  EXPECT_DOUBLE_EQ(s[3].median, 22);
}

TEST(Compare, SeparatedArmsAreSignificant) {
  std::vector<Measurement> data;
  add(data, "", "baseline", "s_per_proof", around(100));
  add(data, "", "I1", "s_per_proof", around(90));
  const std::vector<Comparison> c = compare_to_baseline(data, "baseline");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c[0].arm, "I1");
  EXPECT_EQ(c[0].metric, "s_per_proof");
  EXPECT_NEAR(c[0].change_pct, -10, 1e-9);
  EXPECT_LE(c[0].ci_pct.lo, c[0].change_pct);
  EXPECT_GE(c[0].ci_pct.hi, c[0].change_pct);
  EXPECT_LT(c[0].ci_pct.hi, 0);
  EXPECT_GT(c[0].ci_pct.lo, -12.5);  // medians stay within +-1 of 100 and 90
  EXPECT_TRUE(c[0].significant);
  EXPECT_FALSE(c[0].too_few);
  EXPECT_NEAR(c[0].p, 2.0 / 184756, 1e-12);  // fully separated 10 vs 10: 2 / C(20, 10)
  EXPECT_EQ(c[0].p_holm, c[0].p);            // a family of one
  EXPECT_EQ(c[0].family, 1u);
  // The arm around 90 has the larger cv; 4 repeats (the exact test's floor) detect 5% at that spread.
  const double cv90 = sample_sd(around(90)) / mean(around(90));
  EXPECT_EQ(c[0].detect_pct, 5.0);
  EXPECT_EQ(c[0].repeats_needed, repeats_needed(cv90, 5));
  EXPECT_EQ(c[0].repeats_needed, 4u);
}

TEST(Compare, SameValuesAreNotSignificant) {
  std::vector<Measurement> data;
  Values shuffled = around(100);
  std::reverse(shuffled.begin(), shuffled.end());
  add(data, "", "baseline", "s_per_proof", around(100));
  add(data, "", "I2", "s_per_proof", shuffled);
  const std::vector<Comparison> c = compare_to_baseline(data, "baseline");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_NEAR(c[0].change_pct, 0, 1e-12);
  EXPECT_LT(c[0].ci_pct.lo, 0);
  EXPECT_GT(c[0].ci_pct.hi, 0);
  EXPECT_FALSE(c[0].significant);
}

TEST(Compare, DeterministicPerSeed) {
  std::vector<Measurement> data;
  add(data, "", "baseline", "m", {10, 11, 9, 12, 10.5, 8.7, 11.9});
  add(data, "", "I1", "m", {9, 10.2, 8.1, 9.9, 11.1, 8.8, 9.4});
  const BootstrapOptions a{.resamples = 301, .level = 0.95, .seed = 11};
  const BootstrapOptions b{.resamples = 301, .level = 0.95, .seed = 12};
  const Comparison a1 = compare_to_baseline(data, "baseline", 5, a).at(0);
  const Comparison a2 = compare_to_baseline(data, "baseline", 5, a).at(0);
  const Comparison b1 = compare_to_baseline(data, "baseline", 5, b).at(0);
  EXPECT_EQ(a1.ci_pct.lo, a2.ci_pct.lo);
  EXPECT_EQ(a1.ci_pct.hi, a2.ci_pct.hi);
  EXPECT_TRUE(a1.ci_pct.lo != b1.ci_pct.lo || a1.ci_pct.hi != b1.ci_pct.hi);
}

TEST(Compare, OrderAndSkips) {
  std::vector<Measurement> data;
  add(data, "c=1", "I2", "s_per_proof", {5, 6});
  add(data, "c=1", "baseline", "s_per_proof", {4, 4});
  add(data, "c=1", "I1", "s_per_proof", {3, 3});
  add(data, "c=1", "I1", "idle_ms", {1, 2});        // baseline median 0: skipped
  add(data, "c=1", "baseline", "idle_ms", {0, 0, 1});
  add(data, "c=2", "I1", "s_per_proof", {3, 3});    // no baseline at c=2: skipped
  add(data, "c=1", "I1", "gpu_util", {0.5, 0.5});   // no baseline for this metric: skipped

  const std::vector<Comparison> c = compare_to_baseline(data, "baseline", 10);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].arm, "I2");  // first appearance, even before the baseline itself
  EXPECT_DOUBLE_EQ(c[0].change_pct, 37.5);  // median 5.5 against 4
  EXPECT_EQ(c[1].arm, "I1");
  EXPECT_DOUBLE_EQ(c[1].change_pct, -25);
  // Constant arms: every resample gives the same change, so the interval is a point.
  EXPECT_DOUBLE_EQ(c[1].ci_pct.lo, -25);
  EXPECT_DOUBLE_EQ(c[1].ci_pct.hi, -25);
  EXPECT_FALSE(c[1].significant) << "two values per arm are too few to call a change significant";
  EXPECT_TRUE(c[1].too_few);
  EXPECT_EQ(c[1].detect_pct, 10.0);
  EXPECT_EQ(c[1].family, 2u);
  EXPECT_EQ(c[1].repeats_needed, 5u);  // both cvs 0: the exact floor for a family of 2, C(10, 5) >= 80

  EXPECT_TRUE(compare_to_baseline(data, "nobody").empty());
}

TEST(Compare, ThreeVersusThreeIsTooFewForFivePercent) {
  // The old rule (bootstrap interval excludes 0) called this significant; the exact test's smallest
  // p at 3 vs 3 is 0.1, so the honest answer is "n too small", not a star.
  std::vector<Measurement> data;
  add(data, "", "baseline", "s_per_proof", {4, 4.1, 4.2});
  add(data, "", "I1", "s_per_proof", {3, 3.1, 3.2});
  const auto c = compare_to_baseline(data, "baseline");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_LT(c[0].ci_pct.hi, 0) << "the bootstrap interval excludes 0";
  EXPECT_DOUBLE_EQ(c[0].p, 0.1);
  EXPECT_DOUBLE_EQ(c[0].min_p, 0.1);
  EXPECT_TRUE(c[0].too_few);
  EXPECT_FALSE(c[0].significant);
  EXPECT_NE(verdict_text(c[0]).find("n too small for 5%"), std::string::npos) << verdict_text(c[0]);
  EXPECT_EQ(verdict_text(c[0]).find('*'), std::string::npos);

  // Four runs each reach 2/70 < 0.05 in a family of one.
  add(data, "", "baseline", "s_per_proof", {4.3});
  add(data, "", "I1", "s_per_proof", {3.3});
  const auto four = compare_to_baseline(data, "baseline");
  EXPECT_NEAR(four.at(0).p, 2.0 / 70, 1e-12);
  EXPECT_FALSE(four[0].too_few);
  EXPECT_TRUE(four[0].significant);
  EXPECT_NE(verdict_text(four[0]).find(" *"), std::string::npos) << verdict_text(four[0]);
}

TEST(Compare, HolmAdjustsOverTheWholeFamily) {
  // Two arms at 4 vs 4 runs: each p = 2/70 = 0.029 alone, but a family of two needs 0.025 at Holm's
  // first step, so neither is called (and the floor says so).
  std::vector<Measurement> data;
  add(data, "", "baseline", "m", {4, 4.1, 4.2, 4.3});
  add(data, "", "I1", "m", {3, 3.1, 3.2, 3.3});
  add(data, "", "I2", "m", {5, 5.1, 5.2, 5.3});
  const auto c = compare_to_baseline(data, "baseline");
  ASSERT_EQ(c.size(), 2u);
  for (const auto& x : c) {
    EXPECT_NEAR(x.p, 2.0 / 70, 1e-12);
    EXPECT_NEAR(x.p_holm, 4.0 / 70, 1e-12);
    EXPECT_EQ(x.family, 2u);
    EXPECT_TRUE(x.too_few);
    EXPECT_FALSE(x.significant);
  }
}

TEST(Compare, NegativeBaselineUsesMagnitude) {
  std::vector<Measurement> data;
  add(data, "", "base", "delta", {-4, -4});
  add(data, "", "arm", "delta", {-2, -2});
  const std::vector<Comparison> c = compare_to_baseline(data, "base");
  ASSERT_EQ(c.size(), 1u);
  EXPECT_DOUBLE_EQ(c[0].change_pct, 50);  // 100 * (-2 - -4) / |-4|: up is positive
}

}  // namespace
}  // namespace zkc::analysis
