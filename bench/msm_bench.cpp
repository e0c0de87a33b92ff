// G2 MSM benchmarks (the Groth16 B-query shape): 2^12, 2^14, 2^16 points with 255-bit random
// scalars, on 1 thread and on all hardware threads. Reference (blst, single thread): 2^16 in 1534 ms.
// The plan's window and workers are reported as counters.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <thread>
#include <vector>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "kernels/msm/pippenger.hpp"
#include "kernels/pool/thread_pool.hpp"

namespace {

using namespace zkc;

std::vector<std::int64_t> thread_counts() {
  const auto hw = static_cast<std::int64_t>(std::max(1u, std::thread::hardware_concurrency()));
  return hw > 1 ? std::vector<std::int64_t>{1, hw} : std::vector<std::int64_t>{1};
}

template <class P>
void BM_Msm(benchmark::State& state) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto threads = static_cast<unsigned>(state.range(1));
  ThreadPool pool("msm-bench", threads);
  const auto points = generate_points<P>(n, 1, &pool);
  std::mt19937_64 rng(2);
  std::vector<Scalar256> scalars(n);
  for (auto& s : scalars) s = Fr::random(rng).to_canonical();
  MsmPlan plan;
  for (auto _ : state) {
    auto r = msm<P>(points, scalars, pool, &plan);
    benchmark::DoNotOptimize(r);
  }
  state.counters["threads"] = threads;
  state.counters["window"] = plan.window;
  state.counters["rows"] = plan.rows;
  state.counters["splits"] = plan.splits;
  state.counters["workers"] = plan.workers;
  state.counters["bucket_MiB_per_worker"] = static_cast<double>(plan.bucket_bytes_per_worker) / (1 << 20);
}

// Args: {points, threads}: 1 and hardware_concurrency, named with the real count.
BENCHMARK(BM_Msm<G2Params>)
    ->Name("Msm/G2")
    ->ArgNames({"points", "threads"})
    ->ArgsProduct({{1 << 12, 1 << 14, 1 << 16}, thread_counts()})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();
BENCHMARK(BM_Msm<G1Params>)
    ->Name("Msm/G1")
    ->ArgNames({"points", "threads"})
    ->ArgsProduct({{1 << 16}, thread_counts()})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime();

}  // namespace
