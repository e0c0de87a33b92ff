// Rounds a host burst disturbed (analysis/stats/disturbed_rounds): found from each round's overall
// level alone, counted in no arm's ratio, named in words; and, on seeded simulations with bursts,
// the sequential rule keeps its error rate under the null while the identical arms it could not
// decide through a burst get decided.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <string>
#include <vector>

#include "analysis/stats/disturbed_rounds.hpp"
#include "analysis/stats/primary_endpoint.hpp"
#include "tests/support/seeded_normal.hpp"

namespace zkc::analysis {
namespace {

using test::Normal;

void add(std::vector<Measurement>& data, const std::string& arm, int round, double v) {
  data.push_back({"", arm, round, primary_metric(), v, ""});
}

TEST(DisturbedRounds, ARoundWhoseEveryRunIsSlowerThanTheRoundsBeforeIsSetAside) {
  std::vector<Measurement> data;
  // Levels 1.00, 1.01, 0.99, 1.00, then round 4 at +20%, round 5 back, round 6 faster (never set aside).
  const double level[] = {1.00, 1.01, 0.99, 1.00, 1.20, 1.00, 0.80};
  for (int r = 0; r < 7; ++r)
    for (const char* arm : {"baseline", "A", "B"}) add(data, arm, r, level[r] * (arm[0] == 'A' ? 1.01 : 1.0));
  const auto d = disturbed_rounds(data, primary_metric(), "");
  ASSERT_EQ(d.size(), 1u);
  EXPECT_EQ(d[0].round, 4);
  EXPECT_NEAR(d[0].level_change_pct, 20.0, 0.5);
  // The first kDisturbedRoundHistory rounds have nothing to be measured against.
  std::vector<Measurement> early;
  for (int r = 0; r < 3; ++r) add(early, "baseline", r, r == 2 ? 2.0 : 1.0);
  EXPECT_TRUE(disturbed_rounds(early, primary_metric(), "").empty());
  // Below the threshold: counted.
  std::vector<Measurement> mild;
  for (int r = 0; r < 5; ++r) add(mild, "baseline", r, r == 4 ? 1.07 : 1.0);
  EXPECT_TRUE(disturbed_rounds(mild, primary_metric(), "").empty());
}

TEST(DisturbedRounds, TheDecisionLeavesThemOutAndSaysHowMany) {
  std::vector<Measurement> data;
  for (int r = 0; r < 8; ++r) {
    const double burst = (r == 5 || r == 6) ? 1.3 : 1.0;
    add(data, "baseline", r, burst * (1.0 + 0.001 * r));
    add(data, "A", r, burst * (r == 5 ? 1.5 : 1.0));  // A's wild run falls in the burst
  }
  PrimaryDesign fixed;
  fixed.rule.design = DecisionRule::Design::kFixed;  // looked at once: n is every round counted
  const auto decisions = decide_primary(data, "baseline", fixed);
  ASSERT_EQ(decisions.size(), 1u);
  EXPECT_EQ(decisions[0].rounds_not_counted, 2u);
  EXPECT_EQ(decisions[0].decision.n, 6u);
  const std::string text = disturbed_rounds_text(disturbed_rounds(data, primary_metric(), ""));
  EXPECT_EQ(text.rfind("rounds 6-7 (every run of the round 30-", 0), 0u) << text;
}

TEST(DisturbedRounds, TextListsRunsOfRoundsOneBased) {
  EXPECT_EQ(disturbed_rounds_text({}), "");
  EXPECT_EQ(disturbed_rounds_text({{17, 12.0}, {18, 30.0}, {19, 20.0}, {25, 9.0}}),
            "rounds 18-20 and 26 (every run of the round 9-30% slower than the rounds before: a host burst)");
  EXPECT_EQ(disturbed_rounds_text({{3, 10.0}}), "round 4 (every run of the round 10-10% slower than the rounds before: a host burst)");
}

// An A/A of 3 identical arms (and the baseline twice a round), 2% CV per run, 60 rounds, with a burst
// from round 20 to 30: every run 10-35% slower and 4x noisier.
constexpr int kRounds = 60;
bool in_burst(int r) { return r >= 20 && r < 30; }

std::vector<Measurement> aa_with_burst(Normal& rng) {
  std::vector<Measurement> data;
  for (int r = 0; r < kRounds; ++r) {
    const double level = in_burst(r) ? 1.1 + 0.25 * rng.uniform() : 1.0;
    const double cv = in_burst(r) ? 0.08 : 0.02;
    for (const char* arm : {"baseline", "A", "B", "C", "baseline"}) add(data, arm, r, level * std::exp(cv * rng.next()));
  }
  return data;
}

// The same rule on every round, the burst's included: what the decision was before disturbed rounds.
std::vector<ArmDecision> decide_counting_every_round(const std::vector<Measurement>& data) {
  std::vector<ArmDecision> out;
  DecisionRule rule;
  rule.family = 3;
  for (const std::string arm : {"A", "B", "C"}) {
    std::vector<double> d;
    for (int r = 0; r < kRounds; ++r) {
      double base = 0, n = 0, own = 0;
      for (const auto& m : data) {
        if (m.repeat != r) continue;
        if (m.arm == "baseline") base += std::log(m.value), n += 1;
        if (m.arm == arm) own = std::log(m.value);
      }
      d.push_back(own - base / n);
    }
    out.push_back(decide(d, rule));
  }
  return out;
}

TEST(DisturbedRounds, WithBurstsTheNullStaysWithinFivePercentAndIdenticalArmsGetDecidedMoreOften) {
  Normal rng(20261208);
  const std::size_t families = 500;
  std::size_t wrong = 0, equivalent = 0, equivalent_before = 0;
  for (std::size_t f = 0; f < families; ++f) {
    const auto data = aa_with_burst(rng);
    const auto decisions = decide_primary(data, "baseline", PrimaryDesign{});
    bool any_wrong = false;
    for (const auto& d : decisions) {
      any_wrong |= d.decision.answer == Answer::kFaster || d.decision.answer == Answer::kSlower;
      equivalent += d.decision.answer == Answer::kEquivalent;
    }
    wrong += any_wrong;
    for (const auto& d : decide_counting_every_round(data)) equivalent_before += d.answer == Answer::kEquivalent;
  }
  std::printf("bursts: %zu of %zu families called an arm faster or slower; arms equivalent %zu of %zu (counting "
              "the burst: %zu)\n",
              wrong, families, equivalent, 3 * families, equivalent_before);
  EXPECT_LE(static_cast<double>(wrong) / families, 0.05);
  EXPECT_GE(static_cast<double>(equivalent) / (3.0 * families), 0.8);
  EXPECT_GT(equivalent, equivalent_before + families / 2);
}

}  // namespace
}  // namespace zkc::analysis
