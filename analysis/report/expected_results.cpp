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

std::string mark(const Comparison& c) {
  if (c.too_few) return " n too small for 5%";
  return c.significant ? " *" : "";
}

constexpr std::string_view kSignificance =
    "Medians over repeats with 95% bootstrap intervals in brackets; * = significant at 5% family-wise (exact "
    "rank-sum test of the runs, Holm over every compared metric x arm); 'n too small for 5%': no outcome of this "
    "many runs could be.";

}  // namespace

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
