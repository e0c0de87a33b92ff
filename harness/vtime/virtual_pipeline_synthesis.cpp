// VirtualPipeline's synthesis workers (pipeline_synthesis.cpp): [arena slot] -> SYNTH_START ->
// witness -> witness copy and SpMV on the shared synthesis pool (synthesis.path = pce) or the direct
// evaluation on the worker (direct) -> density -> SYNTH_END -> the GPU queue (the push waits while
// it is full, holding the worker).
#include <fmt/format.h>

#include <string>

#include "harness/vtime/virtual_pipeline.hpp"

namespace zkc::harness::vtime {

using model::Event;
using model::Stage;

void VirtualPipeline::synthesis_worker(unsigned i) {
  const std::string worker = model::lane_worker(model::Lane::kSynthWorker, std::to_string(i));
  next_synthesis(worker, [this, i, worker](int index) {
    synthesize(index, worker, [this, i, worker, index] {
      const double q0 = loop_.now();
      const VPart& p = part(index);
      // The queue event is stamped as the partition enters the queue; the wait for room is queue_push.
      gpu_queue_.push(
          {p.proof, p.partition}, index,
          [this](const WorkKey& k) {
            event(loop_.now(), plan_.queue_event, k.proof, fmt::format("partition={}", k.partition));
          },
          [this, i, worker, index, q0] {
            span(part(index), Stage::kQueuePush, q0, loop_.now(), worker);
            synthesis_worker(i);
          });
    });
  });
}

void VirtualPipeline::synthesize(int index, const std::string& worker, Next done) {
  if (!plan_.memory.arena) return synthesize_started(index, worker, std::move(done));
  const double s0 = loop_.now();
  arena_slots_.acquire([this, index, worker, s0, done = std::move(done)] {
    span(part(index), Stage::kSlotWait, s0, loop_.now(), worker);
    synthesize_started(index, worker, done);
  });
}

void VirtualPipeline::synthesize_started(int index, const std::string& worker, Next done) {
  const double start = loop_.now();
  const VPart& p = part(index);
  event(start, Event::kSynthStart, p.proof, fmt::format("partition={}", p.partition));
  cpu(Stage::kWitnessGen, [this, index, worker, start, done = std::move(done)] {
    const double t_wit = loop_.now();
    span(part(index), Stage::kWitnessGen, start, t_wit, worker);
    if (direct_synthesis(plan_)) return products(index, worker, t_wit, start, done);
    cpu(Stage::kWitnessCopy, [this, index, worker, start, t_wit, done] {
      span(part(index), Stage::kWitnessCopy, t_wit, loop_.now(), worker);
      products(index, worker, loop_.now(), start, done);
    });
  });
}

// a/b/c: the direct evaluation on this worker, or the three SpMVs on the synthesis pool.
void VirtualPipeline::products(int index, const std::string& worker, double t0, double start, Next done) {
  if (direct_synthesis(plan_)) {
    return cpu(Stage::kDirectEval, [this, index, worker, t0, start, done = std::move(done)] {
      span(part(index), Stage::kDirectEval, t0, loop_.now(), worker);
      density(index, worker, start, done);
    });
  }
  synthesis_pool_.run(Stage::kSpmv, [this, index, worker, t0, start, done = std::move(done)] {
    span(part(index), Stage::kSpmv, t0, loop_.now(), model::lane_worker(model::Lane::kSynthPool));
    const std::uint64_t per_matrix = (plan_.shape.constraints + plan_.chunk_rows - 1) / plan_.chunk_rows;
    totals_.spmv_chunks += 3 * per_matrix;
    density(index, worker, start, done);
  });
}

void VirtualPipeline::density(int index, const std::string& worker, double start, Next done) {
  const double t0 = loop_.now();
  cpu(Stage::kDensity, [this, index, worker, start, t0, done = std::move(done)] {
    const double end = loop_.now();
    const VPart& p = part(index);
    span(p, Stage::kDensity, t0, end, worker);
    // Nothing reads I3's flag in virtual time: the SpMV's yields are not modelled.
    event(end, Event::kSynthEnd, p.proof,
          fmt::format("partition={},synth_ms={:.3f},yields={}", p.partition, end - start, 0));
    span(p, Stage::kSynthesis, start, end, worker);
    done();
  });
}

}  // namespace zkc::harness::vtime
