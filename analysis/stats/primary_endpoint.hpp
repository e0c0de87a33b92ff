// The A/B's one primary question, asked of every arm: is its s/proof (the metric catalog's
// kGroupPrimary) faster, slower or the same within a margin as the baseline's? Answered by the
// sequential rule (sequential.hpp) on each arm's per-round log-ratios against the baseline runs of the
// same round (Measurement::repeat is the round; the mean log of its runs when it has several). `ab` calls decide_primary after every round to know
// which arms are decided and when to stop, and the verdict calls it on ab.csv as written, so the
// terminal, report.html/md and ab.json give the same answers.
//
// Controls (`ab --controls`) run in the same rounds and are judged by the same rule at the same
// per-arm level, outside the family (they never widen it): a copy of the baseline should come out
// equivalent, the baseline with a known extra cost in synthesis should come out slower.
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/stats/measurement.hpp"
#include "analysis/stats/sequential.hpp"

namespace zkc::analysis {

struct ControlArm {
  std::string arm;       // "neg-control"
  Answer expect = Answer::kEquivalent;
  std::string what;      // "a copy of the baseline", "the baseline + 3% of a partition's work, in synthesis"
};

// How an A/B was designed and how it ended (ab.json's "design"); a sweep or an older ab.json has the
// defaults: a fixed design over whatever repeats there are.
struct PrimaryDesign {
  DecisionRule rule{.family = 0};  // family 0: the arms at each point other than the baseline and controls
  std::vector<ControlArm> controls;
  std::size_t rounds = 0;      // rounds run
  std::size_t baseline_runs = 1;  // baseline runs per round (baseline_runs_per_round); older ab.json: 1
  double budget_s = 0;         // sequential: the wall-time budget (0 = none)
  std::size_t max_rounds = 0;  // sequential: the round limit
  double elapsed_s = 0;        // the A/B's wall time when it stopped
  std::string stopped;         // why it stopped: "every arm decided", "budget spent", ...
  bool recorded = false;       // read from ab.json (false: defaults)
};

struct PrimaryDecision {
  std::string point, arm;
  std::optional<ControlArm> control;  // set for a control arm
  std::size_t family = 0;             // the family this arm's level was divided by
  ArmDecision decision;
  double pairing_gain = 0;            // pairing_gain() of its rounds (0: too few)
  std::size_t rounds_not_counted = 0;  // its rounds a host burst disturbed (disturbed_rounds.hpp)
  // A control: whether the rule's answer is the expected one (undecided is not).
  bool correct() const { return control && decision.answer == control->expect; }
};

// The primary metric's name (the catalog's one kGroupPrimary metric): "s_per_proof".
const std::string& primary_metric();

// One decision per (point, arm other than the baseline) that has primary data, in first-appearance
// order. Pairs are the rounds where both the arm and the baseline have a value at that point, less the
// rounds a host burst disturbed (disturbed_rounds.hpp, label-blind); a round's value is the mean log of
// that arm's runs in it.
std::vector<PrimaryDecision> decide_primary(std::span<const Measurement> data, const std::string& baseline_arm,
                                            const PrimaryDesign& design);

// The decision of (point, arm), or nullptr.
const PrimaryDecision* find_decision(std::span<const PrimaryDecision> decisions, std::string_view point,
                                     std::string_view arm);

// "faster by 12.3%", "equivalent within +-2%", "undecided (~41 rounds would decide it)": the answer
// alone; change_interval_text gives the interval beside it.
std::string answer_text(const PrimaryDecision& d, const DecisionRule& rule);
// The change with its interval: "-12.3% [-16.0, -8.1]"; an unbounded end shows as "..".
std::string change_interval_text(const ArmDecision& d);
// "sequential (Lai's confidence sequence), 5% family-wise over 5 arms, margin +-2%".
std::string rule_text(const DecisionRule& rule, std::size_t family);

}  // namespace zkc::analysis
