#include "analysis/stats/sequential.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "analysis/stats/rank_test.hpp"

namespace zkc::analysis {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr std::size_t kMaxRoundsEstimate = 100000;

// k of the closed form: the interval is mean +- sqrt(k s2 / (n - k)), unbounded while n <= k.
double lai_k(std::size_t n, double alpha, double c) {
  const double nc = static_cast<double>(n) + c;
  const double q = std::pow(alpha * alpha * c / nc, 1.0 / static_cast<double>(n));
  return nc * (1.0 - q);
}

double mean_of(std::span<const double> x) {
  double s = 0;
  for (double v : x) s += v;
  return x.empty() ? 0 : s / static_cast<double>(x.size());
}

// Sum of squared deviations from the mean (two passes: the values are close together).
double ss_of(std::span<const double> x) {
  const double m = mean_of(x);
  double ss = 0;
  for (double v : x) ss += (v - m) * (v - m);
  return ss;
}

double pct(double log_ratio) { return 100.0 * std::expm1(log_ratio); }

// The decision on the first n values, without replay.
ArmDecision decide_at(std::span<const double> d, const DecisionRule& rule) {
  ArmDecision out;
  out.n = d.size();
  if (d.empty()) {
    out.ci_pct = {-100.0, kInf};
    return out;
  }
  const double m = mean_of(d);
  out.change_pct = pct(m);
  out.sd_log = d.size() < 2 ? 0 : std::sqrt(ss_of(d) / static_cast<double>(d.size() - 1));
  const Interval ci = lai_interval(d, rule.arm_alpha(), rule.mixture);
  out.ci_pct = {std::isfinite(ci.lo) ? pct(ci.lo) : -100.0, std::isfinite(ci.hi) ? pct(ci.hi) : kInf};
  const double lo_margin = std::log1p(-rule.margin_pct / 100.0), hi_margin = std::log1p(rule.margin_pct / 100.0);
  if (ci.hi < 0) {
    out.answer = Answer::kFaster;
  } else if (ci.lo > 0) {
    out.answer = Answer::kSlower;
  } else if (ci.lo > lo_margin && ci.hi < hi_margin) {
    out.answer = Answer::kEquivalent;
  }
  out.within_margin = out.answer != Answer::kUndecided && ci.lo > lo_margin && ci.hi < hi_margin;
  if (out.answer != Answer::kUndecided) {
    out.decided_at = d.size();
    return out;
  }
  // What would decide it: the first round count whose half-width, at this spread, either clears the
  // estimate from 0 or fits the estimate inside the margin.
  const double s = std::sqrt(ss_of(d) / static_cast<double>(d.size()));
  if (d.size() >= 2 && s > 0) {
    const double room = std::max(std::fabs(m), std::min(hi_margin - m, m - lo_margin));
    for (std::size_t n = d.size() + 1; n <= kMaxRoundsEstimate; ++n)
      if (lai_half_width(n, s, rule.arm_alpha(), rule.mixture) < room) {
        out.rounds_to_decide = n;
        break;
      }
  }
  return out;
}

}  // namespace

std::string_view to_string(Answer a) {
  switch (a) {
    case Answer::kFaster: return "faster";
    case Answer::kSlower: return "slower";
    case Answer::kEquivalent: return "equivalent";
    case Answer::kUndecided: break;
  }
  return "undecided";
}

std::string_view to_string(DecisionRule::Design d) {
  return d == DecisionRule::Design::kFixed ? "fixed" : "sequential";
}

double lai_half_width(std::size_t rounds, double sd, double alpha, double c) {
  if (rounds < 2) return kInf;
  const double k = lai_k(rounds, alpha, c);
  const double n = static_cast<double>(rounds);
  if (!(n > k)) return kInf;
  return std::sqrt(k * sd * sd / (n - k));
}

Interval lai_interval(std::span<const double> x, double alpha, double c) {
  if (x.size() < 2) return {-kInf, kInf};
  const double m = mean_of(x);
  const double hw = lai_half_width(x.size(), std::sqrt(ss_of(x) / static_cast<double>(x.size())), alpha, c);
  if (!std::isfinite(hw)) return {-kInf, kInf};
  return {m - hw, m + hw};
}

ArmDecision decide(std::span<const double> log_ratios, const DecisionRule& rule) {
  if (rule.design == DecisionRule::Design::kSequential)
    for (std::size_t n = 2; n < log_ratios.size(); ++n) {
      ArmDecision early = decide_at(log_ratios.first(n), rule);
      if (early.answer != Answer::kUndecided) return early;
    }
  return decide_at(log_ratios, rule);
}

std::size_t baseline_runs_per_round(std::size_t compared) {
  const auto b = static_cast<std::size_t>(std::lround(std::sqrt(static_cast<double>(compared))));
  return std::clamp<std::size_t>(b, 1, 3);
}

double decidable_change_pct(double run_cv, std::size_t rounds, std::size_t family, std::size_t baseline_runs,
                            double alpha, double power) {
  DecisionRule rule;
  rule.alpha = alpha;
  rule.family = family;
  const double b = static_cast<double>(std::max<std::size_t>(baseline_runs, 1));
  const double sigma = std::sqrt(1.0 + 1.0 / b) * std::fabs(run_cv);
  const double n = static_cast<double>(rounds);
  const double hw = lai_half_width(rounds, sigma * std::sqrt((n - 1) / std::max(n, 1.0)), rule.arm_alpha());
  if (!std::isfinite(hw)) return kInf;
  return pct(hw + normal_quantile(power) * sigma / std::sqrt(n));
}

double pairing_gain(std::span<const double> log_arm, std::span<const double> log_base) {
  const std::size_t n = std::min(log_arm.size(), log_base.size());
  if (n < 3) return 0;
  std::vector<double> diff(n);
  for (std::size_t i = 0; i < n; ++i) diff[i] = log_arm[i] - log_base[i];
  const double var_d = ss_of(diff);
  const double var_sum = ss_of(log_arm.first(n)) + ss_of(log_base.first(n));
  if (var_d <= 0 || var_sum <= 0) return 0;
  return var_sum / var_d;
}

}  // namespace zkc::analysis
