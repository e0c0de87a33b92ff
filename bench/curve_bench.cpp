// Curve-operation microbenchmarks: latency-bound chains (acc = acc op q), comparable with the
// reference figures for blst (single thread; G2 Jacobian add 1.81 us).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <random>
#include <thread>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/curve/scalar_mul.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"

namespace {

using namespace zkc;

template <class P>
AffinePoint<P> random_affine(std::mt19937_64& rng) {
  return scalar_mul(JacobianPoint<P>::from_affine(AffinePoint<P>::generator()), Fr::random(rng)).to_affine();
}

template <class P>
void BM_JacobianAdd(benchmark::State& state) {
  std::mt19937_64 rng(1);
  auto acc = JacobianPoint<P>::from_affine(random_affine<P>(rng)).dbl();
  const auto q = JacobianPoint<P>::from_affine(random_affine<P>(rng)).dbl();  // Z != 1
  for (auto _ : state) {
    acc.add_inplace(q);
    benchmark::DoNotOptimize(acc);
  }
}

template <class P>
void BM_JacobianDbl(benchmark::State& state) {
  std::mt19937_64 rng(1);
  auto acc = JacobianPoint<P>::from_affine(random_affine<P>(rng));
  for (auto _ : state) {
    acc.dbl_inplace();
    benchmark::DoNotOptimize(acc);
  }
}

template <class P>
void BM_JacobianMixedAdd(benchmark::State& state) {
  std::mt19937_64 rng(1);
  auto acc = JacobianPoint<P>::from_affine(random_affine<P>(rng)).dbl();
  const auto q = random_affine<P>(rng);
  for (auto _ : state) {
    acc.add_mixed_inplace(q);
    benchmark::DoNotOptimize(acc);
  }
}

template <class P>
void BM_XyzzMixedAdd(benchmark::State& state) {
  std::mt19937_64 rng(1);
  auto acc = XyzzPoint<P>::from_affine(random_affine<P>(rng)).dbl();
  const auto q = random_affine<P>(rng);
  for (auto _ : state) {
    acc.add_mixed_inplace(q);
    benchmark::DoNotOptimize(acc);
  }
}

template <class P>
void BM_XyzzAdd(benchmark::State& state) {
  std::mt19937_64 rng(1);
  auto acc = XyzzPoint<P>::from_affine(random_affine<P>(rng)).dbl();
  const auto q = XyzzPoint<P>::from_affine(random_affine<P>(rng)).dbl();
  for (auto _ : state) {
    acc.add_inplace(q);
    benchmark::DoNotOptimize(acc);
  }
}

// generate_points (MSM bench setup); Args: {points, threads}: 1 and hardware_concurrency.
template <class P>
void BM_GeneratePoints(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  ThreadPool pool("gen-bench", threads);
  for (auto _ : state) {
    auto pts = generate_points<P>(n, 1, &pool);
    benchmark::DoNotOptimize(pts.data());
  }
}

BENCHMARK(BM_JacobianAdd<G1Params>)->Name("Curve/G1/JacobianAdd");
BENCHMARK(BM_JacobianDbl<G1Params>)->Name("Curve/G1/JacobianDbl");
BENCHMARK(BM_JacobianMixedAdd<G1Params>)->Name("Curve/G1/JacobianMixedAdd");
BENCHMARK(BM_XyzzMixedAdd<G1Params>)->Name("Curve/G1/XyzzMixedAdd");
BENCHMARK(BM_XyzzAdd<G1Params>)->Name("Curve/G1/XyzzAdd");
BENCHMARK(BM_JacobianAdd<G2Params>)->Name("Curve/G2/JacobianAdd");
BENCHMARK(BM_JacobianDbl<G2Params>)->Name("Curve/G2/JacobianDbl");
BENCHMARK(BM_JacobianMixedAdd<G2Params>)->Name("Curve/G2/JacobianMixedAdd");
BENCHMARK(BM_XyzzMixedAdd<G2Params>)->Name("Curve/G2/XyzzMixedAdd");
BENCHMARK(BM_XyzzAdd<G2Params>)->Name("Curve/G2/XyzzAdd");
BENCHMARK(BM_GeneratePoints<G2Params>)
    ->Name("Curve/G2/GeneratePoints")
    ->ArgNames({"points", "threads"})
    ->ArgsProduct({{1 << 16}, {1, static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()))}})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace
