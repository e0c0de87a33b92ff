#include "analysis/stats/rank_test.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>

namespace zkc::analysis {
namespace {

// Twice the midranks of `pooled` (1-based), so tied values share an integer.
std::vector<std::int64_t> doubled_midranks(const std::vector<double>& pooled) {
  std::vector<std::size_t> order(pooled.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return pooled[x] < pooled[y]; });
  std::vector<std::int64_t> rank2(pooled.size());
  for (std::size_t i = 0; i < order.size();) {
    std::size_t j = i;
    while (j + 1 < order.size() && pooled[order[j + 1]] == pooled[order[i]]) ++j;
    // Ranks i+1 .. j+1 share their mean; doubled: (i+1) + (j+1).
    const auto r2 = static_cast<std::int64_t>(i + j + 2);
    for (std::size_t k = i; k <= j; ++k) rank2[order[k]] = r2;
    i = j + 1;
  }
  return rank2;
}

// counts[s] = number of n-subsets of `ranks` whose sum is s (a subset-sum count by size; doubles hold
// C(60, 30) ~ 1.2e17 without overflow and are exact up to 2^53).
std::vector<double> subset_sum_counts(const std::vector<std::int64_t>& ranks, std::size_t n) {
  const auto total = static_cast<std::size_t>(std::accumulate(ranks.begin(), ranks.end(), std::int64_t{0}));
  std::vector<std::vector<double>> dp(n + 1, std::vector<double>(total + 1, 0.0));
  dp[0][0] = 1;
  for (const std::int64_t r : ranks) {
    const auto rr = static_cast<std::size_t>(r);
    for (std::size_t k = n; k >= 1; --k)
      for (std::size_t s = total; s >= rr; --s) dp[k][s] += dp[k - 1][s - rr];
  }
  return dp[n];
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

}  // namespace

RankTest rank_sum_test(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.empty() || b.empty()) return {};
  std::vector<double> pooled = a;
  pooled.insert(pooled.end(), b.begin(), b.end());
  const std::vector<std::int64_t> rank2 = doubled_midranks(pooled);
  const std::size_t n = a.size(), N = pooled.size();
  std::int64_t w2 = 0;
  for (std::size_t i = 0; i < n; ++i) w2 += rank2[i];
  // E[2W] = n (N + 1); distances in doubled units stay integers.
  const auto e2 = static_cast<std::int64_t>(n * (N + 1));
  const std::int64_t observed = std::llabs(w2 - e2);

  if (N > kExactRankTestMax) {
    // Normal approximation with the tie correction of the variance.
    double ties = 0;
    std::vector<double> sorted = pooled;
    std::sort(sorted.begin(), sorted.end());
    for (std::size_t i = 0; i < sorted.size();) {
      std::size_t j = i;
      while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
      const double t = static_cast<double>(j - i);
      ties += t * t * t - t;
      i = j;
    }
    const double nn = static_cast<double>(n), m = static_cast<double>(N - n), NN = static_cast<double>(N);
    const double var = nn * m / 12.0 * ((NN + 1) - ties / (NN * (NN - 1)));
    if (!(var > 0)) return {1, 1};
    const double z = (static_cast<double>(observed) / 2.0) / std::sqrt(var);
    return {std::min(1.0, 2.0 * (1.0 - normal_cdf(z))), 0.0};
  }

  const std::vector<double> counts = subset_sum_counts(rank2, n);
  double all = 0, extreme = 0, as_far = 0;
  std::int64_t farthest = 0;
  for (std::size_t s = 0; s < counts.size(); ++s) {
    if (counts[s] == 0) continue;
    all += counts[s];
    const std::int64_t d = std::llabs(static_cast<std::int64_t>(s) - e2);
    if (d >= observed) extreme += counts[s];
    farthest = std::max(farthest, d);
  }
  for (std::size_t s = 0; s < counts.size(); ++s)
    if (counts[s] != 0 && std::llabs(static_cast<std::int64_t>(s) - e2) == farthest) as_far += counts[s];
  return {std::min(1.0, extreme / all), std::min(1.0, as_far / all)};
}

std::vector<double> holm(const std::vector<double>& p) {
  const std::size_t m = p.size();
  std::vector<std::size_t> order(m);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return p[x] < p[y]; });
  std::vector<double> adjusted(m);
  double running = 0;
  for (std::size_t i = 0; i < m; ++i) {
    running = std::max(running, std::min(1.0, p[order[i]] * static_cast<double>(m - i)));
    adjusted[order[i]] = running;
  }
  return adjusted;
}

double rank_test_floor(std::size_t n) {
  if (n == 0) return 1;
  // C(2n, n) as a running product: exact enough for a threshold.
  double c = 1;
  for (std::size_t k = 1; k <= n; ++k) c = c * static_cast<double>(n + k) / static_cast<double>(k);
  return std::min(1.0, 2.0 / c);
}

std::size_t runs_to_reach(double alpha, std::size_t family) {
  const double m = static_cast<double>(std::max<std::size_t>(family, 1));
  std::size_t n = 1;
  while (rank_test_floor(n) * m > alpha && n < 1000) ++n;
  return n;
}

double normal_quantile(double p) {
  // Bisection on the CDF: exact to double precision in ~100 steps, and only called a few times.
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

}  // namespace zkc::analysis
