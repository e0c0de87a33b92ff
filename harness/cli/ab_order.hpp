// The order an A/B runs its arms in, round by round (a round = one repeat of every arm). A fixed
// order lets anything that drifts with position (the first run after a pause, the run after the
// heaviest arm) land on one arm every round: in the default order the baseline ran first and was
// 10-15% slower than identical copies of itself. So by default each round is a rotation of one seeded
// permutation (balanced: over as many rounds as arms, each arm holds each position once, and with
// fewer rounds the rotations are spread over the positions); `random` shuffles every round afresh;
// `fixed` is the declared order. The seed is printed and recorded in ab.json.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkc::cli {

enum class OrderMode { kBalanced, kRandom, kFixed };

inline constexpr std::string_view kOrderModes = "balanced, random, fixed";
std::optional<OrderMode> parse_order_mode(std::string_view text);
std::string_view to_string(OrderMode mode);

// The arm indices of round `round` of `rounds` for `arms` arms.
std::vector<std::size_t> round_order(std::size_t arms, OrderMode mode, std::uint64_t seed, int round, int rounds);

// A round's runs: `order` (arm indices in run order, `baseline` among them) with the baseline run
// `baseline_runs` times, its runs spread evenly over the round from the place the order gave it, so
// position effects reach its mean as they reach the arms. Without the baseline in `order`, `order`.
std::vector<std::size_t> with_baseline_runs(const std::vector<std::size_t>& order, std::size_t baseline,
                                            std::size_t baseline_runs);

// A seed when none was given: from the clock, so successive A/Bs differ (it is recorded either way).
std::uint64_t fresh_order_seed();

}  // namespace zkc::cli
