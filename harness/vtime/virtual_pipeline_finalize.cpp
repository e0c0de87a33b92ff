// VirtualPipeline's finalize (pipeline_finalize.cpp): the join of the prep thread (b_g2), GPU_END, the
// rest of the budget back, the pacer's GPU completion, the two dealloc threads (dealloc_crew.cpp:
// I1's per-side mutex, the linger, malloc_trim outside it) and the end of the partition.
#include <fmt/format.h>

#include <cstdint>
#include <string>

#include "harness/vtime/virtual_pipeline.hpp"
#include "kernels/field/fr.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::harness::vtime {

using model::Event;
using model::Stage;

void VirtualPipeline::finalizer() {
  finalize_queue_.pop({}, [this](int index) {
    const std::string lane = model::lane_worker(model::Lane::kFinalizer);
    span(part(index), Stage::kFinalizeQueue, part(index).queued, loop_.now(), lane);
    finalize(index, lane, [this] {
      finalize_places_.release();
      finalizer();
    });
  });
}

void VirtualPipeline::finalize(int index, const std::string& worker, Next done) {
  const double j0 = loop_.now();
  const Next joined = [this, index, worker, j0, done = std::move(done)] {
    VPart& p = part(index);
    const double j1 = loop_.now();
    span(p, Stage::kBG2Join, j0, j1, worker);
    event(j1, Event::kGpuEnd, p.proof,
          fmt::format("worker={},partition={},gpu_ms={:.3f}", p.worker_id, p.partition, j1 - p.gpu_start));
    release_budget(p, UINT64_MAX, "prove_finish");
    gpu_completed((j1 - p.gpu_start) / 1e3);
    totals_.b_g2_plan = b_g2_plan_;
    totals_.b_g2_points_total += b_g2_plan_.points;
    loop_.soon([this, index] { dealloc(index, true); });
    loop_.soon([this, index] { dealloc(index, false); });
    finish_partition(p.proof);
    done();
  };
  VPart& p = part(index);
  if (p.prep_thread_done) return joined();
  p.on_prep_thread_done = joined;
}

// A dealloc thread of one side: with I1, the side's mutex first.
void VirtualPipeline::dealloc(int index, bool cpp) {
  if (!plan_.serialize_dealloc) return dealloc_run(index, cpp);
  side_lock_[cpp ? 0 : 1].acquire([this, index, cpp] { dealloc_run(index, cpp); });
}

void VirtualPipeline::dealloc_run(int index, bool cpp) {
  const char* side = cpp ? "cpp" : "rust";
  const std::string worker = model::lane_worker(model::Lane::kDealloc, side);
  const double start = loop_.now();
  const VPart& p = part(index);
  event(start, Event::kDeallocStart, p.proof, fmt::format("side={},partition={}", side, p.partition));
  cpu(cpp ? Stage::kDeallocCpp : Stage::kDeallocRust, [this, index, cpp, side, worker, start] {
    loop_.after(plan_.dealloc_linger_ms, [this, index, cpp, side, worker, start] {
      const VPart& q = part(index);
      const auto bytes = workloads::shape_bytes(plan_.shape);
      std::string freed;
      if (cpp) {
        freed = fmt::format("bytes={}", bytes.split_vectors);
      } else {
        // Phase 11 frees a/b/c here; the rest is the aux and input assignments and the densities.
        const std::uint64_t abc = plan_.abc_release == AbcRelease::kDeallocThread ? bytes.abc : 0;
        const std::uint64_t rest = bytes.aux + std::uint64_t{plan_.shape.inputs} * sizeof(Fr) + bytes.density;
        freed = fmt::format("bytes={},abc_bytes={}", abc + rest, abc);
      }
      const double end = loop_.now();
      event(end, Event::kDeallocEnd, q.proof,
            fmt::format("side={},partition={},dealloc_ms={:.3f},{}", side, q.partition, end - start, freed));
      span(q, cpp ? Stage::kDeallocCpp : Stage::kDeallocRust, start, end, worker);
      if (plan_.serialize_dealloc) side_lock_[cpp ? 0 : 1].release();
      if (cpp || !plan_.malloc_trim) return let_go(index);
      const double t0 = loop_.now();
      cpu(Stage::kMallocTrim, [this, index, worker, t0] {
        span(part(index), Stage::kMallocTrim, t0, loop_.now(), worker);
        let_go(index);
      });
    });
  });
}

// The last holder of the partition's buffers lets go: with the arena, its slot is free again.
void VirtualPipeline::let_go(int index) {
  if (--part(index).holders == 0 && plan_.memory.arena) arena_slots_.release();
}

}  // namespace zkc::harness::vtime
