// The host-built tables of a device NTT domain (host C++, used by DeviceNttDomain and the host
// emulation test): the shared-memory stages' twiddles in the CPU's stage layout, two-level power
// tables for the top stage's twiddles and the coset powers (see ntt_body.cuh), 1/n and
// 1/(g^n - 1). At 2^27 they are under 2 MiB in all, against 4 GiB for full twiddle tables.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/cuda/ntt_body.cuh"
#include "kernels/field/fr.hpp"

namespace zkc::cuda {

// base^e = lo[e mod 2^lo_bits] * hi[e >> lo_bits] for e < 2^bits.
struct PowerTable {
  std::vector<Fr> lo;
  std::vector<Fr> hi;
  unsigned lo_bits = 0;

  Fr operator()(std::uint64_t e) const { return lo[e & ((std::uint64_t{1} << lo_bits) - 1)] * hi[e >> lo_bits]; }
};

inline PowerTable build_power_table(const Fr& base, unsigned bits) {
  PowerTable t;
  t.lo_bits = (bits + 1) / 2;
  t.lo.resize(std::size_t{1} << t.lo_bits);
  t.hi.resize(std::size_t{1} << (bits - t.lo_bits));
  t.lo[0] = Fr::one();
  for (std::size_t i = 1; i < t.lo.size(); ++i) t.lo[i] = t.lo[i - 1] * base;
  const Fr step = t.lo.back() * base;  // base^(2^lo_bits)
  t.hi[0] = Fr::one();
  for (std::size_t i = 1; i < t.hi.size(); ++i) t.hi[i] = t.hi[i - 1] * step;
  return t;
}

// The primitive 2^log_n-th root of unity of kernels/ntt (generator^((r - 1) / 2^32), squared
// down), without building an NttDomain's n-entry tables.
inline Fr fr_root_of_unity(unsigned log_n) {
  if (log_n > kFrTwoAdicity) {
    throw std::invalid_argument("fr_root_of_unity: log_n = " + std::to_string(log_n) + " exceeds the two-adicity " +
                                std::to_string(kFrTwoAdicity));
  }
  std::array<std::uint64_t, 4> e{};
  std::array<std::uint64_t, 4> rm1 = Fr::modulus();
  rm1[0] -= 1;
  for (std::size_t i = 0; i < 4; ++i) {
    e[i] = rm1[i] >> kFrTwoAdicity;
    if (i + 1 < 4) e[i] |= rm1[i + 1] << (64 - kFrTwoAdicity);
  }
  Fr w = Fr::from_u64(kFrGenerator).pow(std::span<const std::uint64_t>(e));
  for (unsigned i = log_n; i < kFrTwoAdicity; ++i) w = w.square();
  return w;
}

struct NttTables {
  unsigned log_n = 0;
  Fr shift;                            // coset shift g
  std::vector<Fr> forward_stages;      // min(n, 2^kNttBlockLog) entries: h + j -> w_{2h}^j
  std::vector<Fr> inverse_stages;      // the same for w^-1
  PowerTable forward_top;              // w^e, e < n / 2
  PowerTable inverse_top;              // w^-e
  PowerTable shift_powers;             // g^i, i < n
  PowerTable shift_inverse_powers;     // g^-i
  Fr size_inverse;                     // 1/n
  Fr vanishing_inverse;                // 1/(g^n - 1): 1/Z on the coset

  std::size_t size() const { return std::size_t{1} << log_n; }
  unsigned log_top() const { return log_n == 0 ? 0 : log_n - 1; }
};

inline NttTables build_ntt_tables(unsigned log_n, const Fr& shift) {
  if (log_n > dev::kNttMaxLog) {
    throw std::invalid_argument("device NTT: log_n = " + std::to_string(log_n) + " exceeds the supported " +
                                std::to_string(dev::kNttMaxLog));
  }
  if (shift.is_zero()) throw std::invalid_argument("device NTT: the coset shift must be nonzero");
  NttTables t;
  t.log_n = log_n;
  t.shift = shift;
  const Fr w = fr_root_of_unity(log_n);
  t.forward_top = build_power_table(w, t.log_top());
  t.inverse_top = build_power_table(w.inverse(), t.log_top());
  const std::size_t n = t.size();
  const std::size_t m = std::min<std::size_t>(n, std::size_t{1} << dev::kNttBlockLog);
  t.forward_stages.assign(m, Fr::zero());
  t.inverse_stages.assign(m, Fr::zero());
  unsigned log_h = 0;
  for (std::size_t h = 1; h < m; h *= 2, ++log_h) {
    for (std::size_t j = 0; j < h; ++j) {
      const std::uint64_t e = std::uint64_t{j} << (t.log_top() - log_h);
      t.forward_stages[h + j] = t.forward_top(e);
      t.inverse_stages[h + j] = t.inverse_top(e);
    }
  }
  t.shift_powers = build_power_table(shift, log_n);
  t.shift_inverse_powers = build_power_table(shift.inverse(), log_n);
  t.size_inverse = Fr::from_u64(n).inverse();
  t.vanishing_inverse = (shift.pow(static_cast<std::uint64_t>(n)) - Fr::one()).inverse();
  return t;
}

}  // namespace zkc::cuda
