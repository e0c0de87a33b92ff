#include "harness/balance/unit_cost_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

#include "kernels/pool/thread_pool.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/prover/prep_msm.hpp"
#include "workloads/prover/split_vectors.hpp"
#include "workloads/srs/pinned_srs.hpp"
#include "workloads/synthesis/direct_eval.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::harness {
namespace {

using Clock = std::chrono::steady_clock;
using workloads::HostArray;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

template <class F>
double median_of_3(const F& reading) {
  std::vector<double> v = {reading(), reading(), reading()};
  std::sort(v.begin(), v.end());
  return v[1];
}

// Runs body(i) on n threads at once; returns the mean of their wall times in ms.
template <class F>
double concurrent_ms(unsigned n, const F& body) {
  std::vector<double> ms(n);
  std::vector<std::thread> threads;
  for (unsigned i = 0; i < n; ++i) {
    threads.emplace_back([&, i] {
      const auto t0 = Clock::now();
      body(i);
      ms[i] = ms_since(t0);
    });
  }
  for (auto& t : threads) t.join();
  double sum = 0;
  for (double x : ms) sum += x;
  return sum / n;
}

// One partition's synthesis inputs, as the pipeline keeps them.
struct FitPartition {
  HostArray<Fr> inputs, aux, unified, a, b, c;
  HostArray<std::uint64_t> a_density, b_density;
  explicit FitPartition(const workloads::PartitionShape& s)
      : inputs(s.inputs, "fit inputs"),
        aux(s.aux, "fit aux"),
        unified(s.witness_len(), "fit witness"),
        a(s.constraints, "fit a"),
        b(s.constraints, "fit b"),
        c(s.constraints, "fit c"),
        a_density(workloads::density_words(s.aux), "fit a density"),
        b_density(workloads::density_words(s.aux), "fit b density") {}
};

// The direct path's evaluation, pw at once (each on its own thread, as its synthesis worker runs it):
// two multiplication counts separate the per-term and per-multiplication parts.
void fit_direct_costs(const RunPlan& plan, std::vector<FitPartition>& parts, UnitCosts& costs) {
  const auto& shape = plan.shape;
  const auto direct_ms = [&](unsigned muls) {
    return median_of_3([&] {
      return concurrent_ms(plan.partition_workers, [&](unsigned i) {
        FitPartition& p = parts[i];
        workloads::evaluate_direct(shape, plan.pce, p.inputs.span(), p.aux.span(), p.a.span(), p.b.span(), p.c.span(),
                                   {muls});
      });
    });
  };
  constexpr unsigned kLow = 0, kHigh = 8;
  const double terms = std::max(1.0, static_cast<double>(shape.nnz_a + shape.nnz_b + shape.nnz_c));
  const double low = direct_ms(kLow), high = direct_ms(kHigh);
  costs.direct_ns_per_mul = std::max(1e-3, (high - low) * 1e6 / (terms * (kHigh - kLow)));
  costs.direct_ns_per_term = std::max(0.0, low * 1e6 / terms - kLow * costs.direct_ns_per_mul);
}

}  // namespace

UnitCosts fit_unit_costs(const RunPlan& plan, const std::function<void(const std::string&)>& step) {
  const auto say = [&](const std::string& s) {
    if (step) step(s);
  };
  const auto& shape = plan.shape;
  const unsigned pw = plan.partition_workers;
  UnitCosts costs;
  ThreadPool synthesis_pool("fit-synth", plan.synthesis_threads);
  std::vector<FitPartition> parts;
  parts.reserve(pw);
  for (unsigned i = 0; i < pw; ++i) parts.emplace_back(shape);

  // Witness generation, pw at once: two chain lengths separate the per-variable and per-mul parts.
  say("fit: witness generation");
  const auto witness_ms = [&](unsigned muls) {
    workloads::WitnessParams wp = plan.witness;
    wp.muls_per_var = muls;
    wp.extra_muls = 0;  // a positive control's extra work is not the machine's cost
    return median_of_3([&] {
      return concurrent_ms(pw, [&](unsigned i) {
        workloads::generate_witness(wp, 1000 + i, parts[i].inputs.span(), parts[i].aux.span());
      });
    });
  };
  constexpr unsigned kLow = 2, kHigh = 18;
  const double low = witness_ms(kLow), high = witness_ms(kHigh);
  const double aux = shape.aux;
  costs.witness_ns_per_mul = std::max(1e-3, (high - low) * 1e6 / (aux * (kHigh - kLow)));
  costs.witness_ns_per_var = std::max(0.0, low * 1e6 / aux - kLow * costs.witness_ns_per_mul);

  // The rest of synthesis on the run's shape and pools.
  say(fmt::format("fit: products ({} nonzeros)", shape.nnz_a + shape.nnz_b + shape.nnz_c));
  const workloads::SharedPce pce = workloads::build_shared_pce(shape, plan.pce, &synthesis_pool);
  costs.synthesis_rest_ms = median_of_3([&] {
    return concurrent_ms(pw, [&](unsigned i) {
      FitPartition& p = parts[i];
      workloads::unify_witness(p.inputs.span(), p.aux.span(), p.unified.span());
      workloads::evaluate_products(pce, p.unified.span(), p.a.span(), p.b.span(), p.c.span(), synthesis_pool, {},
                                   plan.chunk_rows);
      workloads::build_density(shape, p.a_density.span(), p.b_density.span());
    });
  });

  say("fit: direct constraint evaluation");
  fit_direct_costs(plan, parts, costs);

  // One prep_msm pass, then b_g2_msm over its tail.
  say("fit: prep_msm and b_g2_msm");
  const workloads::PinnedSrs srs = workloads::PinnedSrs::build(shape, plan.seed, &synthesis_pool);
  workloads::SplitVectors split = workloads::allocate_split_vectors(shape);
  FitPartition& p = parts.front();
  costs.prep_ms_per_pass = median_of_3([&] {
    const auto t0 = Clock::now();
    workloads::prep_msm(shape, srs, p.aux.span(), p.a_density.span(), p.b_density.span(), split);
    return ms_since(t0);
  });
  ThreadPool groth16_pool("fit-groth16", plan.gpu_threads);
  const std::size_t available = std::max<std::size_t>(1, split.b_tail_count);
  for (const std::size_t want : {std::size_t{16}, std::size_t{256}, std::size_t{2048}}) {
    const std::size_t n = std::min(want, available);
    if (!costs.b_g2.empty() && costs.b_g2.back().points >= double(n)) break;
    // b_g2_msm sums the first b_tail_count points.
    const double ms = median_of_3([&] {
      const std::size_t keep = split.b_tail_count;
      split.b_tail_count = n;
      const auto t0 = Clock::now();
      workloads::b_g2_msm(split, groth16_pool);
      const double t = ms_since(t0);
      split.b_tail_count = keep;
      return t;
    });
    costs.b_g2.push_back({double(n), std::max(ms, 1e-3)});
  }

  // The sim's host copy of a/b/c (and so one thread's copy bandwidth).
  HostArray<std::byte> staging(3 * shape.constraints * sizeof(Fr), "fit staging");
  costs.upload_ms = median_of_3([&] {
    const auto t0 = Clock::now();
    std::size_t off = 0;
    for (const auto* arr : {&p.a, &p.b, &p.c}) {
      std::memcpy(staging.data() + off, arr->data(), arr->bytes());
      off += arr->bytes();
    }
    return ms_since(t0);
  });
  costs.memcpy_gib_per_s =
      static_cast<double>(staging.bytes()) / double(1ull << 30) / (std::max(costs.upload_ms, 1e-3) / 1e3);
  split.release();
  return costs;
}

}  // namespace zkc::harness
