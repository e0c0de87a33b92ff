// The sequential rule of `ab` (analysis/stats/sequential), checked on seeded simulations, no timing:
// the closed-form interval against the mixture martingale it inverts, and the error rates the docs
// promise although the rule looks after every round: under the null at most 5% of families call any
// arm faster or slower; a true 3% change at 2% CV per run is called with the right sign in >= 80%
// within the default budget's rounds; equivalence is claimed for a true change at the margin in at
// most 5%.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <limits>
#include <numbers>
#include <vector>

#include "analysis/stats/sequential.hpp"
#include "tests/support/seeded_normal.hpp"

namespace zkc::analysis {
namespace {

using test::Normal;

constexpr std::size_t kDefaultFamily = 5;  // the default arms besides the baseline
// The default A/B's budget in rounds: the 270 s budget at the measured ~1.6 s per default run with
// all 6 default arms in every round and the baseline run baseline_runs_per_round(5) = 2 times, 7 runs
// a round (ab drops decided arms, so a real A/B gets more rounds).
constexpr std::size_t kDefaultBudgetRounds = 24;
constexpr double kRunCv = 0.02;

TEST(BaselineRuns, DunnettsSquareRootRoundedAndBounded) {
  EXPECT_EQ(baseline_runs_per_round(0), 1u);
  EXPECT_EQ(baseline_runs_per_round(1), 1u);
  EXPECT_EQ(baseline_runs_per_round(2), 1u);  // sqrt 1.41
  EXPECT_EQ(baseline_runs_per_round(3), 2u);  // the A/A: baseline, A, B, C
  EXPECT_EQ(baseline_runs_per_round(5), 2u);  // the default arms
  EXPECT_EQ(baseline_runs_per_round(7), 3u);  // the default arms and the controls
  EXPECT_EQ(baseline_runs_per_round(40), 3u);
}

// One simulated A/B: `effects` (log-ratios, one per arm) over `rounds` rounds, each run's log s/proof
// normal with sd `cv`; every arm paired with the mean of the round's baseline runs, as ab does.
std::vector<ArmDecision> simulate(Normal& rng, const std::vector<double>& effects, std::size_t rounds,
                                  const DecisionRule& rule, double cv = kRunCv) {
  std::vector<std::vector<double>> d(effects.size());
  const std::size_t baseline_runs = baseline_runs_per_round(effects.size());
  for (std::size_t r = 0; r < rounds; ++r) {
    double base = 0;
    for (std::size_t i = 0; i < baseline_runs; ++i) base += cv * rng.next() / static_cast<double>(baseline_runs);
    for (std::size_t a = 0; a < effects.size(); ++a) d[a].push_back(effects[a] + cv * rng.next() - base);
  }
  std::vector<ArmDecision> out;
  for (const auto& x : d) out.push_back(decide(x, rule));
  return out;
}

// M_n(mu) from its definition (sums around mu), independent of the closed form's algebra.
double mixture_martingale(const std::vector<double>& x, double mu, double c) {
  double s = 0, v = 0;
  for (double xi : x) {
    s += xi - mu;
    v += (xi - mu) * (xi - mu);
  }
  const double n = static_cast<double>(x.size());
  return std::sqrt(c / (n + c)) * std::pow(1 - s * s / ((n + c) * v), -n / 2);
}

TEST(LaiInterval, ItsEndsAreWhereTheMixtureMartingaleReachesOneOverAlpha) {
  const std::vector<double> x{0.012, -0.004, 0.031, 0.008, 0.017, -0.011, 0.022, 0.005, 0.014, 0.009};
  for (const double alpha : {0.05, 0.01}) {
    const Interval ci = lai_interval(x, alpha);
    ASSERT_TRUE(std::isfinite(ci.lo) && std::isfinite(ci.hi));
    EXPECT_NEAR(mixture_martingale(x, ci.lo, kLaiMixture), 1 / alpha, 1e-6 / alpha);
    EXPECT_NEAR(mixture_martingale(x, ci.hi, kLaiMixture), 1 / alpha, 1e-6 / alpha);
    // Inside, below 1/alpha; outside, above.
    EXPECT_LT(mixture_martingale(x, (ci.lo + ci.hi) / 2, kLaiMixture), 1 / alpha);
    EXPECT_GT(mixture_martingale(x, ci.hi + 0.001, kLaiMixture), 1 / alpha);
  }
}

TEST(LaiInterval, UnboundedUntilTheRoundsCanBoundItThenNarrowing) {
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(lai_half_width(1, 1.0, 0.01), inf);
  EXPECT_EQ(lai_half_width(5, 1.0, 0.01), inf);  // k = 5.33 > 5 at alpha 0.01, c = 1
  EXPECT_TRUE(std::isfinite(lai_half_width(6, 1.0, 0.01)));
  double last = inf;
  for (std::size_t n = 6; n < 200; n += 7) {
    const double w = lai_half_width(n, 1.0, 0.01);
    EXPECT_LT(w, last) << n;
    last = w;
  }
  // Wider than the fixed-n z interval (the price of looking every round), but not by 3x at n = 30.
  const double z = 2.5758 / std::sqrt(30.0);
  EXPECT_GT(lai_half_width(30, 1.0, 0.01), z);
  EXPECT_LT(lai_half_width(30, 1.0, 0.01), 3 * z);
}

TEST(SequentialRule, UnderTheNullAtMostFivePercentOfFamiliesCallAnyArm) {
  Normal rng(20261207);
  DecisionRule rule;
  rule.family = kDefaultFamily;
  const std::size_t families = 2000;
  std::size_t wrong = 0;
  for (std::size_t f = 0; f < families; ++f) {
    const auto d = simulate(rng, std::vector<double>(kDefaultFamily, 0.0), 120, rule);
    for (const auto& a : d)
      if (a.answer == Answer::kFaster || a.answer == Answer::kSlower) {
        ++wrong;
        break;
      }
  }
  std::printf("null: %zu of %zu families called an arm faster or slower within 120 rounds\n", wrong, families);
  EXPECT_LE(static_cast<double>(wrong) / families, 0.05);
}

TEST(SequentialRule, ATrueThreePercentChangeIsCalledWithinTheDefaultBudget) {
  Normal rng(7);
  DecisionRule rule;
  rule.family = kDefaultFamily;
  const std::size_t families = 2000;
  std::size_t slower = 0, faster = 0, wrong_sign = 0;
  for (std::size_t f = 0; f < families; ++f) {
    std::vector<double> effects(kDefaultFamily, 0.0);
    effects[0] = std::log(1.03);
    effects[1] = std::log(0.97);
    const auto d = simulate(rng, effects, kDefaultBudgetRounds, rule);
    slower += d[0].answer == Answer::kSlower;
    faster += d[1].answer == Answer::kFaster;
    wrong_sign += (d[0].answer == Answer::kFaster) + (d[1].answer == Answer::kSlower);
  }
  std::printf("3%% at 2%% CV, %zu rounds: +3%% called slower %zu, -3%% called faster %zu of %zu; wrong sign %zu\n",
              kDefaultBudgetRounds, slower, faster, families, wrong_sign);
  EXPECT_GE(static_cast<double>(slower) / families, 0.80);
  EXPECT_GE(static_cast<double>(faster) / families, 0.80);
  EXPECT_EQ(wrong_sign, 0u);
}

TEST(SequentialRule, EquivalenceIsClaimedForAChangeAtTheMarginInAtMostFivePercent) {
  Normal rng(11);
  DecisionRule rule;  // family 1: the whole 5% on this one arm, the hardest case
  const std::size_t families = 2000;
  std::size_t claimed = 0;
  for (std::size_t f = 0; f < families; ++f) {
    const double effect = std::log1p((f % 2 == 0 ? 1 : -1) * rule.margin_pct / 100);
    const std::vector<ArmDecision> d = simulate(rng, {effect}, 300, rule);
    claimed += !d.empty() && d.front().answer == Answer::kEquivalent;
  }
  std::printf("true change at the +-%.0f%% margin: equivalence claimed in %zu of %zu within 300 rounds\n",
              rule.margin_pct, claimed, families);
  EXPECT_LE(static_cast<double>(claimed) / families, 0.05);
}

TEST(SequentialRule, IdenticalArmsAreFoundEquivalentGivenTheRounds) {
  Normal rng(13);
  DecisionRule rule;
  rule.family = kDefaultFamily;
  std::size_t equivalent = 0, rounds = 0;
  const std::size_t families = 500;
  for (std::size_t f = 0; f < families; ++f) {
    const auto d = simulate(rng, {0.0}, 120, rule);
    equivalent += d[0].answer == Answer::kEquivalent;
    rounds += d[0].n;
  }
  std::printf("identical arms: equivalent in %zu of %zu, mean %.1f rounds\n", equivalent, families,
              static_cast<double>(rounds) / families);
  EXPECT_GE(static_cast<double>(equivalent) / families, 0.95);
}

TEST(SequentialRule, SequentialKeepsItsFirstAnswerAndFixedLooksOnceAtTheEnd) {
  // A clear early difference, then rounds that pull the mean back to 0.
  std::vector<double> d;
  for (int i = 0; i < 10; ++i) d.push_back(-0.05 + 0.001 * (i % 3));
  for (int i = 0; i < 10; ++i) d.push_back(0.05 + 0.001 * (i % 3));
  DecisionRule seq;
  const ArmDecision s = decide(d, seq);
  EXPECT_EQ(s.answer, Answer::kFaster);
  EXPECT_LT(s.decided_at, 10u);
  EXPECT_EQ(s.n, s.decided_at);
  EXPECT_LT(s.ci_pct.hi, 0);

  DecisionRule fixed;
  fixed.design = DecisionRule::Design::kFixed;
  const ArmDecision f = decide(d, fixed);
  EXPECT_EQ(f.n, d.size());
  EXPECT_EQ(f.answer, Answer::kUndecided);
  EXPECT_GT(f.rounds_to_decide, d.size());
}

TEST(SequentialRule, AnUndecidedArmSaysHowManyRoundsWouldDecideIt) {
  Normal rng(3);
  DecisionRule rule;
  rule.family = kDefaultFamily;
  std::vector<double> d;
  for (int i = 0; i < 8; ++i) d.push_back(std::log(1.03) + 0.028 * rng.next());
  const ArmDecision a = decide(d, rule);
  ASSERT_EQ(a.answer, Answer::kUndecided);
  ASSERT_GT(a.rounds_to_decide, d.size());
  // At that many rounds the same estimate and spread decide.
  const double s = a.sd_log * std::sqrt((d.size() - 1.0) / d.size());
  const double hw = lai_half_width(a.rounds_to_decide, s, rule.arm_alpha());
  const double m = std::log1p(a.change_pct / 100);
  const double room = std::max(std::fabs(m), std::min(std::log1p(rule.margin_pct / 100) - m,
                                                      m - std::log1p(-rule.margin_pct / 100)));
  EXPECT_LT(hw, room);
  EXPECT_GE(lai_half_width(a.rounds_to_decide - 1, s, rule.arm_alpha()), room);
}

TEST(SequentialRule, DecidableChangeMatchesTheSimulatedPower) {
  const double change = decidable_change_pct(kRunCv, kDefaultBudgetRounds, kDefaultFamily, 2);
  EXPECT_GT(change, 1.0);
  EXPECT_LT(change, 3.0);  // the "3% at 2% CV within a few minutes"
  EXPECT_LT(decidable_change_pct(kRunCv, 60, kDefaultFamily, 2), change);
  EXPECT_GT(decidable_change_pct(2 * kRunCv, kDefaultBudgetRounds, kDefaultFamily, 2), change);
  EXPECT_TRUE(std::isinf(decidable_change_pct(kRunCv, 3, kDefaultFamily, 2)));
  // The planning figure is conservative: an arm with that change is called in >= ~80% (it only
  // counts the last round; the rule also stops earlier).
  Normal rng(17);
  DecisionRule rule;
  rule.family = kDefaultFamily;
  std::size_t called = 0;
  const std::size_t families = 1000;
  for (std::size_t f = 0; f < families; ++f)
    called += simulate(rng, {std::log1p(change / 100), 0, 0, 0, 0}, kDefaultBudgetRounds, rule)[0].answer ==
              Answer::kSlower;
  std::printf("decidable change %.2f%%: called in %zu of %zu\n", change, called, families);
  EXPECT_GE(static_cast<double>(called) / families, 0.78);
}

TEST(PairingGain, RoundsThatShareNoiseGainAndIndependentOnesDoNot) {
  Normal rng(5);
  std::vector<double> a, b, ai, bi;
  for (int r = 0; r < 400; ++r) {
    const double round = 0.03 * rng.next();  // drift shared by a round's runs
    a.push_back(round + 0.01 * rng.next());
    b.push_back(round + 0.01 * rng.next());
    ai.push_back(0.01 * rng.next());
    bi.push_back(0.01 * rng.next());
  }
  EXPECT_GT(pairing_gain(a, b), 5.0);  // (9 + 1) / 1 = 10 in expectation
  EXPECT_NEAR(pairing_gain(ai, bi), 1.0, 0.2);
  EXPECT_EQ(pairing_gain(std::vector<double>{1, 2}, std::vector<double>{1, 2}), 0.0);
}

}  // namespace
}  // namespace zkc::analysis
