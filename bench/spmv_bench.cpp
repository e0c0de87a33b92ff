// SpMV throughput (counter "nnz/s") on R1CS-like matrices of 2^21 rows with 4 nonzeros per row on
// average: a local-column matrix (90% of columns within +-64 of the diagonal) and a random-gather
// one (every column uniform), with a 2^22-column witness (128 MiB of Fr, beyond L2 and most L3s)
// and, for the gather case, a 2^24-column one (512 MiB, beyond even very large L3s), on 1 thread
// and on all hardware threads.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <map>
#include <utility>
#include <memory>
#include <random>
#include <thread>
#include <vector>

#include "kernels/spmv/matrix_gen.hpp"
#include "kernels/spmv/spmv.hpp"

namespace {

constexpr std::uint32_t kRows = 1u << 21;

struct Problem {
  zkc::CsrMatrix m;
  std::vector<zkc::Fr> w;
  std::vector<zkc::Fr> y;
};

// Generating a matrix takes seconds; each kind is built once per process and reused.
Problem& problem(bool local, unsigned log_cols) {
  static std::map<std::pair<bool, unsigned>, std::unique_ptr<Problem>> cache;
  auto& slot = cache[{local, log_cols}];
  if (!slot) {
    const std::uint32_t cols = 1u << log_cols;
    zkc::ThreadPool gen_pool("spmv-gen", std::max(1u, std::thread::hardware_concurrency()));
    zkc::MatrixGenParams params{.rows = kRows, .cols = cols, .mean_nnz_per_row = 4, .nnz_spread = 0.5,
                                .local_fraction = local ? 0.9 : 0.0, .local_window = 64, .seed = 42};
    slot = std::make_unique<Problem>();
    slot->m = zkc::generate_r1cs_like(params, &gen_pool);
    std::mt19937_64 rng(7);
    slot->w.resize(cols);
    for (auto& x : slot->w) x = zkc::Fr::random(rng);
    slot->y.resize(kRows);
  }
  return *slot;
}

// Args: local (1) or random gather (0), log2 of the witness length, threads.
void BM_Spmv(benchmark::State& state) {
  Problem& p = problem(state.range(0) != 0, static_cast<unsigned>(state.range(1)));
  zkc::ThreadPool pool("spmv-bench", static_cast<unsigned>(state.range(2)));
  for (auto _ : state) {
    zkc::spmv(p.m.view(), p.w, p.y, pool);
    benchmark::DoNotOptimize(p.y.data());
    benchmark::ClobberMemory();
  }
  const auto iters = static_cast<double>(state.iterations());
  state.counters["nnz/s"] =
      benchmark::Counter(static_cast<double>(p.m.nnz()) * iters, benchmark::Counter::kIsRate);
  state.counters["matrix_B/s"] = benchmark::Counter(static_cast<double>(p.m.bytes()) * iters,
                                                    benchmark::Counter::kIsRate, benchmark::Counter::kIs1024);
}

void SpmvArgs(benchmark::internal::Benchmark* b) {
  const auto hw = static_cast<long>(std::max(1u, std::thread::hardware_concurrency()));
  const long shapes[][2] = {{1, 22}, {0, 22}, {0, 24}};
  for (const auto& [local, log_cols] : shapes) {
    b->Args({local, log_cols, 1});
    if (hw > 1) b->Args({local, log_cols, hw});
  }
}
BENCHMARK(BM_Spmv)
    ->Apply(SpmvArgs)
    ->ArgNames({"local", "log_cols", "threads"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
