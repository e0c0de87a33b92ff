#include "analysis/stats/primary_endpoint.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include <fmt/format.h>

#include "analysis/stats/disturbed_rounds.hpp"
#include "model/metric_catalog.hpp"

namespace zkc::analysis {
namespace {

bool is_control(const PrimaryDesign& design, const std::string& arm) {
  return std::any_of(design.controls.begin(), design.controls.end(),
                     [&](const ControlArm& c) { return c.arm == arm; });
}

std::string bound_text(double pct) { return std::isfinite(pct) && pct > -100.0 ? fmt::format("{:+.1f}", pct) : ".."; }

}  // namespace

const std::string& primary_metric() {
  static const std::string name = [] {
    const auto names = metrics_in(kGroupPrimary);
    if (names.size() != 1) throw std::logic_error("the metric catalog must hold exactly one kGroupPrimary metric");
    return names.front();
  }();
  return name;
}

std::vector<PrimaryDecision> decide_primary(std::span<const Measurement> data, const std::string& baseline_arm,
                                            const PrimaryDesign& design) {
  // (point, arm) -> round -> the mean log of its runs that round (the baseline has
  // baseline_runs_per_round of them, an arm one), arms and points in first-appearance order.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::map<int, std::pair<double, int>>> sums;
  for (const Measurement& m : data) {
    if (m.metric != primary_metric() || !std::isfinite(m.value) || m.value <= 0) continue;
    const auto key = std::make_pair(m.point, m.arm);
    auto [it, inserted] = sums.try_emplace(key);
    if (inserted) order.push_back(key);
    auto& [sum, count] = it->second[m.repeat];
    sum += std::log(m.value);
    ++count;
  }
  std::map<std::pair<std::string, std::string>, std::map<int, double>> values;
  for (const auto& [key, rounds] : sums)
    for (const auto& [round, sc] : rounds) values[key][round] = sc.first / sc.second;
  std::map<std::string, std::size_t> family;  // per point: arms other than the baseline and controls
  for (const auto& [point, arm] : order)
    if (arm != baseline_arm && !is_control(design, arm)) ++family[point];

  std::map<std::string, std::set<int>> disturbed;  // per point: rounds counted in no ratio
  for (const auto& [point, arm] : order) {
    if (disturbed.contains(point)) continue;
    auto& set = disturbed[point];
    for (const auto& r : disturbed_rounds(data, primary_metric(), point)) set.insert(r.round);
  }

  std::vector<PrimaryDecision> out;
  for (const auto& [point, arm] : order) {
    if (arm == baseline_arm) continue;
    const auto base = values.find({point, baseline_arm});
    if (base == values.end()) continue;
    std::vector<double> d, log_arm, log_base;
    std::size_t not_counted = 0;
    for (const auto& [round, v] : values.at({point, arm})) {
      const auto b = base->second.find(round);
      if (b == base->second.end()) continue;
      if (disturbed.at(point).contains(round)) {
        ++not_counted;
        continue;
      }
      log_arm.push_back(v);
      log_base.push_back(b->second);
      d.push_back(log_arm.back() - log_base.back());
    }
    PrimaryDecision pd;
    pd.point = point;
    pd.arm = arm;
    for (const auto& c : design.controls)
      if (c.arm == arm) pd.control = c;
    DecisionRule rule = design.rule;
    if (rule.family == 0) rule.family = std::max<std::size_t>(1, family[point]);
    pd.family = rule.family;
    pd.decision = decide(d, rule);
    pd.rounds_not_counted = not_counted;
    // The gain is measured on every paired round, also those after a fixed design's end.
    pd.pairing_gain = pairing_gain(log_arm, log_base);
    out.push_back(std::move(pd));
  }
  return out;
}

const PrimaryDecision* find_decision(std::span<const PrimaryDecision> decisions, std::string_view point,
                                     std::string_view arm) {
  for (const auto& d : decisions)
    if (d.point == point && d.arm == arm) return &d;
  return nullptr;
}

std::string change_interval_text(const ArmDecision& d) {
  return fmt::format("{:+.1f}% [{}, {}]", d.change_pct, bound_text(d.ci_pct.lo), bound_text(d.ci_pct.hi));
}

std::string answer_text(const PrimaryDecision& pd, const DecisionRule& rule) {
  const ArmDecision& d = pd.decision;
  switch (d.answer) {
    case Answer::kFaster:
    case Answer::kSlower:
      return fmt::format("{} by {:.1f}%{}", to_string(d.answer), std::fabs(d.change_pct),
                         d.within_margin ? fmt::format(" (within +-{:g}%)", rule.margin_pct) : "");
    case Answer::kEquivalent:
      return fmt::format("equivalent within +-{:g}%", rule.margin_pct);
    case Answer::kUndecided: break;
  }
  return d.rounds_to_decide > 0 ? fmt::format("undecided (~{} rounds would decide it)", d.rounds_to_decide)
                                : "undecided (too few rounds to bound it)";
}

std::string rule_text(const DecisionRule& rule, std::size_t family) {
  family = std::max<std::size_t>(family, 1);  // an A/B of the baseline and controls only: their level is alpha
  return fmt::format("{} design, Lai's confidence sequence on the per-round log-ratio, {:g}% family-wise over {} "
                     "arm{} (each at {:.2g}%), margin +-{:g}%",
                     to_string(rule.design), 100 * rule.alpha, family, family == 1 ? "" : "s",
                     100 * rule.alpha / static_cast<double>(family), rule.margin_pct);
}

}  // namespace zkc::analysis
