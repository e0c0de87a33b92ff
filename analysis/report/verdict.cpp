#include "analysis/report/verdict.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "analysis/metrics/metric_catalog.hpp"
#include "analysis/report/format.hpp"
#include "analysis/report/sweep_points.hpp"

namespace zkc::analysis {
namespace {

constexpr std::string_view kPrimary = "s_per_proof";

const Comparison* find_comparison(const std::vector<Comparison>& cs, const std::string& point, const std::string& arm,
                                  std::string_view metric) {
  for (const auto& c : cs)
    if (c.point == point && c.arm == arm && c.metric == metric) return &c;
  return nullptr;
}

std::string value_text(const ArmSummary& s) {
  const double to_ms = metric_to_ms(s.metric);
  if (to_ms > 0) return duration_text(s.median * to_ms);
  const MetricInfo* m = find_metric(s.metric);
  if (m != nullptr && m->unit == "fraction") return fmt::format("{:.1f}%", 100 * s.median);
  return count_text(s.median);
}

std::string interval_text(const ArmSummary& s) {
  const double to_ms = metric_to_ms(s.metric);
  if (to_ms > 0) return fmt::format("{} [{}, {}]", duration_text(s.median * to_ms), duration_text(s.ci.lo * to_ms),
                                    duration_text(s.ci.hi * to_ms));
  const MetricInfo* m = find_metric(s.metric);
  if (m != nullptr && m->unit == "fraction")
    return fmt::format("{:.1f}% [{:.1f}, {:.1f}]", 100 * s.median, 100 * s.ci.lo, 100 * s.ci.hi);
  return fmt::format("{} [{}, {}]", count_text(s.median), count_text(s.ci.lo), count_text(s.ci.hi));
}

// What the test says about one comparison, in words.
std::string significance_text(const Comparison& c) {
  if (c.too_few) {
    return fmt::format("inconclusive at n={}: too few for 5% over {} comparisons (>= {} per arm could reach it)",
                       std::min(c.n_base, c.n_arm), c.family, runs_to_reach(kFamilyAlpha, c.family));
  }
  if (c.significant) return fmt::format("significant: p={:.2g} (Holm, {} comparisons)", c.p_holm, c.family);
  return fmt::format("no difference shown: p={:.2g} (Holm, {} comparisons)", c.p_holm, c.family);
}

std::string change_text(const Comparison& c) {
  return fmt::format("{:+.1f}% [{:+.1f}, {:+.1f}]", c.change_pct, c.ci_pct.lo, c.ci_pct.hi);
}

// The arms at `point` by s/proof median, fastest first.
std::vector<std::string> ranked_arms(const std::vector<ArmSummary>& summaries, const std::string& point) {
  std::vector<const ArmSummary*> arms;
  for (const auto& s : summaries)
    if (s.point == point && s.metric == kPrimary) arms.push_back(&s);
  std::stable_sort(arms.begin(), arms.end(),
                   [](const ArmSummary* a, const ArmSummary* b) { return a->median < b->median; });
  std::vector<std::string> out;
  for (const ArmSummary* s : arms) out.push_back(s->arm);
  return out;
}

}  // namespace

std::string median_run(const std::vector<Measurement>& data, const std::string& point, const std::string& arm) {
  std::vector<const Measurement*> runs;
  for (const auto& m : data)
    if (m.point == point && m.arm == arm && m.metric == kPrimary && std::isfinite(m.value)) runs.push_back(&m);
  if (runs.empty()) return "";
  std::sort(runs.begin(), runs.end(), [](const Measurement* a, const Measurement* b) {
    return a->value != b->value ? a->value < b->value : a->repeat < b->repeat;
  });
  return runs[(runs.size() - 1) / 2]->run;
}

Verdict compute_verdict(const ReportInput& in) {
  Verdict v;
  const std::uint32_t wanted = kGroupCompared | kGroupMechanism;
  std::vector<Measurement> compared, shown;
  for (const auto& m : in.measurements) {
    if (!std::isfinite(m.value)) continue;
    const MetricInfo* info = find_metric(m.metric);
    if (info == nullptr || (info->groups & wanted) == 0) continue;
    shown.push_back(m);
    if ((info->groups & kGroupCompared) != 0) compared.push_back(m);
  }
  v.summaries = summarize(shown);
  v.comparisons = compare_to_baseline(compared, in.baseline_arm, in.detect_pct);

  // Warnings: what the A/B recorded, then each distinct run note (counters unavailable and why), notes
  // of the form "<counter>: <why>" with the same why joined into one.
  v.warnings = in.warnings;
  std::vector<std::pair<std::vector<std::string>, std::string>> by_reason;  // (names, why)
  for (const auto& r : in.runs)
    for (const auto& n : r.notes) {
      const std::size_t colon = n.find(": ");
      const std::string name = colon == std::string::npos ? "" : n.substr(0, colon);
      const std::string why = colon == std::string::npos ? n : n.substr(colon + 2);
      auto it = std::find_if(by_reason.begin(), by_reason.end(), [&](const auto& e) { return e.second == why; });
      if (it == by_reason.end()) {
        by_reason.push_back({{name}, why});
      } else if (std::find(it->first.begin(), it->first.end(), name) == it->first.end()) {
        it->first.push_back(name);
      }
    }
  for (const auto& [names, why] : by_reason) {
    const std::string who = fmt::format("{}", fmt::join(names, ", "));
    v.warnings.push_back(who.empty() ? why : who + ": " + why);
  }
  v.hosts = host_split(in.measurements, in.baseline_arm);
  if (!v.hosts.notes.empty()) v.warnings.push_back(mixed_hosts_note(v.hosts));
  if (v.empty()) return v;

  const auto points = points_of(v.summaries);
  const bool many_points = points.size() > 1;

  // Ranking by s/proof, per point.
  v.ranking.header = {"rank", "arm", "s/proof [95% CI]", "n", "vs " + in.baseline_arm + " [95% CI]", "verdict",
                      fmt::format("repeats for {:g}%", in.detect_pct)};
  if (many_points) v.ranking.header.insert(v.ranking.header.begin(), "configuration");
  for (const auto& p : points) {
    std::vector<const ArmSummary*> arms;
    for (const auto& s : v.summaries)
      if (s.point == p && s.metric == kPrimary) arms.push_back(&s);
    std::stable_sort(arms.begin(), arms.end(),
                     [](const ArmSummary* a, const ArmSummary* b) { return a->median < b->median; });
    std::size_t rank = 0;
    const Comparison* best = nullptr;
    bool any_significant = false, all_too_few = true;
    std::size_t n_min = 0;
    for (const ArmSummary* s : arms) {
      const Comparison* c = find_comparison(v.comparisons, p, s->arm, kPrimary);
      std::vector<std::string> row{std::to_string(++rank), s->arm, interval_text(*s), std::to_string(s->n)};
      if (s->arm == in.baseline_arm) {
        row.insert(row.end(), {"(baseline)", "", ""});
      } else if (c != nullptr) {
        row.insert(row.end(), {change_text(*c), significance_text(*c), std::to_string(c->repeats_needed)});
        if (best == nullptr) best = c;
        any_significant = any_significant || c->significant;
        all_too_few = all_too_few && c->too_few;
        n_min = n_min == 0 ? std::min(c->n_base, c->n_arm) : std::min(n_min, std::min(c->n_base, c->n_arm));
      } else {
        row.insert(row.end(), {"n/a", "no baseline data", ""});
      }
      if (many_points) row.insert(row.begin(), point_title(p));
      v.ranking.rows.push_back(std::move(row));
    }
    // The headline: the fastest arm, and what can be said about it.
    const std::string where = many_points ? point_title(p) + ": " : "";
    if (arms.empty()) continue;
    const ArmSummary& top = *arms.front();
    std::string line = where + fmt::format("fastest {} at {} per proof", top.arm, duration_text(1000 * top.median));
    if (const Comparison* c = find_comparison(v.comparisons, p, top.arm, kPrimary)) {
      line += fmt::format(", {} vs {}", change_text(*c), in.baseline_arm);
      line += c->significant ? fmt::format(" (significant, p={:.2g})", c->p_holm) : "";
    } else if (top.arm == in.baseline_arm) {
      line += " (the baseline itself)";
    }
    line += ". ";
    if (best == nullptr) {
      line += "No other arm to compare.";
    } else if (all_too_few) {
      line += fmt::format("Inconclusive at n={}: with {} comparisons no outcome of {} runs per arm can reach 5% "
                          "(the exact test's smallest p at {} vs {} is {:.2g}); {} per arm could.",
                          n_min, best->family, n_min, n_min, n_min, best->min_p, runs_to_reach(kFamilyAlpha, best->family));
    } else if (!any_significant) {
      line += "No arm's s/proof differs from the baseline at the 5% family level.";
    } else {
      std::vector<std::string> names;
      for (const ArmSummary* s : arms)
        if (const Comparison* c = find_comparison(v.comparisons, p, s->arm, kPrimary); c && c->significant)
          names.push_back(fmt::format("{} ({:+.1f}%)", s->arm, c->change_pct));
      line += fmt::format("Differs from the baseline at the 5% family level: {}.", fmt::join(names, ", "));
    }
    v.headline.push_back(std::move(line));
  }
  v.ranking.footnotes.push_back(
      "Medians over repeats [95% percentile bootstrap interval]. Verdict: exact two-sided rank-sum test of the runs, "
      "Holm-corrected over every compared metric x arm (the family), 5% family-wise; 'inconclusive' when no outcome "
      "of this many runs could reach 5%. Repeats: per arm for 80% power against a 5% change at the measured spread.");

  // Mechanism evidence: medians per arm, durations with their change vs the baseline.
  const std::vector<std::string> mech = metrics_in(kGroupMechanism);
  v.mechanism.header = {"arm"};
  if (many_points) v.mechanism.header.insert(v.mechanism.header.begin(), "configuration");
  for (const auto& m : mech) v.mechanism.header.push_back(metric_title(m));
  for (const auto& p : points)
    for (const auto& a : ranked_arms(v.summaries, p)) {  // the ranking's order
      std::vector<std::string> row{a};
      if (many_points) row.insert(row.begin(), point_title(p));
      for (const auto& m : mech) {
        const ArmSummary* s = find_summary(v.summaries, p, a, m);
        if (s == nullptr) {
          row.push_back("n/a");
          continue;
        }
        std::string cell = value_text(*s);
        const ArmSummary* base = find_summary(v.summaries, p, in.baseline_arm, m);
        if (metric_to_ms(m) > 0 && base != nullptr && a != in.baseline_arm && base->median != 0)
          cell += " (" + percent_text(100.0 * (s->median - base->median) / std::fabs(base->median)) + ")";
        row.push_back(std::move(cell));
      }
      v.mechanism.rows.push_back(std::move(row));
    }
  v.mechanism.footnotes.push_back(
      "Medians over repeats; durations with their change against the baseline. n/a: not measured on this machine "
      "or not applicable to the arm (see the warnings).");

  // The family: every compared metric x arm.
  v.family.header = {"metric", "arm", "n", "median [95% CI]", "vs " + in.baseline_arm + " [95% CI]", "p (Holm)",
                     fmt::format("repeats for {:g}%", in.detect_pct)};
  if (many_points) v.family.header.insert(v.family.header.begin(), "configuration");
  for (const auto& p : points)
    for (const auto& m : metrics_in(kGroupCompared))
      for (const auto& a : arms_of(v.summaries)) {
        const ArmSummary* s = find_summary(v.summaries, p, a, m);
        if (s == nullptr) continue;
        const Comparison* c = find_comparison(v.comparisons, p, a, m);
        std::vector<std::string> row{metric_title(m), a, std::to_string(s->n), interval_text(*s)};
        if (c == nullptr) {
          row.insert(row.end(), {a == in.baseline_arm ? "(baseline)" : "n/a", "", ""});
        } else {
          row.push_back(change_text(*c));
          row.push_back(c->too_few ? "n too small for 5%"
                                   : fmt::format("{:.2g}{}", c->p_holm, c->significant ? " *" : ""));
          row.push_back(std::to_string(c->repeats_needed));
        }
        if (many_points) row.insert(row.begin(), point_title(p));
        v.family.rows.push_back(std::move(row));
      }
  v.family.footnotes.push_back(
      fmt::format("{} comparisons in the family. * = Holm-adjusted p <= 0.05 (exact rank-sum test of the runs). "
                  "'n too small for 5%': no outcome of this many runs could reach it.",
                  v.comparisons.size()));
  return v;
}

}  // namespace zkc::analysis
