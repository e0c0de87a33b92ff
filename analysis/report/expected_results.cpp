#include "analysis/report/expected_results.hpp"

#include <string>

#include <fmt/format.h>

#include "analysis/report/sweep_points.hpp"

namespace zkc::analysis {
namespace {

constexpr std::string_view kMetric = "s_per_proof";

std::string seconds_with_ci(const ArmSummary* s) {
  if (!s) return "n/a";
  return fmt::format("{:.2f} s [{:.2f}, {:.2f}]", s->median, s->ci.lo, s->ci.hi);
}

const Comparison* find_comparison(std::span<const Comparison> comparisons, std::string_view point,
                                  std::string_view arm) {
  for (const auto& c : comparisons)
    if (c.point == point && c.arm == arm && c.metric == kMetric) return &c;
  return nullptr;
}

std::string mark(const Comparison& c) { return c.significant ? " *" : ""; }

constexpr std::string_view kSignificance =
    "Medians over repeats with 95% bootstrap intervals in brackets; * = significant (the interval of the change "
    "excludes 0).";

}  // namespace

std::string after_arm_of(std::span<const ArmSummary> summaries, std::string_view baseline_arm) {
  std::string last;
  for (const auto& a : arms_of(summaries))
    if (a != baseline_arm) last = a;
  return last;
}

Table expected_results_table(std::span<const ArmSummary> summaries, std::span<const Comparison> comparisons,
                             std::string_view baseline_arm, std::string_view after_arm) {
  Table t;
  t.header = {"configuration", fmt::format("baseline ({})", baseline_arm), fmt::format("after {}", after_arm),
              "improvement"};
  for (const auto& p : points_of(summaries)) {
    const ArmSummary* base = find_summary(summaries, p, baseline_arm, kMetric);
    if (!base) continue;
    const ArmSummary* after = find_summary(summaries, p, after_arm, kMetric);
    const Comparison* c = find_comparison(comparisons, p, after_arm);
    // Lower s/proof is better: the improvement is the change with its sign (and interval) flipped.
    const std::string improvement =
        c ? fmt::format("{:.1f}% [{:.1f}, {:.1f}]{}", -c->change_pct, -c->ci_pct.hi, -c->ci_pct.lo, mark(*c)) : "n/a";
    t.rows.push_back({point_title(p), seconds_with_ci(base), seconds_with_ci(after), improvement});
  }
  t.footnotes.push_back(fmt::format("s/proof. Improvement = (baseline - after) / baseline. {}", kSignificance));
  return t;
}

Table arm_comparison_table(std::span<const ArmSummary> summaries, std::span<const Comparison> comparisons,
                           std::string_view baseline_arm) {
  const double detect = comparisons.empty() ? 5.0 : comparisons.front().detect_pct;
  Table t;
  t.header = {"configuration",      "arm", "s/proof",
              "change vs baseline", "CV",  fmt::format("repeats to detect {:g}%", detect)};
  for (const auto& p : points_of(summaries))
    for (const auto& a : arms_of(summaries)) {
      const ArmSummary* s = find_summary(summaries, p, a, kMetric);
      if (!s) continue;
      const Comparison* c = a == baseline_arm ? nullptr : find_comparison(comparisons, p, a);
      const std::string change =
          a == baseline_arm ? "(baseline)"
          : c ? fmt::format("{:+.1f}% [{:+.1f}, {:+.1f}]{}", c->change_pct, c->ci_pct.lo, c->ci_pct.hi, mark(*c))
              : "n/a";
      t.rows.push_back({point_title(p), a, seconds_with_ci(s), change, fmt::format("{:.1f}%", 100 * s->cv),
                        c ? fmt::format("{}", c->repeats_needed) : ""});
    }
  t.footnotes.push_back(fmt::format("{} Change = (arm - baseline) / baseline: negative is faster.", kSignificance));
  return t;
}

}  // namespace zkc::analysis
