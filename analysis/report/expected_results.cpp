#include "analysis/report/expected_results.hpp"

#include <cmath>
#include <string>

#include <fmt/format.h>

#include "analysis/present/sweep_points.hpp"

namespace zkc::analysis {
namespace {

constexpr std::string_view kMetric = "s_per_proof";

std::string seconds_with_ci(const ArmSummary* s) {
  if (!s) return "n/a";
  return fmt::format("{:.2f} s [{:.2f}, {:.2f}]", s->median, s->ci.lo, s->ci.hi);
}

// Lower s/proof is better: the improvement is the change with its sign (and interval) flipped.
std::string improvement_text(const ArmDecision& d) {
  const auto flip = [](double pct) { return std::isfinite(pct) && pct > -100 ? fmt::format("{:.1f}", -pct) : ".."; };
  return fmt::format("{:.1f}% [{}, {}] {}", -d.change_pct, flip(d.ci_pct.hi), flip(d.ci_pct.lo), to_string(d.answer));
}

constexpr std::string_view kSignificance =
    "Medians over rounds with 95% bootstrap intervals in brackets; the improvement is 1 - the geometric-mean ratio "
    "of the two arms' runs in the same rounds, with the primary rule's anytime interval and answer (the verdict's).";

}  // namespace

Table expected_results_table(std::span<const ArmSummary> summaries, std::span<const PrimaryDecision> decisions,
                             std::string_view baseline_arm, std::string_view after_arm) {
  Table t;
  t.header = {"configuration", fmt::format("baseline ({})", baseline_arm), fmt::format("after {}", after_arm),
              "improvement"};
  for (const auto& p : points_of(summaries)) {
    const ArmSummary* base = find_summary(summaries, p, baseline_arm, kMetric);
    if (!base) continue;
    const ArmSummary* after = find_summary(summaries, p, after_arm, kMetric);
    const PrimaryDecision* d = find_decision(decisions, p, after_arm);
    const std::string improvement = d ? improvement_text(d->decision) : "n/a";
    t.rows.push_back({point_title(p), seconds_with_ci(base), seconds_with_ci(after), improvement});
  }
  t.footnotes.push_back(fmt::format("s/proof. Improvement = (baseline - after) / baseline. {}", kSignificance));
  return t;
}

Table seed_expected_table() {
  Table t;
  t.header = {"configuration", "Phase 9 baseline", "after all 3 interventions", "improvement"};
  t.rows = {{"c=1 j=1 (isolation)", "32.1 s", "~31.5 s", "~2%"},
            {"c=5 j=5", "41.4 s", "~38.0 s", "~8%"},
            {"c=10 j=10", "38.7 s", "~35.5 s", "~8%"},
            {"c=15 j=15", "38.2 s", "~34.5 s", "~10%"},
            {"c=20 j=15", "38.0 s", "~34.0 s", "~11%"}};
  t.footnotes.push_back("The seed's prediction (Phase 11 design note) for the real system: 96 cores, one GPU, "
                        "full-size partitions. Compare the direction and rough size, not the seconds.");
  return t;
}

}  // namespace zkc::analysis
