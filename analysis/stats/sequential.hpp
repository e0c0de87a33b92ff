// Decisions an A/B can act on, kept valid although `ab` looks at its data after every round and
// stops when it has its answer.
//
// The primary question: is an arm's s/proof faster, slower or the same (within a margin) as the
// baseline's? Each round runs every undecided arm and the baseline once, so an arm's evidence is its
// per-round log-ratio d_r = ln(arm_r / baseline_r) (paired by round: drift between rounds cancels).
// Its mean is the log of the geometric-mean ratio.
//
// The interval is Lai's t-mixture confidence sequence (T. L. Lai, "On confidence sequences", Annals
// of Statistics 4(2), 1976; see also Howard, Ramdas, McAuliffe and Sekhon, "Time-uniform,
// nonparametric, nonasymptotic confidence sequences", Annals of Statistics 49(2), 2021, and Wang and
// Ramdas, "Anytime-valid t-tests and confidence sequences for Gaussian means with unknown variance",
// 2023). For i.i.d. normal d with unknown mean and variance, the scale-invariant likelihood ratio mixed
// over a N(0, 1/c) prior on the standardized effect is
//     M_n(mu) = sqrt(c / (n + c)) * (1 - S_n(mu)^2 / ((n + c) V_n(mu)))^(-n/2),
//     S_n = sum (d_i - mu),  V_n = sum (d_i - mu)^2,
// a nonnegative martingale with M_1 = 1 under mu, so by Ville's inequality P(exists n: M_n(mu) >= 1/a)
// <= a. {mu : M_n(mu) < 1/a} is, in closed form, mean(d) +- sqrt(k s2 / (n - k)) with
// s2 = sum (d_i - mean)^2 / n and k = (n + c)(1 - (a^2 c / (n + c))^(1/n)), unbounded while n <= k.
// Because it holds for every n at once, it holds at whatever round `ab` stops at, however the
// stopping was chosen: the error rates below survive looking at the data after every round.
//
// Why this one: run times are close to log-normal (so d is close to normal), their spread is unknown
// and differs per machine, and the test must be right at the 6 to 40 rounds a few minutes allow;
// Lai's sequence needs no variance guess (a normal-mixture SPRT does), no planned maximum (a
// group-sequential design's alpha spending does) and no bounds on the data (betting sequences do).
//
// The family: every arm compared with the baseline is one family; each arm's sequence is at level
// alpha / family (Bonferroni), so P(any arm's interval ever misses its true ratio) <= alpha under any
// dependence between the arms (they share the baseline's runs). Hence:
//   faster / slower  the interval of the ratio excludes 1: wrong sign or no effect with P <= alpha
//   equivalent       the interval lies inside [1 - margin, 1 + margin]: claimed for a true change at
//                    (or beyond) the margin with P <= alpha
//   undecided        neither, with the interval and the rounds that would decide it at this spread.
// An arm is decided at the first round either holds, and keeps that answer (ab stops running it).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {

enum class Answer { kFaster, kSlower, kEquivalent, kUndecided };
std::string_view to_string(Answer a);  // "faster", "slower", "equivalent", "undecided"

// Lai's mixture parameter: the prior precision of the standardized effect. c = 1 keeps the interval
// near its tightest for the 10 to 40 rounds a default A/B reaches (simulation: tests/analysis_sequential_test).
inline constexpr double kLaiMixture = 1.0;
inline constexpr double kDefaultMarginPct = 2.0;

struct DecisionRule {
  enum class Design {
    kSequential,  // decided at the first round the interval allows (ab's default)
    kFixed,       // `--repeats N`: the same interval, looked at once after the last round
  };
  Design design = Design::kSequential;
  double alpha = kFamilyAlpha;  // family-wise
  std::size_t family = 1;       // arms compared with the baseline
  double margin_pct = kDefaultMarginPct;
  double mixture = kLaiMixture;

  double arm_alpha() const { return alpha / static_cast<double>(family == 0 ? 1 : family); }
};
std::string_view to_string(DecisionRule::Design d);  // "sequential", "fixed"

// Lai's confidence sequence for the mean of `x` at level `alpha`, with its mixture `c`: unbounded
// (lo = -inf, hi = +inf) while the first n values cannot bound it (n <= k; always for n < 2).
Interval lai_interval(std::span<const double> x, double alpha, double c = kLaiMixture);

struct ArmDecision {
  Answer answer = Answer::kUndecided;
  std::size_t n = 0;           // rounds looked at (the decision's round when decided)
  std::size_t decided_at = 0;  // that round, 1-based; 0 = undecided
  double change_pct = 0;       // 100 (exp(mean d) - 1): the geometric-mean ratio's change
  Interval ci_pct;             // the interval of that change; infinite while unbounded
  double sd_log = 0;           // sample sd of d (n - 1): the paired spread
  bool within_margin = false;  // faster/slower, and the interval also inside the margin
  // Undecided: rounds in all at which the interval would decide at this estimate and spread (0 = not
  // estimable yet: fewer than 2 rounds, or a spread of 0).
  std::size_t rounds_to_decide = 0;
};

// The rule applied to the log-ratios in round order: sequential replays rounds 1..n and stops at the
// first decision (so it equals what `ab` decided live); fixed looks once at all of them.
ArmDecision decide(std::span<const double> log_ratios, const DecisionRule& rule);

// Half-width of the rule's interval (log scale) after `rounds` rounds at sample spread `sd` (n
// denominator): +inf while unbounded. What decide() uses; exposed for planning.
double lai_half_width(std::size_t rounds, double sd, double alpha, double c = kLaiMixture);

// How many baseline runs each round holds when `compared` arms (controls included) are compared with
// it: round(sqrt(compared)) in [1, 3], Dunnett's allocation for many-to-one comparisons (C. W. Dunnett,
// "A multiple comparison procedure for comparing several treatments with a control", JASA 50, 1955:
// the control's share that minimises each contrast's variance for a given number of runs is sqrt(k)
// runs per treatment run). Every arm's round ratio is then against the mean log of the round's
// baseline runs, so its variance falls from 2 to (1 + 1/b) run variances: at 5 arms, a round of 7 runs
// decides what a round of 6 decided in 1/0.75 as many rounds, 12% less time. Fixed per A/B (from the
// arms it starts with), so every round's ratio has the same spread, as the sequence assumes.
std::size_t baseline_runs_per_round(std::size_t compared);

// The smallest true change (percent) the sequential rule calls with the right sign with probability
// about `power` within `rounds` rounds, when each run's s/proof has coefficient of variation `run_cv`
// (a fraction), runs are independent and each round holds `baseline_runs` baseline runs (the paired
// log-ratio's sd is sqrt(1 + 1/b) run_cv), with `family` arms compared at family-wise `alpha`. A normal
// approximation for planning (`probe --noise`), not a guarantee; +inf when `rounds` cannot bound the
// interval.
double decidable_change_pct(double run_cv, std::size_t rounds, std::size_t family, std::size_t baseline_runs,
                            double alpha = kFamilyAlpha, double power = 0.8);

// How much pairing by round helps: (var(arm) + var(baseline)) / var(arm - baseline), per round on the
// log scale. 1 = none (runs independent), > 1 = rounds share noise that pairing cancels. 0 when
// fewer than 3 pairs or a spread of 0.
double pairing_gain(std::span<const double> log_arm, std::span<const double> log_base);

}  // namespace zkc::analysis
