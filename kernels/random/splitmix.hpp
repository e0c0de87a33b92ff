// splitmix64 and the seed derivation built on it: the one source of deterministic seeds for the
// generators (matrices, SRS points, witnesses), specified bit for bit so results do not depend on
// the standard library.
#pragma once

#include <cstdint>

namespace zkc {

inline constexpr std::uint64_t kGoldenGamma = 0x9E3779B97F4A7C15ULL;

// splitmix64's finalizer: a bijection on 64-bit words, so distinct inputs give distinct outputs.
constexpr std::uint64_t mix64(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

// The next output of the splitmix64 stream whose state is `state`.
constexpr std::uint64_t splitmix64(std::uint64_t& state) { return mix64(state += kGoldenGamma); }

// The seed of sub-stream `stream` of `seed` (matrix A/B/C, SRS section, partition ...): distinct
// streams of one seed get distinct seeds.
constexpr std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t stream) {
  return mix64(seed ^ ((stream + 1) * kGoldenGamma));
}

}  // namespace zkc
