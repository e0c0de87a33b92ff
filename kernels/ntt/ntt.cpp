#include "kernels/ntt/ntt.hpp"

#include <algorithm>
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

namespace zkc {
namespace {

// Sub-transforms of this many elements (128 KiB of Fr) fit in L2, so the first stages run
// block by block, one block per task; only the remaining stages sweep the whole array.
constexpr unsigned kBlockLog = 12;
// Work unit for element-wise passes and for the butterflies of one large stage.
constexpr std::size_t kChunk = std::size_t{1} << 11;

// Runs fn over [0, n) in chunks: on the pool when there is one, inline otherwise. Every element's
// result is independent of the chunking, so both paths give identical output.
template <class Fn>
void for_range(ThreadPool* pool, std::size_t n, std::size_t chunk, const Fn& fn) {
  if (pool == nullptr || n <= chunk) {
    if (n > 0) fn(std::size_t{0}, n);
    return;
  }
  pool->parallel_for(n, chunk, fn);
}

// omega_{2^32}: the generator raised to (r - 1) / 2^32.
Fr max_two_adic_root() {
  const auto& r = Fr::modulus();
  std::array<std::uint64_t, 4> e{};
  // (r - 1) >> 32; r is odd so r - 1 only clears bit 0 of the low word.
  std::array<std::uint64_t, 4> rm1 = r;
  rm1[0] -= 1;
  for (std::size_t i = 0; i < 4; ++i) {
    e[i] = rm1[i] >> kFrTwoAdicity;
    if (i + 1 < 4) e[i] |= rm1[i + 1] << (64 - kFrTwoAdicity);
  }
  return Fr::from_u64(kFrGenerator).pow(std::span<const std::uint64_t>(e));
}

// Stage tables (see NttDomain::forward_twiddles): entry h + j = w^(j * n / 2h).
std::vector<Fr> build_twiddles(unsigned log_n, const Fr& w) {
  const std::size_t n = std::size_t{1} << log_n;
  std::vector<Fr> t(n);
  if (n == 1) return t;
  const std::size_t top = n / 2;
  Fr p = Fr::one();
  for (std::size_t j = 0; j < top; ++j) {
    t[top + j] = p;
    p *= w;
  }
  // Smaller stages use every other entry of the next larger one.
  for (std::size_t h = top / 2; h >= 1; h /= 2) {
    for (std::size_t j = 0; j < h; ++j) t[h + j] = t[2 * h + 2 * j];
  }
  return t;
}

std::uint64_t bit_reverse(std::uint64_t x, unsigned bits) {
  x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
  x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
  x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
  x = ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x & 0x00FF00FF00FF00FFULL) << 8);
  x = ((x >> 16) & 0x0000FFFF0000FFFFULL) | ((x & 0x0000FFFF0000FFFFULL) << 16);
  x = (x >> 32) | (x << 32);
  return bits == 0 ? 0 : x >> (64 - bits);
}

void check_size(const NttDomain& domain, std::span<Fr> data, const char* what) {
  if (data.size() != domain.size()) {
    throw std::invalid_argument(std::string(what) + ": data has " + std::to_string(data.size()) +
                                " elements but the domain has 2^" + std::to_string(domain.log_size()) +
                                " = " + std::to_string(domain.size()));
  }
}

[[gnu::always_inline]] inline void butterfly(Fr& a, Fr& b, const Fr& w) {
  const Fr u = a;
  const Fr v = b * w;
  a = u + v;
  b = u - v;
}

// The j = 0 butterfly of every group has twiddle 1: skipping its multiply saves n - 1 of the
// (n/2) log n multiplications, and gives the same value (x * 1 is exact).
[[gnu::always_inline]] inline void butterfly_unit(Fr& a, Fr& b) {
  const Fr u = a;
  a = u + b;
  b = u - b;
}

// All stages with 2h <= block.size() on one contiguous block (already in bit-reversed order).
void transform_block(std::span<Fr> block, const Fr* tw) {
  const std::size_t m = block.size();
  for (std::size_t h = 1; h < m; h *= 2) {
    for (std::size_t s = 0; s < m; s += 2 * h) {
      Fr* lo = block.data() + s;
      Fr* hi = lo + h;
      butterfly_unit(lo[0], hi[0]);
      for (std::size_t j = 1; j < h; ++j) butterfly(lo[j], hi[j], tw[h + j]);
    }
  }
}

// Decimation-in-time transform, natural order in and out, with the given stage tables.
void transform(std::span<Fr> a, unsigned log_n, const Fr* tw, ThreadPool* pool) {
  const std::size_t n = a.size();
  if (n == 1) return;

  for_range(pool, n, kChunk * 4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) {
      const std::size_t j = bit_reverse(i, log_n);
      if (i < j) std::swap(a[i], a[j]);  // each pair is swapped once, by its smaller index
    }
  });

  const std::size_t block = std::min<std::size_t>(n, std::size_t{1} << kBlockLog);
  for_range(pool, n / block, 1, [&](std::size_t begin, std::size_t end) {
    for (std::size_t b = begin; b < end; ++b) transform_block(a.subspan(b * block, block), tw);
  });

  // The remaining stages: n/2 independent butterflies each.
  for (unsigned log_h = kBlockLog; log_h < log_n; ++log_h) {
    const std::size_t h = std::size_t{1} << log_h;
    const std::size_t mask = h - 1;
    for_range(pool, n / 2, kChunk, [&](std::size_t begin, std::size_t end) {
      for (std::size_t k = begin; k < end; ++k) {
        const std::size_t j = k & mask;
        const std::size_t i = ((k >> log_h) << (log_h + 1)) + j;
        if (j == 0) {
          butterfly_unit(a[i], a[i + h]);
        } else {
          butterfly(a[i], a[i + h], tw[h + j]);
        }
      }
    });
  }
}

// a_i *= base^i, with each chunk starting from base^begin so the result is chunking-independent.
void scale_by_powers(std::span<Fr> a, const Fr& base, ThreadPool* pool) {
  for_range(pool, a.size(), kChunk * 4, [&](std::size_t begin, std::size_t end) {
    Fr p = base.pow(static_cast<std::uint64_t>(begin));
    for (std::size_t i = begin; i < end; ++i) {
      a[i] *= p;
      p *= base;
    }
  });
}

}  // namespace

NttDomain::NttDomain(unsigned log_n) : log_n_(log_n) {
  if (log_n > kFrTwoAdicity) {
    throw std::invalid_argument("NttDomain: log_n = " + std::to_string(log_n) +
                                " exceeds the two-adicity of Fr (" + std::to_string(kFrTwoAdicity) + ")");
  }
  root_ = max_two_adic_root();
  for (unsigned i = log_n; i < kFrTwoAdicity; ++i) root_ = root_.square();
  root_inv_ = root_.inverse();
  n_inv_ = Fr::from_u64(std::uint64_t{1} << log_n).inverse();
  fwd_ = build_twiddles(log_n, root_);
  inv_ = build_twiddles(log_n, root_inv_);
}

void ntt_forward(const NttDomain& domain, std::span<Fr> data, ThreadPool* pool) {
  check_size(domain, data, "ntt_forward");
  transform(data, domain.log_size(), domain.forward_twiddles().data(), pool);
}

void ntt_inverse(const NttDomain& domain, std::span<Fr> data, ThreadPool* pool) {
  check_size(domain, data, "ntt_inverse");
  transform(data, domain.log_size(), domain.inverse_twiddles().data(), pool);
  const Fr s = domain.size_inverse();
  for_range(pool, data.size(), kChunk * 4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t i = begin; i < end; ++i) data[i] *= s;
  });
}

void coset_ntt_forward(const NttDomain& domain, std::span<Fr> data, const Fr& shift, ThreadPool* pool) {
  check_size(domain, data, "coset_ntt_forward");
  if (shift.is_zero()) throw std::invalid_argument("coset_ntt_forward: shift must be nonzero");
  scale_by_powers(data, shift, pool);
  ntt_forward(domain, data, pool);
}

void coset_ntt_inverse(const NttDomain& domain, std::span<Fr> data, const Fr& shift, ThreadPool* pool) {
  check_size(domain, data, "coset_ntt_inverse");
  if (shift.is_zero()) throw std::invalid_argument("coset_ntt_inverse: shift must be nonzero");
  ntt_inverse(domain, data, pool);
  scale_by_powers(data, shift.inverse(), pool);
}

}  // namespace zkc
