// fit_unit_costs: measures this host's unit costs for the balance solver, in a few seconds, at the
// run's shape and with the run's pool sizes: witness generation per variable and multiplication
// (pw generations at once), the rest of synthesis (witness copy, the three products on the synthesis
// pool, densities; pw partitions at once), one prep_msm pass, b_g2_msm at three point counts on a
// groth16 pool of gt threads (Pippenger is not linear), and the sim's host copy of a/b/c.
// Each figure is the median of three readings.
#pragma once

#include <functional>
#include <string>

#include "harness/engine/balance_solver.hpp"
#include "harness/engine/run_plan.hpp"

namespace zkc::harness {

UnitCosts fit_unit_costs(const RunPlan& plan, const std::function<void(const std::string&)>& step = {});

}  // namespace zkc::harness
