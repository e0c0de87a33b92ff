#include "analysis/stats/arm_stats.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numbers>
#include <numeric>
#include <tuple>

#include <fmt/format.h>

#include "analysis/metrics/run_metrics.hpp"

namespace zkc::analysis {
namespace {

// splitmix64 (Vigna): fully specified here rather than taken from <random>, whose distributions are
// implementation-defined, so the same seed gives the same intervals with any standard library.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, n), n > 0. A plain `next() % n` favours small indices; rejecting the lowest
  // 2^64 mod n draws leaves a range that is a whole multiple of n, so the remainder is unbiased.
  std::size_t index(std::size_t n) {
    const auto bound = static_cast<std::uint64_t>(n);
    const std::uint64_t threshold = (0 - bound) % bound;  // == 2^64 mod n
    for (;;) {
      const std::uint64_t x = next();
      if (x >= threshold) return static_cast<std::size_t>(x % bound);
    }
  }

 private:
  std::uint64_t state_;
};

// Median that reorders `v` in place (the bootstrap reuses one buffer instead of copying per resample).
double median_in_place(std::vector<double>& v) {
  if (v.empty()) return 0;
  const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
  std::nth_element(v.begin(), mid, v.end());
  if (v.size() % 2 == 1) return *mid;
  // nth_element leaves everything below `mid` no larger than it: the other middle value is their max.
  // std::midpoint cannot overflow and gives c for (c, c), so a constant sample has an exact median.
  return std::midpoint(*std::max_element(v.begin(), mid), *mid);
}

// Fills `out` with a resample (with replacement) of `values`, the same size.
void resample(const std::vector<double>& values, SplitMix64& rng, std::vector<double>& out) {
  out.resize(values.size());
  for (double& x : out) x = values[rng.index(values.size())];
}

Interval percentile_interval(const std::vector<double>& stats, double level) {
  const double alpha = 1.0 - level;
  return {percentile(stats, alpha / 2), percentile(stats, 1.0 - alpha / 2)};
}

double cv_of(double sd, double m) { return m == 0 ? 0 : sd / std::abs(m); }

// Measurements grouped by (point, arm, metric), groups in first-appearance order.
struct Group {
  const Measurement* first;  // names of the group
  std::vector<double> values;
};
using Key = std::tuple<std::string, std::string, std::string>;

std::vector<Group> group(std::span<const Measurement> data, std::map<Key, std::size_t>& index) {
  std::vector<Group> groups;
  for (const Measurement& m : data) {
    const auto [it, inserted] = index.try_emplace(Key{m.point, m.arm, m.metric}, groups.size());
    if (inserted) groups.push_back({&m, {}});
    groups[it->second].values.push_back(m.value);
  }
  return groups;
}

}  // namespace

double median(std::vector<double> values) { return median_in_place(values); }

double mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double sample_sd(const std::vector<double>& values) {
  if (values.size() < 2) return 0;
  // Two passes (deviations from the mean) rather than sum of squares, which cancels badly when the
  // spread is small against the values, as with repeats of one run.
  const double m = mean(values);
  double ss = 0;
  for (double x : values) ss += (x - m) * (x - m);
  return std::sqrt(ss / static_cast<double>(values.size() - 1));
}

Interval bootstrap_median_ci(const std::vector<double>& values, const BootstrapOptions& options) {
  if (values.empty()) return {};
  if (values.size() == 1 || options.resamples == 0) {
    const double m = median(values);  // nothing to resample: the interval collapses to the estimate
    return {m, m};
  }
  SplitMix64 rng(options.seed);
  std::vector<double> stats, buffer;
  stats.reserve(options.resamples);
  for (std::size_t i = 0; i < options.resamples; ++i) {
    resample(values, rng, buffer);
    stats.push_back(median_in_place(buffer));
  }
  return percentile_interval(stats, options.level);
}

std::size_t repeats_needed(double cv, double detect_pct, std::size_t family) {
  constexpr std::size_t kMin = 2;  // a spread cannot be estimated from fewer
  const std::size_t floor_n = std::max(kMin, runs_to_reach(kFamilyAlpha, family));
  if (cv == 0) return floor_n;
  // No finite number of repeats detects a change of 0 (or a nonsense size).
  if (!(detect_pct > 0)) return std::numeric_limits<std::size_t>::max();
  const double alpha = kFamilyAlpha / static_cast<double>(std::max<std::size_t>(family, 1));
  const double z = (normal_quantile(1 - alpha / 2) + normal_quantile(0.8)) * std::abs(cv) / (detect_pct / 100.0);
  const double n = std::ceil(2 * z * z * std::numbers::pi / 3);
  // Guard the cast: a double past size_t's range (or NaN) is undefined behaviour to convert.
  if (!(n < 1e18)) return std::numeric_limits<std::size_t>::max();
  return std::max(floor_n, static_cast<std::size_t>(n));
}

std::string verdict_text(const Comparison& c) {
  const std::string change = fmt::format("{:+.1f}% [{:+.1f}, {:+.1f}]", c.change_pct, c.ci_pct.lo, c.ci_pct.hi);
  if (c.too_few) return change + fmt::format(" n too small for {:g}%", 100 * kFamilyAlpha);
  return change + fmt::format(" p={:.2g}{}", c.p_holm, c.significant ? " *" : "");
}

std::vector<ArmSummary> summarize(std::span<const Measurement> data, const BootstrapOptions& options) {
  std::map<Key, std::size_t> index;
  std::vector<ArmSummary> out;
  for (const Group& g : group(data, index)) {
    ArmSummary s;
    s.point = g.first->point;
    s.arm = g.first->arm;
    s.metric = g.first->metric;
    s.n = g.values.size();
    s.median = median(g.values);
    // Every group uses the same seed: a group's interval depends only on its own values, not on
    // what else (or in which order) the data holds.
    s.ci = bootstrap_median_ci(g.values, options);
    s.mean = mean(g.values);
    s.sd = sample_sd(g.values);
    s.cv = cv_of(s.sd, s.mean);
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<Comparison> compare_to_baseline(std::span<const Measurement> data, const std::string& baseline_arm,
                                            double detect_pct, const BootstrapOptions& options) {
  std::map<Key, std::size_t> index;
  const std::vector<Group> groups = group(data, index);
  std::vector<Comparison> out;
  std::vector<double> cvs;  // per comparison: the larger of the two arms' CVs
  for (const Group& g : groups) {
    const Measurement& names = *g.first;
    if (names.arm == baseline_arm) continue;
    const auto found = index.find(Key{names.point, baseline_arm, names.metric});
    if (found == index.end()) continue;
    const std::vector<double>& base = groups[found->second].values;
    const double base_median = median(base);
    if (base_median == 0) continue;  // a change in percent of nothing is undefined

    Comparison c;
    c.point = names.point;
    c.arm = names.arm;
    c.metric = names.metric;
    const auto pct = [](double arm, double b) { return 100.0 * (arm - b) / std::abs(b); };
    c.change_pct = pct(median(g.values), base_median);

    // Same seed per comparison, as in summarize. One stream serves both arms; their draws are still
    // independent. A resample whose baseline median is 0 has no percentage and is left out.
    SplitMix64 rng(options.seed);
    std::vector<double> stats, base_buf, arm_buf;
    stats.reserve(options.resamples);
    for (std::size_t i = 0; i < options.resamples; ++i) {
      resample(base, rng, base_buf);
      resample(g.values, rng, arm_buf);
      const double b = median_in_place(base_buf);
      if (b != 0) stats.push_back(pct(median_in_place(arm_buf), b));
    }
    c.ci_pct = stats.empty() ? Interval{c.change_pct, c.change_pct} : percentile_interval(stats, options.level);
    c.n_base = base.size();
    c.n_arm = g.values.size();
    const RankTest test = rank_sum_test(g.values, base);
    c.p = test.p;
    c.min_p = test.min_p;

    c.detect_pct = detect_pct;
    cvs.push_back(std::max(cv_of(sample_sd(base), mean(base)), cv_of(sample_sd(g.values), mean(g.values))));
    out.push_back(std::move(c));
  }
  // The family: every comparison made here. Holm keeps P(any false call) <= alpha whatever their
  // dependence (the metrics of one run are correlated).
  std::vector<double> ps;
  for (const auto& c : out) ps.push_back(c.p);
  const std::vector<double> adjusted = holm(ps);
  for (std::size_t i = 0; i < out.size(); ++i) {
    Comparison& c = out[i];
    c.family = out.size();
    c.p_holm = adjusted[i];
    c.too_few = static_cast<double>(c.family) * c.min_p > kFamilyAlpha;
    c.significant = !c.too_few && c.p_holm <= kFamilyAlpha;
    c.repeats_needed = repeats_needed(cvs[i], c.detect_pct, c.family);
  }
  return out;
}

}  // namespace zkc::analysis
