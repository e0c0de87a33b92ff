// Pippenger MSM against the sum of individual scalar multiplications, over G1 and G2, several
// sizes around the window boundaries and several pool sizes; plus the plan's documented shape.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/curve/scalar_mul.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "kernels/msm/pippenger.hpp"
#include "kernels/pool/thread_pool.hpp"

namespace {

using namespace zkc;

constexpr Scalar256 kRMinus1 = {0xffffffff00000000ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                0x73eda753299d7d48ULL};


// Random 255-bit scalars (canonical Fr values) with zeros, r - 1 and small values mixed in.
std::vector<Scalar256> make_scalars(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Scalar256> s(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (i % 11) {
      case 3: s[i] = {}; break;
      case 5: s[i] = kRMinus1; break;
      case 7: s[i] = {i, 0, 0, 0}; break;
      default: s[i] = Fr::random(rng).to_canonical(); break;
    }
  }
  return s;
}

// Points with repeats (same point at several indices) and one identity.
template <class P>
std::vector<AffinePoint<P>> make_points(std::size_t n, std::uint64_t seed) {
  auto pts = generate_points<P>(n, seed);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 13 == 4) pts[i] = pts[i / 2];
  }
  if (n > 20) pts[20] = AffinePoint<P>::identity();
  return pts;
}

template <class P>
JacobianPoint<P> naive_msm(std::span<const AffinePoint<P>> pts, std::span<const Scalar256> scalars) {
  JacobianPoint<P> acc;
  for (std::size_t i = 0; i < pts.size(); ++i) {
    acc.add_inplace(scalar_mul(JacobianPoint<P>::from_affine(pts[i]), std::span<const std::uint64_t>(scalars[i])));
  }
  return acc;
}

template <class P>
void check_msm(std::size_t n, std::initializer_list<unsigned> pool_sizes) {
  const auto pts = make_points<P>(n, 1000 + n);
  const auto scalars = make_scalars(n, 2000 + n);
  const auto expected = naive_msm<P>(pts, scalars);
  for (unsigned threads : pool_sizes) {
    ThreadPool pool("msm", threads);
    MsmPlan plan;
    const auto got = msm<P>(pts, scalars, pool, &plan);
    EXPECT_EQ(got, expected) << P::kName << " n=" << n << " threads=" << threads;
    EXPECT_TRUE(got.is_on_curve());
    EXPECT_LE(plan.workers, threads);
    EXPECT_GE(plan.workers, 1u);
    EXPECT_EQ(plan.tiles, plan.rows * plan.splits);
    EXPECT_GE(plan.rows * plan.window, 255u);
    EXPECT_EQ(plan.bucket_bytes_per_worker, (std::size_t{1} << plan.window) * sizeof(XyzzPoint<P>));
    EXPECT_EQ(plan.bucket_bytes_total, plan.bucket_bytes_per_worker * plan.workers);
  }
}

TEST(Msm, G1MatchesNaive) {
  for (std::size_t n : {1, 2, 31, 32, 33, 1000, 4097}) check_msm<G1Params>(n, {1, 2, 3, 7});
}

TEST(Msm, G2MatchesNaive) {
  for (std::size_t n : {1, 2, 31, 32, 33, 1000}) check_msm<G2Params>(n, {1, 2, 3, 7});
  check_msm<G2Params>(4097, {1, 2, 3, 7});
}

TEST(Msm, ScalarBitsAndEdgeCases) {
  ThreadPool pool("msm", 2);
  const auto pts = generate_points<G1Params>(100, 5);
  std::vector<Scalar256> small(100);
  std::mt19937_64 rng(9);
  for (auto& s : small) s = {rng() & 0xFFFF, 0, 0, 0};
  MsmPlan plan;
  EXPECT_EQ(msm<G1Params>(pts, small, pool, &plan, 16), naive_msm<G1Params>(pts, small));
  EXPECT_EQ(plan.scalar_bits, 16u);
  EXPECT_GE(plan.rows * plan.window, 16u);

  std::vector<Scalar256> zeros(100);
  EXPECT_TRUE(msm<G1Params>(pts, zeros, pool).is_identity());
  EXPECT_TRUE(msm<G1Params>({}, {}, pool, &plan).is_identity());
  EXPECT_EQ(plan.tiles, 0u);
  EXPECT_EQ(plan.workers, 0u);
  EXPECT_THROW(msm<G1Params>(pts, std::span<const Scalar256>(zeros).first(99), pool), std::invalid_argument);
  EXPECT_THROW(msm<G1Params>(pts, zeros, pool, nullptr, 0), std::invalid_argument);
  EXPECT_THROW(msm<G1Params>(pts, zeros, pool, nullptr, 257), std::invalid_argument);
}

TEST(MsmPlan, DocumentedWindow) {
  const std::map<std::size_t, unsigned> expected = {{1, 1},  {2, 2},     {3, 2},     {16, 2},      {17, 2},
                                                    {31, 2}, {32, 3},    {4096, 10}, {4097, 10},   {8191, 10},
                                                    {8192, 10}, {16384, 11}, {1u << 16, 13}};
  for (const auto& [n, w] : expected) {
    EXPECT_EQ(pippenger_window(n), w) << n;
    const MsmPlan plan = plan_msm(n, 1, sizeof(G2Xyzz));
    EXPECT_EQ(plan.window, w) << n;
    EXPECT_EQ(plan.rows, (255 + w - 1) / w) << n;
    EXPECT_EQ(plan.splits, 1u);
    EXPECT_EQ(plan.tiles, plan.rows);
    EXPECT_EQ(plan.workers, 1u);
    EXPECT_EQ(plan.bucket_bytes_per_worker, (std::size_t{1} << w) * 384);
    EXPECT_EQ(plan.bucket_bytes_total, plan.bucket_bytes_per_worker);
  }
}

TEST(MsmPlan, FitsGridToThreads) {
  for (std::size_t n : {std::size_t{32}, std::size_t{1000}, std::size_t{4097}, std::size_t{1} << 16,
                        std::size_t{1} << 20}) {
    for (unsigned threads : {2u, 3u, 7u, 16u, 64u, 128u, 256u}) {
      const MsmPlan plan = plan_msm(n, threads, sizeof(G2Xyzz));
      EXPECT_LE(plan.workers, threads);
      EXPECT_GE(plan.window, 1u);
      EXPECT_GE(plan.rows * plan.window, 255u);
      EXPECT_LT((plan.rows - 1) * plan.window, 255u) << "empty top row";
      EXPECT_EQ(plan.tiles, plan.rows * plan.splits);
      EXPECT_LE(plan.splits, n);
      // The split decision uses the rows of the documented window, before the grid is fitted.
      if (255 > pippenger_window(n) * threads) {
        EXPECT_EQ(plan.splits, 1u) << n << " " << threads;
      } else {
        EXPECT_GE(plan.tiles, threads) << n << " " << threads;  // every thread gets a tile
        EXPECT_EQ(plan.workers, threads);
      }
      EXPECT_EQ(plan.bucket_bytes_per_worker, (std::size_t{1} << plan.window) * 384);
    }
  }
  EXPECT_THROW(plan_msm(10, 0, 384), std::invalid_argument);
  EXPECT_THROW(plan_msm(10, 1, 0), std::invalid_argument);
  EXPECT_THROW(plan_msm(10, 1, 384, 0), std::invalid_argument);
}

}  // namespace
