#include "analysis/report/verdict.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

#include "model/metric_catalog.hpp"
#include "analysis/present/format.hpp"
#include "analysis/present/sweep_points.hpp"
#include "analysis/stats/disturbed_rounds.hpp"
#include "analysis/stats/outliers.hpp"

namespace zkc::analysis {
namespace {


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

std::string change_text(const Comparison& c) {
  return fmt::format("{:+.1f}% [{:+.1f}, {:+.1f}]", c.change_pct, c.ci_pct.lo, c.ci_pct.hi);
}

// The arms at `point` by s/proof median, fastest first.
std::vector<std::string> ranked_arms(const std::vector<ArmSummary>& summaries, const std::string& point) {
  std::vector<const ArmSummary*> arms;
  for (const auto& s : summaries)
    if (s.point == point && s.metric == primary_metric()) arms.push_back(&s);
  std::stable_sort(arms.begin(), arms.end(),
                   [](const ArmSummary* a, const ArmSummary* b) { return a->median < b->median; });
  std::vector<std::string> out;
  for (const ArmSummary* s : arms) out.push_back(s->arm);
  return out;
}

// The design as run: the rule, the rounds, how long, and why it stopped.
std::string design_sentence(const PrimaryDesign& design, std::size_t family) {
  std::string out = "Primary: s/proof, each arm against the baseline, " + rule_text(design.rule, family) + ".";
  if (!design.recorded) return out + " (No design recorded: a fixed design over the runs present.)";
  out += fmt::format(" {} round{}", design.rounds, design.rounds == 1 ? "" : "s");
  if (design.elapsed_s > 0) out += fmt::format(" in {:.0f} s", design.elapsed_s);
  if (design.rule.design == DecisionRule::Design::kSequential)
    out += fmt::format(" (budget {:.0f} s, at most {} rounds)", design.budget_s, design.max_rounds);
  if (!design.stopped.empty()) out += "; stopped: " + design.stopped;
  return out + ".";
}

// "arena faster by 13.2%, I1 equivalent within +-2%; undecided: split (~41 rounds would decide it)".
std::string answers_sentence(const std::vector<const PrimaryDecision*>& ds, const DecisionRule& rule) {
  std::vector<std::string> decided, open;
  for (const PrimaryDecision* d : ds) {
    if (d->control) continue;
    const ArmDecision& a = d->decision;
    if (a.answer != Answer::kUndecided) {
      decided.push_back(fmt::format("{} {}", d->arm, answer_text(*d, rule)));
    } else {
      open.push_back(a.rounds_to_decide > 0 ? fmt::format("{} ({}, ~{} rounds would decide it)", d->arm,
                                                          change_interval_text(a), a.rounds_to_decide)
                                            : fmt::format("{} ({})", d->arm, change_interval_text(a)));
    }
  }
  std::string out;
  if (!decided.empty()) out += fmt::format("Decided: {}.", fmt::join(decided, "; "));
  if (!open.empty()) out += fmt::format("{}Undecided: {}.", out.empty() ? "" : " ", fmt::join(open, "; "));
  return out;
}

// The measurements the verdict shows (primary, compared and mechanism metrics), and of those the
// compared ones.
void summarize_shown(const ReportInput& in, Verdict& v) {
  const std::uint32_t wanted = kGroupPrimary | kGroupCompared | kGroupMechanism;
  std::vector<Measurement> compared, shown;
  for (const auto& m : in.measurements) {
    if (!std::isfinite(m.value)) continue;
    const MetricInfo* info = find_metric(m.metric);
    if (info == nullptr || (info->groups & wanted) == 0) continue;
    shown.push_back(m);
    if ((info->groups & kGroupCompared) != 0) compared.push_back(m);
  }
  v.summaries = summarize(shown);
  v.primary = decide_primary(in.measurements, in.baseline_arm, in.design);
  v.comparisons = compare_to_baseline(compared, in.baseline_arm, in.detect_pct);
}

// Each distinct run note (counters unavailable and why); notes of the form "<counter>: <why>" with
// the same why are joined into one.
void add_run_note_warnings(const ReportInput& in, Verdict& v) {
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
}

// Outlier runs, with their likely cause from their noise readings: shown, never dropped.
void add_outlier_warnings(const ReportInput& in, Verdict& v) {
  OutlierOptions oo;
  oo.metric = primary_metric();
  v.outliers = find_outliers(in.measurements, oo);
  constexpr std::size_t kShown = 10;
  for (std::size_t i = 0; i < v.outliers.size() && i < kShown; ++i) {
    const Outlier& o = v.outliers[i];
    v.warnings.push_back(fmt::format(
        "outlier run {}{}: s/proof {} against its arm's median {} ({:+.1f}%); likely cause: {}; kept in the "
        "statistics",
        o.run.empty() ? o.arm : o.run, o.point.empty() ? "" : " (" + point_title(o.point) + ")",
        duration_text(1000 * o.value), duration_text(1000 * o.median), 100 * (o.value - o.median) / o.median, o.cause));
  }
  if (v.outliers.size() > kShown)
    v.warnings.push_back(
        fmt::format("{} more outlier runs (ab.csv has every run's noise_* readings)", v.outliers.size() - kShown));
}

// What the A/B recorded, whether it was interrupted, the run notes, the outliers, mixed hosts.
void add_warnings(const ReportInput& in, Verdict& v) {
  v.warnings = in.warnings;
  if (in.interrupted)
    v.warnings.push_back("the A/B was interrupted (Ctrl-C or SIGTERM) before its design ended it: the answers are "
                         "those of the rounds that completed");
  add_run_note_warnings(in, v);
  add_outlier_warnings(in, v);
  v.hosts = host_split(in.measurements, in.baseline_arm);
  if (!v.hosts.notes.empty()) v.warnings.push_back(mixed_hosts_note(v.hosts));
}

// The headline of one point: the fastest arm (`arms` is by s/proof, fastest first), then every
// arm's answer.
std::string point_headline(const ReportInput& in, const Verdict& v, const std::string& where,
                           const std::vector<const ArmSummary*>& arms,
                           const std::vector<const PrimaryDecision*>& decisions) {
  const DecisionRule& rule = in.design.rule;
  const ArmSummary& top = *arms.front();
  std::string line = where + fmt::format("fastest {} at {} per proof", top.arm, duration_text(1000 * top.median));
  if (const PrimaryDecision* d = find_decision(v.primary, top.point, top.arm)) {
    line += fmt::format(" ({} against {}: {})", answer_text(*d, rule), in.baseline_arm,
                        change_interval_text(d->decision));
  } else if (top.arm == in.baseline_arm) {
    line += " (the baseline itself)";
  }
  line += ".";
  const std::string answers = answers_sentence(decisions, rule);
  line += answers.empty() ? " No other arm to compare." : " " + answers;
  return line;
}

// Ranking by s/proof, per point, with each arm's answer, and each point's headline. Returns the
// size of the primary family (the arms judged together, controls aside).
std::size_t add_ranking(const ReportInput& in, const std::vector<std::string>& points, Verdict& v) {
  const bool many_points = points.size() > 1;
  const DecisionRule& rule = in.design.rule;
  v.ranking.header = {"rank", "arm", "s/proof [95% CI]", "rounds", "vs " + in.baseline_arm + " [anytime 95%]", "answer",
                      "decided at"};
  if (many_points) v.ranking.header.insert(v.ranking.header.begin(), "configuration");
  std::size_t family = 0;
  for (const auto& p : points) {
    std::vector<const ArmSummary*> arms;
    for (const auto& s : v.summaries)
      if (s.point == p && s.metric == primary_metric()) arms.push_back(&s);
    std::stable_sort(arms.begin(), arms.end(),
                     [](const ArmSummary* a, const ArmSummary* b) { return a->median < b->median; });
    std::size_t rank = 0;
    std::vector<const PrimaryDecision*> decisions;
    for (const ArmSummary* s : arms) {
      const PrimaryDecision* d = find_decision(v.primary, p, s->arm);
      std::vector<std::string> row{std::to_string(++rank), s->arm, interval_text(*s), std::to_string(s->n)};
      if (s->arm == in.baseline_arm) {
        row.insert(row.end(), {"(baseline)", "", ""});
      } else if (d != nullptr) {
        decisions.push_back(d);
        if (!d->control) family = std::max(family, d->family);
        row[1] += d->control ? " (control)" : "";
        row[3] = std::to_string(d->decision.n);
        row.insert(row.end(), {change_interval_text(d->decision), answer_text(*d, rule),
                               d->decision.decided_at > 0 ? fmt::format("round {}", d->decision.decided_at) : ""});
      } else {
        row.insert(row.end(), {"n/a", "no baseline data in the same rounds", ""});
      }
      if (many_points) row.insert(row.begin(), point_title(p));
      v.ranking.rows.push_back(std::move(row));
    }
    if (!arms.empty())
      v.headline.push_back(point_headline(in, v, many_points ? point_title(p) + ": " : "", arms, decisions));
  }
  return family;
}

// The design's headline line (with the pairing's variance gain) and the ranking's footnote.
void add_design(const ReportInput& in, std::size_t family, Verdict& v) {
  const DecisionRule& rule = in.design.rule;
  std::string design = design_sentence(in.design, family);
  std::vector<double> gains;
  for (const auto& d : v.primary)
    if (d.pairing_gain > 0) gains.push_back(d.pairing_gain);
  if (!gains.empty())
    design += fmt::format(" Pairing by round: variance gain {:.2f} (median over arms; 1 = rounds share no noise, above 1 "
                          "= pairing cancels shared noise).",
                          median(gains));
  std::vector<std::string> points;  // in first-appearance order, once each
  for (const auto& d : v.primary)
    if (d.rounds_not_counted > 0 && std::find(points.begin(), points.end(), d.point) == points.end())
      points.push_back(d.point);
  for (const auto& point : points)
    design += fmt::format(" Not counted{}: {}; their runs are kept and shown.", point.empty() ? "" : " at " + point,
                          disturbed_rounds_text(disturbed_rounds(in.measurements, primary_metric(), point)));
  v.headline.push_back(std::move(design));
  v.ranking.footnotes.push_back(fmt::format(
      "s/proof: medians over rounds [95% percentile bootstrap]. Against the baseline: the geometric-mean ratio of the "
      "arm's and the baseline's runs in the same rounds, with Lai's confidence sequence, valid at every round at once "
      "(so stopping when decided keeps its level), {:g}% family-wise (Bonferroni over the arms; controls are judged "
      "at the same per-arm level outside the family). faster/slower: the interval excludes 0; equivalent: it lies "
      "within +-{:g}%. An arm is decided at the first round either holds.",
      100 * rule.alpha, rule.margin_pct));
}

// Controls: did the rule classify each as expected?
void add_controls(const ReportInput& in, bool many_points, Verdict& v) {
  const DecisionRule& rule = in.design.rule;
  v.controls.header = {"control", "what", "expected", "answer", "measured effect on s/proof", "correct"};
  for (const auto& d : v.primary) {
    if (!d.control) continue;
    v.controls.rows.push_back({many_points ? point_title(d.point) + " " + d.arm : d.arm, d.control->what,
                               std::string(to_string(d.control->expect)), answer_text(d, rule),
                               change_interval_text(d.decision), d.correct() ? "yes" : "no"});
  }
  if (v.controls.rows.empty()) return;
  std::size_t correct = 0;
  for (const auto& d : v.primary) correct += d.correct() ? 1 : 0;
  v.headline.push_back(fmt::format("Controls: {} of {} classified as expected{}.", correct, v.controls.rows.size(),
                                   correct == v.controls.rows.size()
                                       ? " (this machine decides changes of that size in this budget)"
                                       : " (this machine cannot be trusted to decide changes of that size in this "
                                         "budget: see the controls table)"));
  v.controls.footnotes.push_back(
      "The positive control's effect is measured, not assumed: extra synthesis work moves s/proof by what the "
      "pipeline lets through.");
}

// Mechanism evidence: medians per arm, durations with their change vs the baseline.
void add_mechanism(const ReportInput& in, const std::vector<std::string>& points, Verdict& v) {
  const bool many_points = points.size() > 1;
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
}

// The family: every compared metric x arm.
void add_family(const ReportInput& in, const std::vector<std::string>& points, Verdict& v) {
  const bool many_points = points.size() > 1;
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
      fmt::format("Secondary: {} comparisons in their own family, never widening the primary's. * = Holm-adjusted p "
                  "<= 0.05 (exact rank-sum test of the runs). 'n too small for 5%': no outcome of this many runs could "
                  "reach it.",
                  v.comparisons.size()));
}

}  // namespace

std::string median_run(const std::vector<Measurement>& data, const std::string& point, const std::string& arm) {
  std::vector<const Measurement*> runs;
  for (const auto& m : data)
    if (m.point == point && m.arm == arm && m.metric == primary_metric() && std::isfinite(m.value)) runs.push_back(&m);
  if (runs.empty()) return "";
  std::sort(runs.begin(), runs.end(), [](const Measurement* a, const Measurement* b) {
    return a->value != b->value ? a->value < b->value : a->repeat < b->repeat;
  });
  return runs[(runs.size() - 1) / 2]->run;
}

Verdict compute_verdict(const ReportInput& in) {
  Verdict v;
  summarize_shown(in, v);
  add_warnings(in, v);
  if (v.empty()) return v;
  const std::vector<std::string> points = points_of(v.summaries);
  const std::size_t family = add_ranking(in, points, v);
  add_design(in, family, v);
  add_controls(in, points.size() > 1, v);
  add_mechanism(in, points, v);
  add_family(in, points, v);
  return v;
}

}  // namespace zkc::analysis
