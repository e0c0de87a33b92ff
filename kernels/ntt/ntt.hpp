// Radix-2 number-theoretic transform over Fr (BLS12-381 scalar field, 2-adicity 32, generator 7).
//
// This is the CPU reference of the prover's NTT phase (the H-polynomial computation of Groth16):
// natural order in and natural order out, in place. An NttDomain holds the twiddle tables of one
// size so that repeated transforms (a prover does seven per proof) do not recompute them.
// With a pool, the cache-sized sub-transforms of the first stages and the butterflies of each
// later stage are spread over the workers; field arithmetic is exact, so the result is bit-for-bit
// the same as the single-threaded path.
#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"

namespace zkc {

class NttDomain {
 public:
  // The multiplicative subgroup of order 2^log_n. Throws std::invalid_argument for log_n > 32.
  explicit NttDomain(unsigned log_n);

  unsigned log_size() const { return log_n_; }
  std::size_t size() const { return std::size_t{1} << log_n_; }
  const Fr& root() const { return root_; }          // primitive n-th root of unity (omega)
  const Fr& root_inverse() const { return root_inv_; }
  const Fr& size_inverse() const { return n_inv_; }  // 1/n, applied by ntt_inverse

  // Stage tables, laid out so that the twiddles of the stage with half-width h are contiguous:
  // entry h + j (0 <= j < h) is w_{2h}^j, the (2h)-th root of unity (or its inverse) to the j.
  // Entry 0 is unused. Size n (or 1 when n == 1).
  std::span<const Fr> forward_twiddles() const { return fwd_; }
  std::span<const Fr> inverse_twiddles() const { return inv_; }

 private:
  unsigned log_n_;
  Fr root_;
  Fr root_inv_;
  Fr n_inv_;
  std::vector<Fr> fwd_;
  std::vector<Fr> inv_;
};

// The default coset shift: the multiplicative generator, which lies outside every 2-power subgroup.
inline Fr default_coset_shift() { return Fr::from_u64(kFrGenerator); }

// Evaluations a(omega^i) of the polynomial with coefficients `data` (in place).
// Throws std::invalid_argument when data.size() != domain.size().
void ntt_forward(const NttDomain& domain, std::span<Fr> data, ThreadPool* pool = nullptr);
// The exact inverse of ntt_forward, including the 1/n scaling.
void ntt_inverse(const NttDomain& domain, std::span<Fr> data, ThreadPool* pool = nullptr);

// Evaluations a(shift * omega^i): scales a_i by shift^i, then runs ntt_forward.
void coset_ntt_forward(const NttDomain& domain, std::span<Fr> data, const Fr& shift,
                       ThreadPool* pool = nullptr);
// The exact inverse of coset_ntt_forward with the same shift (shift must be nonzero).
void coset_ntt_inverse(const NttDomain& domain, std::span<Fr> data, const Fr& shift,
                       ThreadPool* pool = nullptr);

// Shift defaulted to default_coset_shift().
inline void coset_ntt_forward(const NttDomain& domain, std::span<Fr> data, ThreadPool* pool = nullptr) {
  coset_ntt_forward(domain, data, default_coset_shift(), pool);
}
inline void coset_ntt_inverse(const NttDomain& domain, std::span<Fr> data, ThreadPool* pool = nullptr) {
  coset_ntt_inverse(domain, data, default_coset_shift(), pool);
}

}  // namespace zkc
