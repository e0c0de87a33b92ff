// The virtual-time backend: the engine's pipeline for one plan, with every stage a duration from the
// cost model instead of work, and a virtual clock instead of threads. It follows the same description
// of the pipeline as harness/engine/pipeline*.cpp (admission or budget dispatch, the synthesis queue
// and workers, the synthesis pool, the GPU queue and workers, the device lock, the groth16 FIFO pool
// with prep_msm and the b_g2 tiles, the prep barrier, finalize inline or split, the dealloc crews
// with I1, abc_release, the pacer) and records the same events and stage spans a real run records,
// so a results folder written from it reads in `report`, `explain` and `ab` like any other.
// Deterministic for a seed; 20 proofs x 10 partitions take well under a second.
#pragma once

#include <cstdint>

#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/vtime/contention_model.hpp"
#include "harness/vtime/cost_model.hpp"

namespace zkc::harness::vtime {

struct VirtualOptions {
  CostModel costs;
  MachineParams machine;
  ContentionSwitches contention;
  std::uint64_t seed = 1;  // the budget race's draws and anything else drawn
};

// events and spans as a real run's (offsets in virtual ms from the batch's start), gpu_backend
// "virtual", totals filled where they mean something; throws std::invalid_argument for a plan the
// virtual pipeline cannot follow (saying which key).
EngineResult run_virtual(const RunPlan& plan, const VirtualOptions& options);

}  // namespace zkc::harness::vtime
