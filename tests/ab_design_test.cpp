// The A/B's design from its options: durations, the fixed and sequential designs, the controls, and
// ab.json's design record read back as written; bad values refused naming the option.
#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace zkc::cli
