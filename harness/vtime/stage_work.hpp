// A stage's cost (cost_model.hpp) as a piece of fluid CPU work (fluid_cpu.hpp): how much work, at
// what rate on the threads it gets now, and what it asks of the machine while it runs.
#pragma once

#include "harness/vtime/contention_model.hpp"
#include "harness/vtime/cost_model.hpp"
#include "model/stages.hpp"

namespace zkc::harness::vtime {

struct StageWork {
  double work = 0;  // ms alone on `ref_threads` threads
  double rate = 1;  // work per ms at speed 1 on the threads it has now
  CpuDemand demand;
};

// The stage's wall time alone on `threads` threads; a share of a thread (a pool shared by more
// stages than it has threads) stretches the one-thread time.
double ms_on(const CostModel& costs, model::Stage s, double threads);

// The stage costed for `ref_threads` threads, running now on `threads` of them.
StageWork stage_work(const CostModel& costs, model::Stage s, double ref_threads, double threads);
// Only the rate and demand of stage_work (a running stage whose thread count changed).
StageWork reshaped(const CostModel& costs, model::Stage s, double ref_threads, double threads);

}  // namespace zkc::harness::vtime
