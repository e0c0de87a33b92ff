// Tests whose false-positive rate is what they say at the small n of benchmark repeats.
//
// rank_sum_test: the exact two-sided Wilcoxon-Mann-Whitney test of two independent samples (all
// C(N, n) ways of labelling the pooled runs counted, ties as midranks), so p is exact at 3 vs 3 where
// any bootstrap or normal approximation is not. Its floor is reported with it: at 3 vs 3 the smallest
// two-sided p is 2/20 = 0.1, so no outcome of six runs can be significant at 5%.
//
// holm: the Holm step-down adjustment, which keeps the chance of any false positive in a family of
// comparisons (arms x metrics) at alpha under any dependence between them.
#pragma once

#include <cstddef>
#include <vector>

namespace zkc::analysis {

struct RankTest {
  double p = 1;      // two-sided: P(|W - E W| >= |w - E W|) over every labelling of the pooled values
  double min_p = 1;  // the smallest p any labelling of these pooled values (their ties) can give
};

// Exact for up to kExactRankTestMax pooled values; beyond, the normal approximation with the tie
// correction (then min_p is 0). Empty samples give p = min_p = 1.
inline constexpr std::size_t kExactRankTestMax = 60;
RankTest rank_sum_test(const std::vector<double>& a, const std::vector<double>& b);

// Holm-adjusted p-values, in the input's order: sorted ascending, p_(i) * (m - i) (i from 0), made
// non-decreasing, capped at 1. Compare each with alpha.
std::vector<double> holm(const std::vector<double>& p);

// The smallest two-sided p of an exact rank test with n vs n runs and no ties: 2 / C(2n, n).
double rank_test_floor(std::size_t n);
// The fewest runs per arm whose floor, times `family` (Holm's first step), is at most alpha.
std::size_t runs_to_reach(double alpha, std::size_t family);

// Standard normal quantile (inverse CDF), p in (0, 1).
double normal_quantile(double p);

}  // namespace zkc::analysis
