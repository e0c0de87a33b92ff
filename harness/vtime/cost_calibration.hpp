// A measured run's stage medians already hold the contention its own schedule had (on a 2-core
// machine the isolation run's two partitions synthesize at once, and prep_msm runs beside the other's
// SpMV). Taken as costs alone, the contention model would count that a second time. So the costs are
// scaled, stage by stage, until the model run on that run's own configuration gives its stage
// medians back: a fixed point, reached in a few iterations. The calibrated costs then carry only
// what the stages cost alone, and the contention model adds what a heavier schedule adds.
#pragma once

#include "harness/engine/run_plan.hpp"
#include "harness/vtime/contention_model.hpp"
#include "harness/vtime/cost_model.hpp"
#include "model/run_data.hpp"

namespace zkc::harness::vtime {

struct Calibration {
  CostModel costs;
  int iterations = 0;
  double worst_error = 0;  // the largest |model / measured - 1| of a host stage's median after the last
};

// `run_plan`: the measured run's own configuration (its config.toml); `run`: its stages. Host stages
// measured in both are scaled; device stages are taken as measured already.
Calibration calibrate_to_run(CostModel costs, const RunPlan& run_plan, const model::RunData& run,
                             const MachineParams& machine, const ContentionSwitches& on, int max_iterations = 8);

}  // namespace zkc::harness::vtime
