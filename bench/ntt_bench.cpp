// NTT throughput: forward transforms of 2^16..2^20 elements, without a pool and with a pool of
// hardware_concurrency threads. Counter "elements/s" = n per transform.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "kernels/ntt/ntt.hpp"

namespace {

// Args: log_n, pool_threads (0 = no pool: the single-threaded path; else a pool of that many threads).
void BM_NttForward(benchmark::State& state) {
  const auto log_n = static_cast<unsigned>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  const zkc::NttDomain domain(log_n);
  std::unique_ptr<zkc::ThreadPool> pool;
  if (threads > 0) pool = std::make_unique<zkc::ThreadPool>("ntt-bench", threads);
  std::mt19937_64 rng(log_n);
  std::vector<zkc::Fr> data(domain.size());
  for (auto& x : data) x = zkc::Fr::random(rng);
  for (auto _ : state) {
    zkc::ntt_forward(domain, data, pool.get());
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  const double elements = static_cast<double>(domain.size()) * static_cast<double>(state.iterations());
  state.counters["elements/s"] = benchmark::Counter(elements, benchmark::Counter::kIsRate);
}

void NttArgs(benchmark::internal::Benchmark* b) {
  const auto hw = static_cast<long>(std::max(1u, std::thread::hardware_concurrency()));
  for (long log_n = 16; log_n <= 20; ++log_n) {
    b->Args({log_n, 0});
    b->Args({log_n, hw});
  }
}
BENCHMARK(BM_NttForward)
    ->Apply(NttArgs)
    ->ArgNames({"log_n", "pool_threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Inverse and coset transforms add one element-wise pass each; one size shows their overhead.
void BM_NttCosetRoundTrip(benchmark::State& state) {
  const zkc::NttDomain domain(static_cast<unsigned>(state.range(0)));
  std::mt19937_64 rng(1);
  std::vector<zkc::Fr> data(domain.size());
  for (auto& x : data) x = zkc::Fr::random(rng);
  for (auto _ : state) {
    zkc::coset_ntt_forward(domain, data);
    zkc::coset_ntt_inverse(domain, data);
    benchmark::DoNotOptimize(data.data());
  }
}
BENCHMARK(BM_NttCosetRoundTrip)->Arg(16)->ArgNames({"log_n"})->Unit(benchmark::kMillisecond);

}  // namespace
