// Field arithmetic microbenchmarks: latency-bound chains (x = x op y), so each iteration waits for
// the previous result, as in the reference figures (blst, single thread) these are compared with.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>

#include "kernels/field/fp.hpp"
#include "kernels/field/fp2.hpp"
#include "kernels/field/fr.hpp"

namespace {

using zkc::Fp;
using zkc::Fp2;
using zkc::Fr;
using zkc::field::MulPath;

template <class F>
void BM_Mul(benchmark::State& state) {
  std::mt19937_64 rng(1);
  F x = F::random(rng);
  const F y = F::random(rng);
  for (auto _ : state) {
    x = x * y;
    benchmark::DoNotOptimize(x);
  }
}

template <class F, MulPath Path>
void BM_MulPath(benchmark::State& state) {
  if (Path == MulPath::kAdx && !zkc::field::kAdxAvailable) {
    state.SkipWithError("ADX path not compiled for this target");
    return;
  }
  std::mt19937_64 rng(1);
  F x = F::random(rng);
  const F y = F::random(rng);
  for (auto _ : state) {
    x = F::template mul_with<Path>(x, y);
    benchmark::DoNotOptimize(x);
  }
}

template <class F>
void BM_Square(benchmark::State& state) {
  std::mt19937_64 rng(2);
  F x = F::random(rng);
  for (auto _ : state) {
    x = x.square();
    benchmark::DoNotOptimize(x);
  }
}

template <class F>
void BM_Add(benchmark::State& state) {
  std::mt19937_64 rng(3);
  F x = F::random(rng);
  const F y = F::random(rng);
  for (auto _ : state) {
    x = x + y;
    benchmark::DoNotOptimize(x);
  }
}

template <class F>
void BM_Sub(benchmark::State& state) {
  std::mt19937_64 rng(4);
  F x = F::random(rng);
  const F y = F::random(rng);
  for (auto _ : state) {
    x = x - y;
    benchmark::DoNotOptimize(x);
  }
}

void BM_Fp2Mul(benchmark::State& state) {
  std::mt19937_64 rng(5);
  Fp2 x = Fp2::random(rng);
  const Fp2 y = Fp2::random(rng);
  for (auto _ : state) {
    x = x * y;
    benchmark::DoNotOptimize(x);
  }
}

// The three-Montgomery-product Karatsuba that operator* replaces with lazy reduction on x86-64.
void BM_Fp2MulKaratsuba(benchmark::State& state) {
  std::mt19937_64 rng(5);
  Fp2 x = Fp2::random(rng);
  const Fp2 y = Fp2::random(rng);
  for (auto _ : state) {
    x = Fp2::mul_karatsuba(x, y);
    benchmark::DoNotOptimize(x);
  }
}

void BM_Fp2Square(benchmark::State& state) {
  std::mt19937_64 rng(6);
  Fp2 x = Fp2::random(rng);
  for (auto _ : state) {
    x = x.square();
    benchmark::DoNotOptimize(x);
  }
}

void BM_FpInverse(benchmark::State& state) {
  std::mt19937_64 rng(7);
  Fp x = Fp::random(rng);
  for (auto _ : state) {
    x = x.inverse() + Fp::one();  // + 1 keeps the chain away from zero
    benchmark::DoNotOptimize(x);
  }
}

}  // namespace

BENCHMARK(BM_Mul<Fr>)->Name("Field/Fr/mul");
BENCHMARK(BM_Mul<Fp>)->Name("Field/Fp/mul");
BENCHMARK(BM_MulPath<Fr, MulPath::kPortable>)->Name("Field/Fr/mul_portable");
BENCHMARK(BM_MulPath<Fp, MulPath::kPortable>)->Name("Field/Fp/mul_portable");
BENCHMARK(BM_MulPath<Fr, MulPath::kAdx>)->Name("Field/Fr/mul_adx");
BENCHMARK(BM_MulPath<Fp, MulPath::kAdx>)->Name("Field/Fp/mul_adx");
BENCHMARK(BM_Square<Fr>)->Name("Field/Fr/square");
BENCHMARK(BM_Square<Fp>)->Name("Field/Fp/square");
BENCHMARK(BM_Add<Fr>)->Name("Field/Fr/add");
BENCHMARK(BM_Add<Fp>)->Name("Field/Fp/add");
BENCHMARK(BM_Sub<Fr>)->Name("Field/Fr/sub");
BENCHMARK(BM_Sub<Fp>)->Name("Field/Fp/sub");
BENCHMARK(BM_Fp2Mul)->Name("Field/Fp2/mul");
BENCHMARK(BM_Fp2MulKaratsuba)->Name("Field/Fp2/mul_karatsuba");
BENCHMARK(BM_Fp2Square)->Name("Field/Fp2/square");
BENCHMARK(BM_FpInverse)->Name("Field/Fp/inverse");
