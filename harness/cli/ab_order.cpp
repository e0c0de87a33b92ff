#include "harness/cli/ab_order.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>

#include "kernels/random/splitmix.hpp"

namespace zkc::cli {
namespace {

// Fisher-Yates with a specified generator: the same seed gives the same order everywhere.
std::vector<std::size_t> permutation(std::size_t n, std::uint64_t seed, std::uint64_t stream) {
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::uint64_t state = derive_seed(seed, stream);
  for (std::size_t i = n; i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);
  return order;
}

}  // namespace

std::optional<OrderMode> parse_order_mode(std::string_view text) {
  if (text == "balanced") return OrderMode::kBalanced;
  if (text == "random") return OrderMode::kRandom;
  if (text == "fixed") return OrderMode::kFixed;
  return std::nullopt;
}

std::string_view to_string(OrderMode mode) {
  switch (mode) {
    case OrderMode::kBalanced: return "balanced";
    case OrderMode::kRandom: return "random";
    case OrderMode::kFixed: break;
  }
  return "fixed";
}

std::vector<std::size_t> round_order(std::size_t arms, OrderMode mode, std::uint64_t seed, int round, int rounds) {
  if (mode == OrderMode::kFixed || arms == 0) {
    std::vector<std::size_t> order(arms);
    std::iota(order.begin(), order.end(), 0);
    return order;
  }
  if (mode == OrderMode::kRandom) return permutation(arms, seed, static_cast<std::uint64_t>(round) + 1);
  // Balanced: rotations of one permutation. With R < arms rounds the offsets are spread evenly
  // (0, arms/R, 2 arms/R, ...) so each arm's positions span the round rather than bunching at the start.
  const std::vector<std::size_t> base = permutation(arms, seed, 0);
  const std::size_t cycle = std::min<std::size_t>(arms, static_cast<std::size_t>(std::max(rounds, 1)));
  const std::size_t r = static_cast<std::size_t>(std::max(round, 0)) % cycle;
  const std::size_t offset = r * arms / cycle;
  std::vector<std::size_t> order(arms);
  for (std::size_t i = 0; i < arms; ++i) order[i] = base[(i + offset) % arms];
  return order;
}

std::uint64_t fresh_order_seed() {
  const auto now = std::chrono::system_clock::now().time_since_epoch().count();
  // Kept small enough to type back in (--order-seed) and to survive JSON readers as a number.
  return mix64(static_cast<std::uint64_t>(now)) % 1000000000ULL;
}

std::vector<std::size_t> with_baseline_runs(const std::vector<std::size_t>& order, std::size_t baseline,
                                            std::size_t baseline_runs) {
  const auto at = std::find(order.begin(), order.end(), baseline);
  if (at == order.end() || baseline_runs <= 1) return order;
  std::vector<std::size_t> others;
  for (const std::size_t a : order)
    if (a != baseline) others.push_back(a);
  const std::size_t total = others.size() + baseline_runs;
  const auto first = static_cast<std::size_t>(at - order.begin());
  std::vector<bool> is_baseline(total, false);
  for (std::size_t i = 0; i < baseline_runs; ++i) is_baseline[(first + i * total / baseline_runs) % total] = true;
  std::vector<std::size_t> out;
  std::size_t next = 0;
  for (std::size_t p = 0; p < total; ++p) out.push_back(is_baseline[p] ? baseline : others[next++]);
  return out;
}

}  // namespace zkc::cli
