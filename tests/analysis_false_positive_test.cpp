// The false-positive rate of the A/B statistics, checked on simulated data (seeded, no timing): the
// exact rank-sum test against brute-force enumeration, Holm's adjustment on known answers, thousands
// of simulated A/A families (identical arms) flagging at most 5% of families, and the same machinery
// still finding a real difference.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <numbers>
#include <string>
#include <vector>

#include "analysis/stats/arm_stats.hpp"
#include "analysis/stats/rank_test.hpp"
#include "tests/support/seeded_normal.hpp"

namespace zkc::analysis {
namespace {

using Values = std::vector<double>;

using test::Normal;

// The reference: every labelling of the pooled values enumerated, statistic |sum of a's midranks - E|.
double brute_force_p(const Values& a, const Values& b) {
  Values pooled = a;
  pooled.insert(pooled.end(), b.begin(), b.end());
  const std::size_t N = pooled.size(), n = a.size();
  std::vector<double> rank(N);
  for (std::size_t i = 0; i < N; ++i) {
    double less = 0, equal = 0;
    for (double x : pooled) {
      less += x < pooled[i];
      equal += x == pooled[i];
    }
    rank[i] = less + (equal + 1) / 2;
  }
  const double expected = static_cast<double>(n) * static_cast<double>(N + 1) / 2;
  double observed = 0;
  for (std::size_t i = 0; i < n; ++i) observed += rank[i];
  observed = std::fabs(observed - expected);
  std::size_t all = 0, extreme = 0;
  for (std::uint32_t mask = 0; mask < (1u << N); ++mask) {
    if (static_cast<std::size_t>(__builtin_popcount(mask)) != n) continue;
    double w = 0;
    for (std::size_t i = 0; i < N; ++i)
      if (mask & (1u << i)) w += rank[i];
    ++all;
    extreme += std::fabs(w - expected) >= observed - 1e-9;
  }
  return static_cast<double>(extreme) / static_cast<double>(all);
}

TEST(RankSum, KnownExactValues) {
  const RankTest separated = rank_sum_test({1, 2, 3}, {4, 5, 6});
  EXPECT_DOUBLE_EQ(separated.p, 0.1);  // 2 of C(6, 3) = 20 labellings are as extreme
  EXPECT_DOUBLE_EQ(separated.min_p, 0.1);
  EXPECT_NEAR(rank_sum_test({1, 2, 3, 4}, {5, 6, 7, 8}).p, 2.0 / 70, 1e-15);
  const RankTest mixed = rank_sum_test({1, 3, 5}, {2, 4, 6});
  EXPECT_NEAR(mixed.p, 0.7, 1e-15);  // W = 9 against E W = 10.5: 14 of 20 labellings are as far
  const RankTest tied = rank_sum_test({2, 2, 2}, {2, 2, 2});
  EXPECT_DOUBLE_EQ(tied.p, 1.0);
  EXPECT_DOUBLE_EQ(tied.min_p, 1.0) << "all values tied: no labelling differs";
  EXPECT_DOUBLE_EQ(rank_sum_test({}, {1.0}).p, 1.0);
}

TEST(RankSum, MatchesBruteForceWithTies) {
  Normal rng(42);
  for (int trial = 0; trial < 200; ++trial) {
    const std::size_t na = 1 + trial % 6, nb = 1 + (trial / 6) % 7;
    Values a, b;
    // Rounded to a coarse grid so ties are common.
    for (std::size_t i = 0; i < na; ++i) a.push_back(std::round(rng.next() * 2));
    for (std::size_t i = 0; i < nb; ++i) b.push_back(std::round(rng.next() * 2 + (trial % 3)));
    EXPECT_NEAR(rank_sum_test(a, b).p, brute_force_p(a, b), 1e-12) << "trial " << trial;
  }
}

TEST(RankSum, LargeSamplesUseTheNormalApproximation) {
  Values a, b;
  for (int i = 0; i < 40; ++i) {
    a.push_back(i);
    b.push_back(i + 0.5);
  }
  const RankTest t = rank_sum_test(a, b);  // 80 pooled values: past the exact limit
  EXPECT_GT(t.p, 0.5);
  EXPECT_EQ(t.min_p, 0.0);
  for (double& x : b) x += 100;
  EXPECT_LT(rank_sum_test(a, b).p, 1e-10);
}

TEST(Holm, KnownAdjustment) {
  const std::vector<double> adjusted = holm({0.01, 0.04, 0.03, 0.005});
  // Sorted: 0.005 x 4 = 0.02, 0.01 x 3 = 0.03, 0.03 x 2 = 0.06, 0.04 x 1 = 0.04 -> kept at 0.06.
  ASSERT_EQ(adjusted.size(), 4u);
  EXPECT_DOUBLE_EQ(adjusted[0], 0.03);
  EXPECT_DOUBLE_EQ(adjusted[1], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[2], 0.06);
  EXPECT_DOUBLE_EQ(adjusted[3], 0.02);
  EXPECT_DOUBLE_EQ(holm({0.9, 0.8})[0], 1.0);  // capped
  EXPECT_TRUE(holm({}).empty());
}

TEST(RankSum, FloorAndRunsToReach) {
  EXPECT_DOUBLE_EQ(rank_test_floor(3), 0.1);
  EXPECT_NEAR(rank_test_floor(4), 2.0 / 70, 1e-15);
  EXPECT_EQ(runs_to_reach(0.05, 1), 4u);
  EXPECT_EQ(runs_to_reach(0.05, 21), 6u);  // C(12, 6) = 924 >= 840
  EXPECT_EQ(runs_to_reach(0.05, 35), 7u);  // 5 arms x 7 metrics: C(14, 7) = 3432 >= 1400
  EXPECT_NEAR(normal_quantile(0.975), 1.959963985, 1e-8);
  EXPECT_NEAR(normal_quantile(0.8), 0.841621234, 1e-8);
}

// One simulated A/B: `arms` arms (the first is the baseline) x `metrics` metrics x `n` runs, every
// value drawn from the same distribution (an A/A), or with `shift` added to arm 1's first metric.
std::vector<Measurement> simulate(Normal& rng, int arms, int metrics, int n, double shift = 0) {
  std::vector<Measurement> data;
  for (int a = 0; a < arms; ++a)
    for (int m = 0; m < metrics; ++m)
      for (int r = 0; r < n; ++r) {
        const double noise = 0.05 * rng.next();
        const double effect = (a == 1 && m == 0) ? shift : 0;
        // Log-normal-ish, as run times are: positive, skewed.
        data.push_back({"", a == 0 ? "baseline" : "arm" + std::to_string(a), r, "metric" + std::to_string(m),
                        std::exp(noise) * (1 + effect), ""});
      }
  return data;
}

struct FamilyRates {
  double families_flagged = 0;     // share of families with any significant comparison
  double comparisons_flagged = 0;  // share of all comparisons
  double bootstrap_flagged = 0;    // share whose bootstrap interval alone excludes 0 (the old rule)
  bool all_too_few = true;
};

FamilyRates aa_rates(std::uint64_t seed, int families, int arms, int metrics, int n, std::size_t resamples) {
  Normal rng(seed);
  FamilyRates r;
  std::size_t comparisons = 0;
  const BootstrapOptions boot{.resamples = resamples, .level = 0.95, .seed = 1};
  for (int f = 0; f < families; ++f) {
    const auto c = compare_to_baseline(simulate(rng, arms, metrics, n), "baseline", 5, boot);
    bool any = false;
    for (const auto& x : c) {
      any = any || x.significant;
      r.comparisons_flagged += x.significant;
      r.bootstrap_flagged += resamples > 0 && (x.ci_pct.lo > 0 || x.ci_pct.hi < 0);
      r.all_too_few = r.all_too_few && x.too_few;
      ++comparisons;
    }
    r.families_flagged += any;
  }
  r.families_flagged /= families;
  r.comparisons_flagged /= static_cast<double>(comparisons);
  r.bootstrap_flagged /= static_cast<double>(comparisons);
  // The figures, for the record (the closing notes quote them).
  std::printf("[ figures  ] %d A/A families of %d arms x %d metrics, n=%d: %.4f of families and %.5f of comparisons "
              "flagged; bootstrap interval alone: %.4f of comparisons\n",
              families, arms, metrics, n, r.families_flagged, r.comparisons_flagged, r.bootstrap_flagged);
  return r;
}

TEST(AaSimulation, ThreeRepeatsFourArmsSevenMetricsFlagNothing) {
  // The A/A: four identical arms, 3 repeats, the terminal's 7 metrics; 2000 families.
  const FamilyRates r = aa_rates(7, 2000, 4, 7, 3, 0);
  EXPECT_EQ(r.families_flagged, 0.0);
  EXPECT_TRUE(r.all_too_few) << "3 vs 3 in a family of 21 can never reach 5%: every row says so";
}

TEST(AaSimulation, OldBootstrapRuleFlaggedFarMoreThanFivePercent) {
  // Why the test changed: on the same kind of A/A data the bootstrap interval of the change excludes
  // 0 for ~10% of comparisons, i.e. most families of 21 get a star.
  const FamilyRates r = aa_rates(11, 200, 4, 7, 3, 400);
  EXPECT_GT(r.bootstrap_flagged, 0.05) << r.bootstrap_flagged;
  EXPECT_EQ(r.comparisons_flagged, 0.0);
}

TEST(AaSimulation, EightRepeatsKeepTheFamilyRateAtFivePercent) {
  // At 8 vs 8 the test can reach 5% in a family of 21 (floor 2/12870 x 21 = 0.003), so this is
  // the real check of the rate: at most 5% of 2000 A/A families get any star.
  const FamilyRates r = aa_rates(13, 2000, 4, 7, 8, 0);
  EXPECT_LE(r.families_flagged, 0.05) << r.families_flagged;
  EXPECT_LE(r.comparisons_flagged, 0.05 / 21 * 1.5) << r.comparisons_flagged;
  EXPECT_FALSE(r.all_too_few);
}

TEST(AaSimulation, TwoArmsOneMetricAtFiveRepeats) {
  // A family of one at 5 vs 5 (floor 2/252): the per-comparison rate itself stays at or below 5%.
  const FamilyRates r = aa_rates(17, 4000, 2, 1, 5, 0);
  EXPECT_LE(r.families_flagged, 0.05) << r.families_flagged;
  EXPECT_GT(r.families_flagged, 0.01) << "the test is not vacuous: some A/A families do reach p <= 0.05";
}

TEST(AaSimulation, ARealDifferenceIsFound) {
  // Power: arm1 20% slower on one metric (spread 5%), 8 repeats, family of 21: found almost always,
  // and no other comparison is flagged more than 5% of the time.
  Normal rng(19);
  int found = 0, false_calls = 0, families = 300;
  for (int f = 0; f < families; ++f) {
    const auto c = compare_to_baseline(simulate(rng, 4, 7, 8, 0.20), "baseline", 5, {.resamples = 0});
    bool false_here = false;
    for (const auto& x : c) {
      if (x.arm == "arm1" && x.metric == "metric0") found += x.significant;
      else false_here = false_here || x.significant;
    }
    false_calls += false_here;
  }
  EXPECT_GE(found, families * 9 / 10);
  EXPECT_LE(false_calls, families / 20);
}

}  // namespace
}  // namespace zkc::analysis
