#include "harness/cli/ab_design.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <stdexcept>

#include "harness/config/config_loader.hpp"

namespace zkc::cli {
namespace {

using analysis::Answer;
using analysis::ControlArm;
using analysis::DecisionRule;

constexpr const char* kNegControl = "neg-control";
constexpr const char* kPosControl = "pos-control";

Answer answer_from(const std::string& text) {
  for (Answer a : {Answer::kFaster, Answer::kSlower, Answer::kEquivalent, Answer::kUndecided})
    if (analysis::to_string(a) == text) return a;
  throw std::runtime_error(fmt::format("'{}' is not an answer (faster, slower, equivalent, undecided)", text));
}

}  // namespace

double parse_duration_seconds(const std::string& text) {
  if (text.empty()) return -1;
  double total = 0;
  std::size_t i = 0;
  bool any = false;
  while (i < text.size()) {
    std::size_t used = 0;
    double v = 0;
    try {
      v = std::stod(text.substr(i), &used);
    } catch (const std::exception&) {
      return -1;
    }
    if (used == 0 || !std::isfinite(v) || v < 0 || text[i] == '-' || text[i] == '+' || std::isspace(text[i])) return -1;
    i += used;
    double unit = 1;
    if (i < text.size()) {
      const char u = text[i];
      if (u == 's') unit = 1;
      else if (u == 'm') unit = 60;
      else if (u == 'h') unit = 3600;
      else return -1;
      ++i;
    } else if (any) {
      return -1;  // "4m30" is ambiguous: a bare number only alone
    }
    total += v * unit;
    any = true;
  }
  return total;
}

AbDesign make_ab_design(const AbDesignOptions& o) {
  AbDesign d;
  DecisionRule& rule = d.primary.rule;
  rule.family = 0;  // counted per point: the arms other than the baseline and the controls
  if (!(o.margin_pct > 0 && o.margin_pct < 50))
    throw config::ConfigError(fmt::format("--margin {}: accepted: a percentage above 0 and below 50", o.margin_pct));
  rule.margin_pct = o.margin_pct;
  if (o.repeats > 0) {
    if (!o.budget.empty() || o.max_rounds > 0)
      throw config::ConfigError("--repeats fixes the design at N rounds; --budget and --max-rounds belong to the "
                                "sequential design (leave --repeats out)");
    rule.design = DecisionRule::Design::kFixed;
    d.fixed_rounds = o.repeats;
  } else {
    rule.design = DecisionRule::Design::kSequential;
    d.budget_s = kDefaultBudgetSeconds;
    if (!o.budget.empty()) {
      d.budget_s = parse_duration_seconds(o.budget);
      if (!(d.budget_s > 0))
        throw config::ConfigError(fmt::format(
            "--budget '{}': accepted: a wall time above 0, in seconds (270, 270s) or with units (4m, 4m30s, 1h)",
            o.budget));
    }
    if (o.max_rounds < 0) throw config::ConfigError("--max-rounds: accepted: 1 or more");
    d.max_rounds = o.max_rounds > 0 ? o.max_rounds : kDefaultMaxRounds;
  }
  if (o.controls) {
    if (!(o.control_effect_pct > 0 && o.control_effect_pct <= 50))
      throw config::ConfigError(
          fmt::format("--control-effect {}: accepted: a percentage above 0, at most 50", o.control_effect_pct));
    d.control_effect_pct = o.control_effect_pct;
    add_control_records(d);
  }
  d.primary.budget_s = d.budget_s;
  d.primary.max_rounds = static_cast<std::size_t>(d.max_rounds);
  return d;
}

void fit_design_to_arms(AbDesign& d, std::size_t family, bool budget_given) {
  const std::size_t controls = d.primary.controls.size();
  d.primary.baseline_runs = analysis::baseline_runs_per_round(family + controls);
  if (controls == 0 || budget_given || !d.sequential()) return;
  const auto round_runs = [](std::size_t compared) {
    return static_cast<double>(compared + analysis::baseline_runs_per_round(compared));
  };
  d.budget_s *= round_runs(family + controls) / round_runs(family);
  d.primary.budget_s = d.budget_s;
}

void add_control_records(AbDesign& d) {
  d.primary.controls = {
      {kNegControl, Answer::kEquivalent, "a copy of the baseline"},
      {kPosControl, Answer::kSlower,
       fmt::format("the baseline + {:g}% of a partition's work, in synthesis (synthesis.extra_cost)", d.control_effect_pct)}};
}

std::vector<Arm> control_arms(const Arm& baseline, const AbDesign& design) {
  if (design.primary.controls.empty()) return {};
  Arm neg{kNegControl, baseline.overrides};
  Arm pos{kPosControl, baseline.overrides};
  pos.overrides.push_back(fmt::format("synthesis.extra_cost={}", design.control_effect_pct / 100.0));
  return {neg, pos};
}

nlohmann::json design_json(const analysis::PrimaryDesign& p) {
  nlohmann::json controls = nlohmann::json::array();
  for (const auto& c : p.controls)
    controls.push_back({{"arm", c.arm}, {"expect", std::string(analysis::to_string(c.expect))}, {"what", c.what}});
  return {{"kind", std::string(analysis::to_string(p.rule.design))},
          {"rule", "lai-confidence-sequence"},
          {"primary_metric", analysis::primary_metric()},
          {"alpha", p.rule.alpha},
          {"margin_pct", p.rule.margin_pct},
          {"mixture", p.rule.mixture},
          {"budget_s", p.budget_s},
          {"max_rounds", p.max_rounds},
          {"rounds", p.rounds},
          {"baseline_runs_per_round", p.baseline_runs},
          {"elapsed_s", p.elapsed_s},
          {"stopped", p.stopped},
          {"controls", controls}};
}

analysis::PrimaryDesign design_from_json(const nlohmann::json& j) {
  analysis::PrimaryDesign p;
  const std::string kind = j.at("kind").get<std::string>();
  if (kind == "sequential") {
    p.rule.design = DecisionRule::Design::kSequential;
  } else if (kind == "fixed") {
    p.rule.design = DecisionRule::Design::kFixed;
  } else {
    throw std::runtime_error(fmt::format("design.kind '{}': accepted: sequential, fixed", kind));
  }
  p.rule.family = 0;
  p.rule.alpha = j.at("alpha").get<double>();
  p.rule.margin_pct = j.at("margin_pct").get<double>();
  p.rule.mixture = j.at("mixture").get<double>();
  if (!(p.rule.alpha > 0 && p.rule.alpha < 1) || !(p.rule.margin_pct > 0) || !(p.rule.mixture > 0))
    throw std::runtime_error("design: alpha must be in (0, 1), margin_pct and mixture above 0");
  p.budget_s = j.at("budget_s").get<double>();
  p.max_rounds = j.at("max_rounds").get<std::size_t>();
  p.rounds = j.at("rounds").get<std::size_t>();
  p.baseline_runs = j.value("baseline_runs_per_round", std::size_t{1});  // older ab.json: one per round
  if (p.baseline_runs < 1) throw std::runtime_error("design.baseline_runs_per_round: accepted: 1 or more");
  p.elapsed_s = j.at("elapsed_s").get<double>();
  p.stopped = j.at("stopped").get<std::string>();
  for (const auto& c : j.at("controls"))
    p.controls.push_back(
        {c.at("arm").get<std::string>(), answer_from(c.at("expect").get<std::string>()), c.at("what").get<std::string>()});
  p.recorded = true;
  return p;
}

std::string round_status_line(const std::vector<analysis::PrimaryDecision>& decisions, const AbDesign& design, int round,
                              double elapsed) {
  std::vector<std::string> decided;
  std::size_t open = 0;
  for (const auto& d : decisions) {
    if (d.decision.answer == analysis::Answer::kUndecided) {
      ++open;
      continue;
    }
    decided.push_back(fmt::format("{} {}", d.arm, analysis::answer_text(d, design.primary.rule)));
  }
  return fmt::format("  round {:<3} {} decided{}{}; {} open; {:.0f} s of {:.0f} s\n", round + 1, decided.size(),
                     decided.empty() ? "" : ": ", fmt::join(decided, ", "), open, elapsed, design.budget_s);
}

std::string design_line(const AbDesign& d, std::size_t family) {
  std::string limits = d.sequential()
                           ? fmt::format("until every arm is decided, at most {:.0f} s (--budget) and {} rounds "
                                         "(--max-rounds)",
                                         d.budget_s, d.max_rounds)
                           : fmt::format("{} rounds (--repeats)", d.fixed_rounds);
  return fmt::format("  design {}; {}; the baseline runs {} time{} a round\n", analysis::rule_text(d.primary.rule, family),
                     limits, d.primary.baseline_runs, d.primary.baseline_runs == 1 ? "" : "s");
}

}  // namespace zkc::cli
