#include <benchmark/benchmark.h>

#include "kernels/pool/thread_pool.hpp"

// Dispatch overhead of an empty parallel_for: the fixed cost every SpMV/MSM call pays.
static void BM_ParallelForOverhead(benchmark::State& state) {
  zkc::ThreadPool pool("bench", static_cast<unsigned>(state.range(0)));
  for (auto _ : state) pool.parallel_for(64, 1, [](std::size_t, std::size_t) {});
}
BENCHMARK(BM_ParallelForOverhead)->Arg(1)->Arg(2)->UseRealTime();
