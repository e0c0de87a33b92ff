// generate_points: n deterministic pseudo-random points of the prime-order subgroup, for
// benchmarks and tests. P_i = [a]G + i*[c]G for random a, c drawn from the seed, built with
// mixed additions in Jacobian form and converted with one inversion per chunk. The result
// depends only on (n, seed), not on whether or how a pool is used.
#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "kernels/curve/affine.hpp"
#include "kernels/curve/batch_affine.hpp"
#include "kernels/curve/jacobian.hpp"
#include "kernels/curve/scalar_mul.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"

namespace zkc {

template <class P>
std::vector<AffinePoint<P>> generate_points(std::size_t n, std::uint64_t seed, ThreadPool* pool = nullptr) {
  using Jac = JacobianPoint<P>;
  std::vector<AffinePoint<P>> out(n);
  if (n == 0) return out;
  std::mt19937_64 rng(seed);
  const Fr a = Fr::random(rng);
  const Fr c = Fr::random(rng);
  const auto g = AffinePoint<P>::generator();
  const Jac base = scalar_mul(Jac::from_affine(g), a);
  const AffinePoint<P> step = scalar_mul(Jac::from_affine(g), c).to_affine();

  // Each chunk starts at base + [begin]step, then walks by mixed additions.
  auto fill = [&](std::size_t begin, std::size_t end) {
    std::vector<Jac> jac(end - begin);
    const std::uint64_t start = begin;
    Jac cur = base.add(scalar_mul(Jac::from_affine(step), std::span<const std::uint64_t>(&start, 1)));
    for (std::size_t i = begin; i < end; ++i) {
      jac[i - begin] = cur;
      cur.add_mixed_inplace(step);
    }
    batch_to_affine<Jac>(jac, std::span<AffinePoint<P>>(out).subspan(begin, end - begin));
  };
  constexpr std::size_t kChunk = 4096;
  if (pool != nullptr && pool->size() > 1 && n > kChunk) {
    pool->parallel_for(n, kChunk, fill);
  } else {
    fill(0, n);
  }
  return out;
}

}  // namespace zkc
