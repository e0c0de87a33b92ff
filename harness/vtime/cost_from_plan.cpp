// The cost model from the profile: the seed system's isolation figures (../shared/seeds/README.md and
// 001_*.txt, kept as the plan's balance targets) at full scale x workload.scale.
#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "harness/vtime/cost_model.hpp"
#include "harness/vtime/cost_sources.hpp"

namespace zkc::harness::vtime {
namespace {

// rho = pw x gpu_total / (devices x synthesis) was measured with the seed's pw = 10 and one device:
// those, not the configured ones, turn rho back into one partition's synthesis (35.3 s). The cost of
// one partition does not change with the configured pw; how pw partitions share the synthesis pool
// is the virtual engine's and the contention model's to say.
constexpr double kSeedPartitionWorkers = 10;
constexpr double kSeedDevices = 1;
using detail::kSeedPoolThreads;
// The real prover's b_g2_msm at gt = 32 (seeds README: "At gt=32 b_g2 measured ~1.7 s"), against the
// seed's gpu_total of 1.8 s: the second point of the Amdahl fit (the first: b_g2_over_gpu at 192).
constexpr double kSeedBg2At32OverGpu = 1700.0 / 1800.0;
constexpr double kSeedBg2RefThreads = 32;
// Witness copy and density are not stated apart in the seed: they are counted inside its 8.8 s of
// "MatVec" (synthesis minus witness) at one thread's streaming rate, the rest is the SpMV.
constexpr double kCopyGbpsOneThread = 10.0;  // assumed: one core's memcpy rate on DDR5 (~10 GB/s)

// Amdahl's law through two (threads, ms) points: t(n) = a + b / n.
struct Amdahl {
  double serial_ms = 0, parallel_ms = 0;  // a, b: b is the parallel part on one thread
  double at(double n) const { return serial_ms + parallel_ms / std::max(n, 1.0); }
  double serial_share(double n) const {
    const double t = at(n);
    return t > 0 ? serial_ms / t : 0.0;
  }
};

Amdahl fit_amdahl(double n1, double t1, double n2, double t2) {
  const double b = (t2 - t1) / (1 / n2 - 1 / n1);
  const double a = t1 - b / n1;
  if (b <= 0) return {t1, 0};           // no speed-up at all: all serial
  if (a < 0) return {0, t1 * n1};       // better than linear: no serial part
  return {a, b};
}

// The seed's b_g2_msm (ms) for a gpu_total of `gpu_total_ms`: 0.25 x gpu_total on 192 threads and the
// real prover's 1.7 / 1.8 x gpu_total on 32.
Amdahl seed_b_g2(const BalanceTargets& t, double gpu_total_ms) {
  return fit_amdahl(kSeedPoolThreads, t.b_g2_over_gpu * gpu_total_ms, kSeedBg2RefThreads,
                    kSeedBg2At32OverGpu * gpu_total_ms);
}

StageCost one_thread(double ms) { return StageCost{.ms = std::max(ms, 0.0), .threads = 1, .serial_share = 1}; }

void add_synthesis(CostModel& c, const RunPlan& plan, const detail::HostFigures& f) {
  const workloads::ShapeBytes b = workloads::shape_bytes(plan.shape);
  const double witness = f.witness_share * f.synthesis_ms;
  c.host[model::Stage::kWitnessGen] = one_thread(witness);
  const double density = double(b.aux) / (kCopyGbpsOneThread * 1e6);  // one pass over aux
  c.host[model::Stage::kDensity] = one_thread(density);
  if (direct_synthesis(plan)) {
    // curio cuzk-project.md Phase 5 Wave 1: synthesis without PCE / with it = 50.4 / 35.5, same witness.
    c.host[model::Stage::kDirectEval] = one_thread(f.direct_over_pce * f.synthesis_ms - witness - density);
    return;
  }
  const double copy = double(b.witness) / (kCopyGbpsOneThread * 1e6);
  c.host[model::Stage::kWitnessCopy] = one_thread(copy);
  // The rest of synthesis is what the seed's 10 partitions' SpMV took at once on its 192-thread pool
  // (8.8 s): each had a tenth of the pool, so alone on the whole pool it takes a tenth of the time.
  const double rest = std::max(f.synthesis_ms - witness - copy - density, 0.5 * (f.synthesis_ms - witness));
  const double alone_on_seed_pool = rest / kSeedPartitionWorkers;
  const double threads = std::max(1u, plan.synthesis_threads);
  c.host[model::Stage::kSpmv] =
      StageCost{.ms = alone_on_seed_pool * kSeedPoolThreads / threads, .threads = threads, .serial_share = 0};
}

}  // namespace

double seed_b_g2_serial_share(double threads) {
  return seed_b_g2(BalanceTargets{}, BalanceTargets{}.gpu_total_ms).serial_share(threads);
}

namespace detail {

CostModel seed_shaped_costs(const RunPlan& plan, const HostFigures& f) {
  CostModel c;
  add_synthesis(c, plan, f);
  c.host[model::Stage::kRegister] = one_thread(f.register_ms);
  c.host[model::Stage::kPrepMsm] = one_thread(f.prep_ms);  // par_map(1, ...): one job, one thread
  // b_g2 on the plan's groth16 pool: the given time on its threads, carried over by the seed's Amdahl.
  const double gt = std::max(1u, plan.gpu_threads);
  const Amdahl seed = seed_b_g2(plan.balance_targets, plan.balance_targets.gpu_total_ms);
  const double ms_at_gt = f.b_g2_ms * seed.at(gt) / seed.at(std::max(f.b_g2_threads, 1.0));
  c.host[model::Stage::kBG2Msm] = StageCost{.ms = ms_at_gt, .threads = gt, .serial_share = seed.serial_share(gt)};
  const FreedBytes freed = freed_bytes(plan);
  if (freed.free_abc > 0) c.host[model::Stage::kFreeAbc] = one_thread(unmap_ms(freed.free_abc));
  const double cpp = f.dealloc_cpp_ms >= 0 ? f.dealloc_cpp_ms : unmap_ms(freed.dealloc_cpp);
  if (cpp > 0) c.host[model::Stage::kDeallocCpp] = one_thread(cpp);
  if (freed.dealloc_rust > 0) c.host[model::Stage::kDeallocRust] = one_thread(unmap_ms(freed.dealloc_rust));
  add_traffic(c, plan);
  return c;
}

}  // namespace detail

CostModel cost_from_plan(const RunPlan& plan) {
  const BalanceTargets& t = plan.balance_targets;
  if (plan.scale <= 0) throw std::invalid_argument("cost_from_plan: the plan's workload.scale is not resolved");
  const double gpu_total = t.gpu_total_ms * plan.scale;  // the seed's 1.8 s at this scale
  detail::HostFigures f;
  f.synthesis_ms = kSeedPartitionWorkers * gpu_total / (kSeedDevices * t.rho);  // 10 x 1.8 s / 0.51 = 35.3 s
  f.witness_share = t.witness_share;                                             // 0.75
  f.direct_over_pce = t.direct_over_pce;                                         // 1.42
  f.prep_ms = t.prep_over_gpu * gpu_total;                                       // 0.94 x 1.8 s = 1.7 s
  f.b_g2_ms = t.b_g2_over_gpu * gpu_total;                                       // 0.25 x 1.8 s on 192 threads
  f.b_g2_threads = kSeedPoolThreads;
  // cudaHostRegister of a/b/c before the lock: prep starts this long before ntt_msm_h (balance_solver.hpp).
  f.register_ms = t.pre_lock_share() * gpu_total;
  CostModel c = detail::seed_shaped_costs(plan, f);
  detail::device_from_plan(c, plan);
  c.source = fmt::format("profile (the seed's isolation figures x workload.scale {:g})", plan.scale);
  return c;
}

}  // namespace zkc::harness::vtime
