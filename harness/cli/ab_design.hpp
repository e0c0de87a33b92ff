// How an A/B decides and when it stops, from its command line, and how ab.json records it.
//
// sequential (default)  rounds are added until every arm is decided (faster, slower, or equivalent
//                        within --margin), the --budget of wall time is spent or --max-rounds is
//                        reached; decided arms leave the later rounds (the baseline stays in every one)
// fixed (--repeats N)    N rounds of every arm, the same interval looked at once at the end
// baseline               round(sqrt(arms compared)) runs per round, in [1, 3] (Dunnett's allocation)
// --controls             two more arms in the same rounds, judged by the same rule outside the family:
//                        neg-control (a copy of the baseline: expected equivalent) and pos-control (the
//                        baseline + --control-effect % more synthesis work: expected slower)
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/stats/primary_endpoint.hpp"
#include "harness/cli/arms.hpp"

namespace zkc::cli {

// The default budget keeps the default `ab` (fit cached or not) within 5 minutes on a 2-CPU machine.
inline constexpr double kDefaultBudgetSeconds = 270;
inline constexpr int kDefaultMaxRounds = 100;
inline constexpr double kDefaultControlEffectPct = 3;

struct AbDesignOptions {
  int repeats = 0;              // > 0: fixed design
  std::string budget;           // "" = default; "270", "270s", "4m", "4m30s"
  int max_rounds = 0;           // 0 = default
  double margin_pct = analysis::kDefaultMarginPct;
  bool controls = false;
  double control_effect_pct = kDefaultControlEffectPct;
};

struct AbDesign {
  analysis::PrimaryDesign primary;  // the rule and the controls (family: counted per point)
  int fixed_rounds = 0;             // fixed design: the rounds
  double budget_s = 0;              // sequential: the wall-time budget of the whole command
  int max_rounds = 0;               // sequential: the round limit
  double control_effect_pct = 0;    // --controls: the positive control's extra synthesis work
  bool sequential() const { return primary.rule.design == analysis::DecisionRule::Design::kSequential; }
};

// Throws config::ConfigError naming the option and what is accepted.
AbDesign make_ab_design(const AbDesignOptions& options);

// Once the arms are known (`family`: those compared with the baseline, controls left out): the
// baseline's runs per round (Dunnett, over every compared arm, controls in), and, with --controls and
// no --budget, the default budget grown by the controls' share of a round, so the arms get the rounds
// they would have had without them (5 arms: rounds of 7 runs; with the controls 10, so 270 s becomes
// 386 s).
void fit_design_to_arms(AbDesign& design, std::size_t family, bool budget_given);

// "270", "270s", "4.5m", "4m30s", "1h" -> seconds; < 0 when not a duration.
double parse_duration_seconds(const std::string& text);

// The control arms for `baseline`: its overrides copied, and for the positive control
// synthesis.extra_cost added. Their ControlArm records are in design.primary.controls.
std::vector<Arm> control_arms(const Arm& baseline, const AbDesign& design);
void add_control_records(AbDesign& design);

// The terminal's lines: the header's design line, and one after each sequential round (what is
// decided so far, how much of the budget is spent).
std::string design_line(const AbDesign& design, std::size_t family);
std::string round_status_line(const std::vector<analysis::PrimaryDecision>& decisions, const AbDesign& design,
                              int round, double elapsed_s);

// ab.json's "design" object: the rule, the limits, the controls, and how the A/B ended.
nlohmann::json design_json(const analysis::PrimaryDesign& design);
// Reads it back (the report's verdict); std::runtime_error naming the field when malformed.
analysis::PrimaryDesign design_from_json(const nlohmann::json& j);

}  // namespace zkc::cli
