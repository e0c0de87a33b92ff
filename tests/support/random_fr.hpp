// Deterministic random Fr vectors for tests (one seed, one vector).
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <vector>

#include "kernels/field/fr.hpp"

namespace zkc::test_support {

inline std::vector<Fr> random_fr_vector(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Fr> v(n);
  for (auto& x : v) x = Fr::random(rng);
  return v;
}

}  // namespace zkc::test_support
