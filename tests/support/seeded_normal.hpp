// Deterministic normal variates for the statistics tests' simulations: splitmix64 uniforms through
// Box-Muller, so a seed gives the same families on every machine.
#pragma once

#include <cmath>
#include <cstdint>
#include <numbers>

#include "kernels/random/splitmix.hpp"

namespace zkc::test {

class Normal {
 public:
  explicit Normal(std::uint64_t seed) : state_(seed) {}
  double uniform() { return (static_cast<double>(splitmix64(state_) >> 11) + 0.5) / 9007199254740992.0; }
  double next() { return std::sqrt(-2 * std::log(uniform())) * std::cos(2 * std::numbers::pi * uniform()); }

 private:
  std::uint64_t state_;
};

}  // namespace zkc::test
