// Rounds a host noise burst disturbed: on a shared or virtual machine the host sometimes slows every
// run for a minute or two (measured here: every run of 10 rounds 10-35% slower, no steal, no other
// process visible), which widens every arm's interval until nothing can be decided. Such a round is
// found without looking at which arm ran which run: its level, the median log s/proof of all its runs
// at the point (every arm, the baseline's runs, the controls), lies more than kDisturbedRoundPct
// above the median level of all rounds before it (at least kDisturbedRoundHistory of them). The
// round is then counted in no arm's ratio; its runs stay in ab.csv and the report names it.
//
// Why this keeps the rule's error rates: the choice depends on the round's overall level only. For
// normal runs a round's mean and its runs' deviations from it are independent, so the contrasts of
// the rounds kept (an arm against the baseline) have the distribution they would have had anyway;
// the median is the mean's robust stand-in. Only slower rounds are set aside (a burst slows), and a
// lasting change of level is counted again once it is the median of the rounds before.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/stats/measurement.hpp"

namespace zkc::analysis {

inline constexpr double kDisturbedRoundPct = 8.0;
inline constexpr std::size_t kDisturbedRoundHistory = 3;

struct DisturbedRound {
  int round = 0;               // Measurement::repeat
  double level_change_pct = 0;  // its level against the median level of the rounds before
};

// The disturbed rounds of `point` for `metric` (higher = slower), in round order.
std::vector<DisturbedRound> disturbed_rounds(std::span<const Measurement> data, std::string_view metric,
                                             std::string_view point);

// "rounds 18-27 and 31 (every run of the round 10-35% slower than the rounds before: a host burst)";
// "" when none.
std::string disturbed_rounds_text(const std::vector<DisturbedRound>& rounds);

}  // namespace zkc::analysis
