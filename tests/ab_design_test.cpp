// The A/B's design from its options: durations, the fixed and sequential designs, the controls, and
// ab.json's design record read back as written; bad values refused naming the option.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "harness/cli/ab_design.hpp"
#include "harness/config/config_loader.hpp"

namespace zkc::cli {
namespace {

TEST(AbDesign, DurationsInSecondsOrWithUnits) {
  EXPECT_DOUBLE_EQ(parse_duration_seconds("270"), 270);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("270s"), 270);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("4m"), 240);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("4m30s"), 270);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("1.5m"), 90);
  EXPECT_DOUBLE_EQ(parse_duration_seconds("1h"), 3600);
  for (const char* bad : {"", "soon", "4m30", "-5", "5x", "m", " 5", "5 s", "nan", "inf"})
    EXPECT_LT(parse_duration_seconds(bad), 0) << bad;
}

TEST(AbDesign, SequentialByDefaultFixedWithRepeats) {
  const AbDesign seq = make_ab_design({});
  EXPECT_TRUE(seq.sequential());
  EXPECT_DOUBLE_EQ(seq.budget_s, kDefaultBudgetSeconds);
  EXPECT_EQ(seq.max_rounds, kDefaultMaxRounds);
  EXPECT_EQ(seq.primary.rule.family, 0u);  // counted per point by decide_primary
  EXPECT_TRUE(seq.primary.controls.empty());

  AbDesignOptions o;
  o.repeats = 5;
  const AbDesign fixed = make_ab_design(o);
  EXPECT_FALSE(fixed.sequential());
  EXPECT_EQ(fixed.fixed_rounds, 5);

  o.repeats = 0;
  o.budget = "2m";
  o.max_rounds = 12;
  o.margin_pct = 1.5;
  o.controls = true;
  o.control_effect_pct = 4;
  const AbDesign d = make_ab_design(o);
  EXPECT_DOUBLE_EQ(d.budget_s, 120);
  EXPECT_EQ(d.max_rounds, 12);
  EXPECT_DOUBLE_EQ(d.primary.rule.margin_pct, 1.5);
  ASSERT_EQ(d.primary.controls.size(), 2u);
  EXPECT_EQ(d.primary.controls[1].expect, analysis::Answer::kSlower);

  const auto arms = control_arms(Arm{"base", {"a=1"}}, d);
  ASSERT_EQ(arms.size(), 2u);
  EXPECT_EQ(arms[0].name, "neg-control");
  EXPECT_EQ(arms[0].overrides, (std::vector<std::string>{"a=1"}));
  EXPECT_EQ(arms[1].name, "pos-control");
  EXPECT_EQ(arms[1].overrides, (std::vector<std::string>{"a=1", "synthesis.extra_cost=0.04"}));
}

TEST(AbDesign, BadOptionsAreRefusedNamingTheOption) {
  const auto refused = [](AbDesignOptions o, const std::string& option) {
    try {
      make_ab_design(o);
    } catch (const config::ConfigError& e) {
      return std::string(e.what()).find(option) != std::string::npos;
    }
    return false;
  };
  AbDesignOptions o;
  o.budget = "later";
  EXPECT_TRUE(refused(o, "--budget 'later'"));
  o = {};
  o.repeats = 3;
  o.max_rounds = 4;
  EXPECT_TRUE(refused(o, "--repeats fixes the design"));
  o = {};
  o.margin_pct = 60;
  EXPECT_TRUE(refused(o, "--margin 60"));
  o = {};
  o.controls = true;
  o.control_effect_pct = 0;
  EXPECT_TRUE(refused(o, "--control-effect 0"));
}

TEST(AbDesign, TheDesignRecordReadsBackAsWritten) {
  AbDesignOptions o;
  o.controls = true;
  AbDesign d = make_ab_design(o);
  d.primary.rounds = 17;
  d.primary.elapsed_s = 201.5;
  d.primary.stopped = "every arm decided";
  const analysis::PrimaryDesign back = design_from_json(design_json(d.primary));
  EXPECT_TRUE(back.recorded);
  EXPECT_EQ(back.rule.design, analysis::DecisionRule::Design::kSequential);
  EXPECT_DOUBLE_EQ(back.rule.margin_pct, d.primary.rule.margin_pct);
  EXPECT_DOUBLE_EQ(back.rule.alpha, d.primary.rule.alpha);
  EXPECT_EQ(back.rounds, 17u);
  EXPECT_DOUBLE_EQ(back.elapsed_s, 201.5);
  EXPECT_EQ(back.stopped, "every arm decided");
  ASSERT_EQ(back.controls.size(), 2u);
  EXPECT_EQ(back.controls[0].arm, "neg-control");
  EXPECT_EQ(back.controls[0].expect, analysis::Answer::kEquivalent);

  nlohmann::json broken = design_json(d.primary);
  broken["kind"] = "adaptive";
  EXPECT_THROW(design_from_json(broken), std::runtime_error);
  broken = design_json(d.primary);
  broken["controls"][0]["expect"] = "maybe";
  EXPECT_THROW(design_from_json(broken), std::runtime_error);
  broken = design_json(d.primary);
  broken.erase("margin_pct");
  EXPECT_THROW(design_from_json(broken), nlohmann::json::exception);
}

TEST(AbDesign, TheBaselineRunsBySquareRootAndTheControlsBringTheirShareOfTheBudget) {
  AbDesign plain = make_ab_design({});
  fit_design_to_arms(plain, 5, false);
  EXPECT_EQ(plain.primary.baseline_runs, 2u);
  EXPECT_DOUBLE_EQ(plain.budget_s, kDefaultBudgetSeconds);

  AbDesignOptions o;
  o.controls = true;
  AbDesign controls = make_ab_design(o);
  fit_design_to_arms(controls, 5, false);
  EXPECT_EQ(controls.primary.baseline_runs, 3u);  // 7 compared: round(sqrt 7)
  // Rounds of 7 + 3 runs instead of 5 + 2: the same rounds in 10/7 the time.
  EXPECT_DOUBLE_EQ(controls.budget_s, kDefaultBudgetSeconds * 10 / 7);
  EXPECT_DOUBLE_EQ(controls.primary.budget_s, controls.budget_s);
  EXPECT_EQ(design_from_json(design_json(controls.primary)).baseline_runs, 3u);

  o.budget = "2m";  // a budget given is kept as given
  AbDesign given = make_ab_design(o);
  fit_design_to_arms(given, 5, true);
  EXPECT_DOUBLE_EQ(given.budget_s, 120);

  nlohmann::json older = design_json(given.primary);
  older.erase("baseline_runs_per_round");  // an ab.json from before: one baseline run a round
  EXPECT_EQ(design_from_json(older).baseline_runs, 1u);
}

TEST(AbDesign, AnArmIsPairedWithTheMeanLogOfItsRoundsBaselineRuns) {
  std::vector<analysis::Measurement> data;
  const auto add = [&](const char* arm, int round, double v) {
    data.push_back({"", arm, round, analysis::primary_metric(), v, ""});
  };
  // Round 0: baseline 1.0 and 1.21 (geometric mean 1.1), the arm 1.1: ratio 1. Round 1: baseline 2 and
  // 2, arm 2.2: ratio 1.1.
  add("baseline", 0, 1.0);
  add("arm", 0, 1.1);
  add("baseline", 0, 1.21);
  add("baseline", 1, 2.0);
  add("arm", 1, 2.2);
  add("baseline", 1, 2.0);
  AbDesign d = make_ab_design({});
  const auto decisions = analysis::decide_primary(data, "baseline", d.primary);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].decision.n, 2u);
  EXPECT_NEAR(decisions[0].decision.change_pct, 100 * (std::sqrt(1.1) - 1), 1e-9);
}

}  // namespace
}  // namespace zkc::cli
