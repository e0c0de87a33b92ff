// Pipeline's a/b/c buffers (memory.abc_buffers, gpu.device_buffers): where a partition's a/b/c come
// from and how the device sees them. With the pinned pool they are checked out here, in synthesis,
// and checked in wherever engine.abc_release frees heap a/b/c (the dealloc thread at Phase 11, the GPU
// worker at Phase 12): their release() goes to the partition's PinnedPoolSource, never to munmap.
#include <fmt/format.h>

#include <memory>
#include <string>

#include "harness/engine/pipeline_impl.hpp"
#include "workloads/memory/pinned_pool.hpp"

namespace zkc::harness {

using model::Event;

void Pipeline::Impl::allocate_abc(PartitionWork& w, const PartitionSource& from) {
  const std::size_t n = plan.shape.constraints;
  workloads::PinnedPool* const pool = res.memory.pinned_pool();
  if (pool == nullptr) {
    w.a = buffer<Fr>(n, "a = A*w", from, Thp::kAdvise);
    w.b = buffer<Fr>(n, "b = B*w", from, Thp::kAdvise);
    w.c = buffer<Fr>(n, "c = C*w", from, Thp::kAdvise);
    return;
  }
  // The pool's pages were placed when first allocated: no per-partition advice or mbind on them,
  // as the real prover gives its cudaHostAlloc'd buffers none.
  const std::string job = job_id(w.proof);
  const int partition = w.partition;
  w.abc_source = std::make_unique<workloads::PinnedPoolSource>(
      *pool, [&rec = rec, job, partition](const workloads::PinnedPoolEvent& e) {
        if (e.kind == workloads::PinnedPoolEvent::Kind::kCheckout) {
          rec.event(Event::kPinnedCheckout, job,
                    fmt::format("partition={},reuse={},bytes={},free={}", partition, e.reused ? 1 : 0, e.bytes,
                                e.free_buffers));
        } else {
          rec.event(Event::kPinnedCheckin, job,
                    fmt::format("partition={},bytes={},free={}", partition, e.bytes, e.free_buffers));
        }
      });
  // The three together, as the real PinnedAbcBuffers::checkout.
  w.a = workloads::HostArray<Fr>(n, "a = A*w", w.abc_source.get());
  w.b = workloads::HostArray<Fr>(n, "b = B*w", w.abc_source.get());
  w.c = workloads::HostArray<Fr>(n, "c = C*w", w.abc_source.get());
}

// Phases 11-12 page-lock heap a/b/c per partition (pre-staging); pooled ones are page-locked already
// (registering cudaHostAlloc'd memory again is an error), and kept device buffers (b5962135) came
// with pre-staging removed.
bool Pipeline::Impl::registers_abc() const { return !plan.memory.pinned_pool && !plan.keep_device_buffers; }

bool Pipeline::Impl::abc_pinned() const { return plan.memory.pinned_pool || registers_abc(); }

std::string Pipeline::Impl::device_buffer_detail(const workloads::GpuStageTimes& t) const {
  if (!plan.keep_device_buffers) return "";
  return fmt::format(",d_b_alloc_ms={:.3f},d_b_first={}", t.d_b_alloc_ms, t.d_b_first ? 1 : 0);
}

}  // namespace zkc::harness
