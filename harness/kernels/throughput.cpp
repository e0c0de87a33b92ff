#include "harness/kernels/throughput.hpp"

#include <fmt/core.h>

#include <chrono>
#include <random>

#include "kernels/curve/g2.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/field/fp2.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/pippenger.hpp"
#include "kernels/ntt/ntt.hpp"
#include "kernels/spmv/matrix_gen.hpp"
#include "kernels/spmv/spmv.hpp"

namespace zkc::harness {
namespace {

constexpr std::uint64_t kSeed = 0xbe7c;

// Seconds per call of fn: doubles the batch until one batch takes at least min_time.
template <class F>
double seconds_per_call(F&& fn, double min_time_s) {
  using clock = std::chrono::steady_clock;
  fn();  // warm-up: page faults, caches, lazy tables
  for (std::size_t batch = 1;; batch *= 2) {
    const auto t0 = clock::now();
    for (std::size_t i = 0; i < batch; ++i) fn();
    const double elapsed = std::chrono::duration<double>(clock::now() - t0).count();
    if (elapsed >= min_time_s || batch >= (std::size_t{1} << 40)) return elapsed / static_cast<double>(batch);
  }
}

// Keeps a value alive so the compiler cannot drop the chain that produced it.
template <class T>
void keep(const T& v) {
  asm volatile("" : : "r"(&v) : "memory");
}

// Latency of a dependent chain x = op(x, y), per operation.
template <class T, class U, class Op>
double chain_latency(T x, const U& y, Op op, double min_time_s) {
  constexpr int kChain = 1024;
  const double per_batch = seconds_per_call(
      [&] {
        for (int i = 0; i < kChain; ++i) x = op(x, y);
        keep(x);
      },
      min_time_s);
  return per_batch / kChain;
}

}  // namespace

std::vector<ThroughputRow> measure_kernel_throughput(const ThroughputOptions& opts, ThreadPool& pool) {
  std::vector<ThroughputRow> rows;
  const auto row = [&](std::string name, unsigned threads, auto&& measure, double items = 1,
                       std::string item = "op") {
    if (opts.on_row) opts.on_row(name);
    const double seconds = measure();
    rows.push_back(ThroughputRow{std::move(name), threads, seconds, items, std::move(item)});
  };
  const double t = opts.min_time_s;
  std::mt19937_64 rng(kSeed);

  const Fr fr_a = Fr::random(rng), fr_b = Fr::random(rng);
  row("Fr mul", 1, [&] { return chain_latency(fr_a, fr_b, [](const Fr& x, const Fr& y) { return x * y; }, t); });
  const Fp fp_a = Fp::random(rng), fp_b = Fp::random(rng);
  row("Fp mul", 1, [&] { return chain_latency(fp_a, fp_b, [](const Fp& x, const Fp& y) { return x * y; }, t); });
  const Fp2 f2_a = Fp2::random(rng), f2_b = Fp2::random(rng);
  row("Fp2 mul", 1, [&] { return chain_latency(f2_a, f2_b, [](const Fp2& x, const Fp2& y) { return x * y; }, t); });

  const auto g2 = generate_points<G2Params>(2, kSeed);
  const G2Jacobian pj = G2Jacobian::from_affine(g2[0]), qj = G2Jacobian::from_affine(g2[1]);
  row("G2 Jacobian add", 1, [&] {
    return chain_latency(pj, qj, [](const G2Jacobian& x, const G2Jacobian& y) { return x.add(y); }, t);
  });
  const G2Xyzz px = G2Xyzz::from_affine(g2[0]);
  row("G2 XYZZ mixed add", 1, [&] {
    return chain_latency(px, g2[1], [](const G2Xyzz& x, const G2Affine& y) { return x.add_mixed(y); }, t);
  });

  {
    constexpr std::size_t kPoints = std::size_t{1} << 12;
    const auto points = generate_points<G2Params>(kPoints, kSeed, &pool);
    std::vector<Scalar256> scalars(kPoints);
    for (auto& s : scalars) s = Fr::random(rng).to_canonical();
    ThreadPool single("msm-1", 1);
    for (ThreadPool* p : {&single, &pool}) {
      row(fmt::format("G2 MSM 2^12 ({} thr)", p->size()), p->size(), [&] {
        return seconds_per_call([&] { keep(msm<G2Params>(points, scalars, *p)); }, t);
      }, static_cast<double>(kPoints), "point");
    }
  }

  {
    const NttDomain domain(16);
    std::vector<Fr> data(domain.size());
    for (auto& v : data) v = Fr::random(rng);
    row("NTT 2^16 (1 thr)", 1, [&] { return seconds_per_call([&] { ntt_forward(domain, data); }, t); },
        static_cast<double>(domain.size()), "elem");
    row(fmt::format("NTT 2^16 ({} thr)", pool.size()), pool.size(),
        [&] { return seconds_per_call([&] { ntt_forward(domain, data, &pool); }, t); },
        static_cast<double>(domain.size()), "elem");
  }

  for (const double local : {0.9, 0.0}) {
    MatrixGenParams params{};
    params.rows = 1u << 20;
    params.cols = 1u << 20;
    params.mean_nnz_per_row = 2.4;  // the seed's A matrix: 309.4M nonzeros over 130.3M rows
    params.nnz_spread = 0.5;
    params.local_fraction = local;
    params.local_window = 4096;
    params.seed = kSeed;
    const CsrMatrix m = generate_r1cs_like(params, &pool);
    std::vector<Fr> w(m.cols), y(m.rows);
    for (auto& v : w) v = Fr::random(rng);
    row(fmt::format("SpMV 2^20 rows, {} ({} thr)", local > 0 ? "local" : "random gather", pool.size()),
        pool.size(), [&] { return seconds_per_call([&] { spmv(m.view(), w, y, pool); }, t); },
        static_cast<double>(m.nnz()), "nnz");
  }
  return rows;
}

}  // namespace zkc::harness
