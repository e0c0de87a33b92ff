// run_virtual: the plan's batch through VirtualPipeline, recorded as a real run is, and the result
// in the shape the writers and the analysis read.
#include "harness/vtime/virtual_engine.hpp"

#include <stdexcept>

#include "harness/recorder/recorder.hpp"
#include "harness/vtime/virtual_pipeline.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::harness::vtime {

EngineResult run_virtual(const RunPlan& plan, const VirtualOptions& options) {
  if (plan.memory.pinned_pool) {
    throw std::invalid_argument(
        "memory.abc_buffers = \"pinned_pool\": the virtual backend does not follow the pinned pool's checkouts "
        "(PINNED_* events); use \"heap\"");
  }
  if (plan.proofs == 0 || plan.partitions == 0 || plan.concurrency == 0 || plan.partition_workers == 0 ||
      plan.devices == 0 || plan.gpu_workers_per_device == 0) {
    throw std::invalid_argument("virtual backend: a plan with no proofs, partitions, permits or workers");
  }
  if (plan.memory.arena && plan.memory.arena_slots == 0) {
    throw std::invalid_argument("memory.arena_slots = 0 with memory.allocator = \"arena\": no partition could start");
  }
  // Virtual ms from a fixed origin: the same time points on every run.
  Recorder recorder(Recorder::Clock::time_point{});
  VirtualPipeline pipeline(plan, options, recorder);
  EngineResult out;
  out.totals = pipeline.run();
  out.events = recorder.events();
  out.spans = recorder.spans();
  out.setup_ms = 0;
  out.gpu_backend = "virtual";
  out.counter_status = "virtual time: no counters";
  const auto bytes = workloads::shape_bytes(plan.shape);
  out.pce_bytes = static_cast<double>(bytes.csr_shared);
  out.srs_bytes = static_cast<double>(bytes.srs_pinned);
  return out;
}

}  // namespace zkc::harness::vtime
