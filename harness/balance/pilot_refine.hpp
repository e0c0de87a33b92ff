// The fit's second step: unit costs measured in isolation miss what the pipeline adds to them on
// this host (first-touch page faults on fresh buffers, the other GPU worker's prep sharing the
// cores with b_g2, cold matrices). So the solved sizes run as a pilot (five fresh isolation runs,
// c=1 j=1, exactly what the isolation check runs; counters off, the plan's memory strategy), each
// CPU stage's cost is corrected by measured / predicted, and the sizes are solved again, until the
// decisive numbers (rho, prep/gpu_total, b_g2/gpu_total, witness share) are within 10% of their
// targets or the pilots run out.
#pragma once

#include <functional>
#include <string>

#include "harness/engine/balance_solver.hpp"
#include "harness/engine/run_plan.hpp"

namespace zkc::harness {

// The unit costs corrected by a pilot that ran with `sizes` (solved from `costs`, so their predictions
// are what each stage was expected to take); pure, so tests use it without a pilot. The witness
// costs, the rest of synthesis (the products, or with `direct` the direct evaluation's costs: the
// pilot ran the plan's synthesis.path), the prep pass and every b_g2 reading scale by measured / predicted;
// the sim's host copies in batch_add and tail_msm become what the stages took beyond their model.
// `damping` in (0, 1] moves that share of the way in log terms (1 = all the way).
UnitCosts corrected_costs(const UnitCosts& costs, const StageSizes& sizes, const StageMedians& pilot,
                          double damping = 1.0, bool direct = false);

// The gpu_total a device's kernel medians stand for: the kernels plus the seed's share of waiting
// for prep under the lock (the cuda backend's anchor, from its pilots).
double gpu_total_anchor(const BalanceTargets& targets, const StageMedians& device);

// Runs up to `pilots` pilots of `plan` with the fit's sizes, correcting after each, then one more
// that verifies the last sizes (unless a pilot was already close); returns the refined fit with
// that pilot's medians in `verified`.
BalanceFit refine_with_pilots(const RunPlan& plan, BalanceFit fit, unsigned pilots,
                              const std::function<void(const std::string&)>& step = {});

}  // namespace zkc::harness
