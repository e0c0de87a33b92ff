// xoshiro256**: small, fast and specified bit for bit (unlike the standard distributions), so what
// the generators draw from it is the same with every standard library. Satisfies
// UniformRandomBitGenerator.
#pragma once

#include <cstdint>
#include <limits>

#include "kernels/random/splitmix.hpp"

namespace zkc {

class Xoshiro256 {
 public:
  using result_type = std::uint64_t;
  // One stream per (seed, stream, phase): the matrix generator's blocks and passes.
  Xoshiro256(std::uint64_t seed, std::uint64_t stream, std::uint64_t phase) {
    std::uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ULL) ^ (phase * 0x8CB92BA72F3D8DD7ULL);
    for (auto& w : s_) w = splitmix64(sm);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n) by multiply-shift; the bias (n / 2^64) is far below anything measurable here.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>((*this)()) * n) >> 64);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

}  // namespace zkc
