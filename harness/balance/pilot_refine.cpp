#include "harness/balance/pilot_refine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/balance/balance_report.hpp"
#include "harness/engine/engine.hpp"

namespace zkc::harness {
namespace {

constexpr double kGoodEnough = 0.10;

// A pilot is what the isolation check runs, `run -c 1 -j 1`, several times: one proof alone in a fresh
// engine (cold pages, cold pools), so the fit aims at the very statistic the check reads. Each stage's
// figure is the median over the runs of that run's own median: with P = 2 one run's medians are two
// noisy values each, and the partition that waits for prep under the lock alternates between them.
constexpr unsigned kRunsPerPilot = 5;

StageMedians median_of(const std::vector<StageMedians>& runs) {
  const auto med = [&](double StageMedians::*field) {
    std::vector<double> v;
    for (const auto& r : runs) v.push_back(r.*field);
    return analysis::percentile(std::move(v), 0.5);
  };
  StageMedians out;
  for (double StageMedians::*f : {&StageMedians::synthesis, &StageMedians::witness, &StageMedians::prep,
                                   &StageMedians::b_g2, &StageMedians::gpu_total, &StageMedians::ntt_msm_h,
                                   &StageMedians::batch_add, &StageMedians::tail_msm, &StageMedians::register_abc,
                                   &StageMedians::post_lock_share}) {
    out.*f = med(f);
  }
  return out;
}

StageMedians run_pilot(RunPlan plan, const BalanceFit& fit) {
  plan.proofs = 1;
  plan.concurrency = 1;
  plan.counters = false;
  apply_balance_fit(plan, fit);
  std::vector<StageMedians> runs;
  for (unsigned i = 0; i < kRunsPerPilot; ++i) {
    const EngineResult r = run_engine(plan, {});
    runs.push_back(stage_medians(analysis::compute_metrics(r.events), r.spans));
  }
  return median_of(runs);
}

double factor(double measured, double predicted) {
  return measured > 0 && predicted > 0 && std::isfinite(measured / predicted) ? measured / predicted : 1.0;
}

// How far a pilot is from the targets: the largest |achieved / target - 1| over the decisive numbers
// (the post-lock share counts only above its bound). The numbers the isolation check reads, not each
// stage against its prediction: two stages 10% off in opposite directions put a ratio 20% off.
double miss(RunPlan plan, const BalanceFit& fit, const StageMedians& got) {
  apply_balance_fit(plan, fit);
  double worst = 0;
  for (const BalanceNumber& n : balance_numbers(plan, &got)) {
    if (!n.decisive || !std::isfinite(n.achieved)) continue;
    worst = std::max(worst, n.key == "post_lock_share" ? std::max(0.0, n.achieved / n.target - 1)
                                                        : std::abs(n.achieved / n.target - 1));
  }
  return worst;
}

}  // namespace

double gpu_total_anchor(const BalanceTargets& t, const StageMedians& device) {
  return (device.ntt_msm_h + device.batch_add + device.tail_msm) / std::max(1e-9, 1.0 - t.wait_share());
}

UnitCosts corrected_costs(const UnitCosts& costs, const StageSizes& s, const StageMedians& pilot, double damping,
                          bool direct) {
  UnitCosts c = costs;
  // A damped correction moves part of the way (in log terms), so pilot noise does not ping-pong.
  const auto damped = [damping](double measured, double predicted) {
    return std::pow(factor(measured, predicted), damping);
  };
  // The sizes' predictions were made from `costs`: each is what this stage was expected to take.
  const double kw = damped(pilot.witness, s.witness_ms);
  c.witness_ns_per_var *= kw;
  c.witness_ns_per_mul *= kw;
  // The rest of synthesis is the products on the PCE path, the direct evaluation on the direct path.
  const double rest = pilot.synthesis - pilot.witness;
  if (rest > 0 && !direct) c.synthesis_rest_ms *= damped(rest, c.synthesis_rest_ms);
  if (rest > 0 && direct && s.direct_ms > 0) {
    const double kd = damped(rest, s.direct_ms);
    c.direct_ns_per_term *= kd;
    c.direct_ns_per_mul *= kd;
  }
  c.prep_ms_per_pass *= damped(pilot.prep, s.prep_ms);
  const double kb = damped(pilot.b_g2, s.b_g2_ms);
  for (auto& r : c.b_g2) r.ms *= kb;
  // What the sim's batch_add and tail_msm add to their modelled time: its host copies.
  if (pilot.batch_add > 0) c.batch_copy_ms = std::max(0.0, pilot.batch_add - s.batch_add_ms);
  if (pilot.tail_msm > 0) c.tail_copy_ms = std::max(0.0, pilot.tail_msm - s.tail_msm_ms);
  return c;
}

BalanceFit refine_with_pilots(const RunPlan& plan, BalanceFit fit, unsigned pilots,
                              const std::function<void(const std::string&)>& step) {
  BalanceInputs in = balance_inputs(plan);
  fit.pilots_direct = direct_synthesis(plan);
  // Every fit a pilot ran is a candidate; the one nearest the targets wins (a noisy pilot can send a
  // correction the wrong way, so the last fit is not always the best).
  std::optional<BalanceFit> best;
  double best_miss = 0;
  const auto consider = [&](const BalanceFit& f) {
    const double m = miss(plan, f, f.verified);
    if (!best || m < best_miss) {
      best = f;
      best_miss = m;
    }
    return m;
  };
  for (unsigned i = 0; i < pilots; ++i) {
    if (step) step(fmt::format("fit: pilot {} of at most {} ({} isolation runs)", i + 1, pilots, kRunsPerPilot));
    const StageMedians got = run_pilot(plan, fit);
    fit.verified = got;
    const StageSizes& s = fit.sizes;
    if (consider(fit) <= kGoodEnough) return fit;
    if (plan.backend == GpuBackendKind::kCuda && got.ntt_msm_h > 0) {
      // A real device: what its kernels took is the anchor, not the configured times.
      in.gpu_total_anchor_ms = gpu_total_anchor(plan.balance_targets, got);
    }
    fit.costs = corrected_costs(fit.costs, s, got, i == 0 ? 1.0 : 0.5, direct_synthesis(plan));
    fit.sizes = solve_balance(fit.costs, plan.balance_targets, in);
  }
  if (step) step(fmt::format("fit: verifying pilot ({} isolation runs)", kRunsPerPilot));
  fit.verified = run_pilot(plan, fit);
  consider(fit);
  return *best;
}

}  // namespace zkc::harness
