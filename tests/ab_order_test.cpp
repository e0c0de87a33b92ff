// The A/B's arm order: balanced rounds are rotations of one seeded permutation (each arm in each
// position once over as many rounds as arms), random rounds are seeded shuffles, fixed is declared.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <set>
#include <vector>

#include "harness/cli/ab_order.hpp"

namespace zkc::cli {
namespace {

using Order = std::vector<std::size_t>;

bool is_permutation_of(const Order& o, std::size_t n) {
  Order sorted = o;
  std::sort(sorted.begin(), sorted.end());
  Order iota(n);
  std::iota(iota.begin(), iota.end(), 0);
  return sorted == iota;
}

TEST(AbOrder, FixedIsTheDeclaredOrder) {
  EXPECT_EQ(round_order(4, OrderMode::kFixed, 9, 2, 3), (Order{0, 1, 2, 3}));
}

TEST(AbOrder, BalancedPutsEveryArmInEveryPositionOnce) {
  const std::size_t arms = 6;
  std::vector<std::set<std::size_t>> positions(arms);
  for (int r = 0; r < 6; ++r) {
    const Order o = round_order(arms, OrderMode::kBalanced, 42, r, 6);
    ASSERT_TRUE(is_permutation_of(o, arms));
    for (std::size_t p = 0; p < arms; ++p) positions[o[p]].insert(p);
  }
  for (std::size_t a = 0; a < arms; ++a) EXPECT_EQ(positions[a].size(), arms) << "arm " << a;
}

TEST(AbOrder, BalancedWithFewRoundsSpreadsTheFirstPosition) {
  // 3 rounds of 6 arms (the default ab): rotations by 0, 2, 4, so no arm is first twice and the
  // baseline does not always run first, as it did in the fixed order.
  std::set<std::size_t> first;
  for (int r = 0; r < 3; ++r) first.insert(round_order(6, OrderMode::kBalanced, 7, r, 3).front());
  EXPECT_EQ(first.size(), 3u);
  const Order r0 = round_order(6, OrderMode::kBalanced, 7, 0, 3), r1 = round_order(6, OrderMode::kBalanced, 7, 1, 3);
  for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(r1[i], r0[(i + 2) % 6]);
}

TEST(AbOrder, SeededAndReproducible) {
  EXPECT_EQ(round_order(5, OrderMode::kRandom, 11, 1, 3), round_order(5, OrderMode::kRandom, 11, 1, 3));
  EXPECT_EQ(round_order(5, OrderMode::kBalanced, 11, 0, 3), round_order(5, OrderMode::kBalanced, 11, 0, 3));
  // Different seeds give different orders for some round (5! = 120 orders).
  bool differs = false;
  for (int r = 0; r < 3; ++r)
    differs = differs || round_order(5, OrderMode::kRandom, 11, r, 3) != round_order(5, OrderMode::kRandom, 12, r, 3);
  EXPECT_TRUE(differs);
  for (int r = 0; r < 3; ++r) EXPECT_TRUE(is_permutation_of(round_order(5, OrderMode::kRandom, 3, r, 3), 5));
}

TEST(AbOrder, ParsesItsModesOnly) {
  EXPECT_EQ(parse_order_mode("balanced"), OrderMode::kBalanced);
  EXPECT_EQ(parse_order_mode("fixed"), OrderMode::kFixed);
  EXPECT_EQ(parse_order_mode("random"), OrderMode::kRandom);
  EXPECT_FALSE(parse_order_mode("shuffled").has_value());
  EXPECT_EQ(to_string(OrderMode::kRandom), "random");
}

TEST(AbOrder, TheBaselinesExtraRunsAreSpreadOverTheRoundFromItsPlace) {
  // Baseline 0 third of 6 arms, run twice: its place and half a round of 7 later.
  EXPECT_EQ(with_baseline_runs({3, 4, 0, 5, 1, 2}, 0, 2), (std::vector<std::size_t>{3, 4, 0, 5, 1, 0, 2}));
  // Three times in a round of 10, wrapping round the end.
  const std::vector<std::size_t> order{1, 2, 3, 4, 5, 6, 7, 0};
  const auto round = with_baseline_runs(order, 0, 3);
  ASSERT_EQ(round.size(), 10u);
  EXPECT_EQ(std::count(round.begin(), round.end(), 0u), 3);
  std::vector<std::size_t> others;
  for (std::size_t a : round)
    if (a != 0) others.push_back(a);
  EXPECT_EQ(others, (std::vector<std::size_t>{1, 2, 3, 4, 5, 6, 7}));  // the arms keep their order
  EXPECT_EQ(round[7], 0u);                                            // where the order put it
  // Once, or with no baseline in the round: the order as it is.
  EXPECT_EQ(with_baseline_runs(order, 0, 1), order);
  EXPECT_EQ(with_baseline_runs({1, 2}, 0, 3), (std::vector<std::size_t>{1, 2}));
}

}  // namespace
}  // namespace zkc::cli
