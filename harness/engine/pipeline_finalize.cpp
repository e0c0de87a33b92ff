// Pipeline's finalize: the b_g2 join and GPU_END, inline on the GPU worker or on the finalizer
// thread; the hand-off of the partition's buffers to the dealloc threads; and the end of each proof.
#include <fmt/format.h>
#include <malloc.h>
#include <pthread.h>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "harness/engine/pipeline_impl.hpp"

namespace zkc::harness {
namespace {

// The finalizer thread's lane (there is one).
const std::string finalizer_lane = model::lane_worker(model::Lane::kFinalizer);

// Frees each array; returns the bytes they held (0 for one freed already).
template <class... A>
std::uint64_t release_all(A&... arrays) {
  std::uint64_t bytes = 0;
  ((bytes += arrays.bytes(), arrays.release()), ...);
  return bytes;
}

}  // namespace

using model::Event;
using model::Stage;
using pipeline_detail::mark;
using pipeline_detail::ms_between;

// After the GPU stages: join the prep thread (b_g2), end the partition's GPU time, and hand its
// buffers to the dealloc threads.
void Pipeline::Impl::finalize(FinalizeJob fj, const std::string& worker, const CounterSource& mine) {
  PartitionWork& w = *fj.work;
  const Mark j0 = mark(mine);
  fj.prep->thread.join();
  const auto j1 = stage(w.proof, w.partition, Stage::kBG2Join, j0, mine, worker).t;
  if (fj.prep->b_g2_error) std::rethrow_exception(fj.prep->b_g2_error);
  rec.event(j1, Event::kGpuEnd, job_id(w.proof),
            fmt::format("worker={},partition={},gpu_ms={:.3f}", fj.worker, w.partition, ms_between(fj.gpu_start, j1)));
  // prove_finish: the rest of the reservation goes back, and the pacer counts a GPU completion.
  release_budget(w, UINT64_MAX, "prove_finish");
  gpu_completed(std::chrono::duration<double>(j1 - fj.gpu_start).count());
  {
    std::lock_guard lock(state_mutex);
    totals.b_g2_plan = fj.prep->b_g2_plan;
    totals.b_g2_points_total += fj.prep->b_g2_plan.points;
  }
  const int proof = w.proof;  // the dealloc threads own (and free) the work from here on
  spawn_deallocs(std::move(fj));
  finish_partition(proof);
}

void Pipeline::Impl::spawn_deallocs(FinalizeJob fj) {
  const int proof = fj.work->proof, partition = fj.work->partition;
  // Shared ownership lets each side's thread free only its own buffers.
  auto prep = std::shared_ptr<PrepJob>(std::move(fj.prep));
  auto work = std::shared_ptr<PartitionWork>(std::move(fj.work));
  crew.spawn(DeallocSide::kCpp, proof, partition, [prep] {
    const std::uint64_t bytes = prep->split.bytes();
    prep->split.release();
    return fmt::format("bytes={}", bytes);
  });
  std::function<void()> trim;
  if (plan.malloc_trim) trim = [] { malloc_trim(0); };
  crew.spawn(
      DeallocSide::kRust, proof, partition,
      [work] {
        // Phase 11: the ProvingAssignments, a/b/c included, are dropped here (nothing left of a/b/c
        // when the GPU worker freed them already). The detail says what this thread freed.
        const std::uint64_t abc = release_all(work->a, work->b, work->c);
        const std::uint64_t rest =
            release_all(work->aux, work->inputs, work->a_density, work->b_density);
        return fmt::format("bytes={},abc_bytes={}", abc + rest, abc);
      },
      trim);
}

void Pipeline::Impl::finish_partition(int proof) {
  progress.partitions_done.fetch_add(1);
  progress.partitions_in_flight.fetch_sub(1);
  bool proof_done = false;
  {
    std::lock_guard lock(state_mutex);
    proof_done = --proof_remaining[static_cast<std::size_t>(proof)] == 0;
    if (proof_done) ++proofs_done;
  }
  if (proof_done) {
    const auto now = Clock::now();
    rec.event(now, Event::kProofEnd, job_id(proof),
              fmt::format("proof_ms={:.3f}", ms_between(proof_start[static_cast<std::size_t>(proof)], now)));
    progress.proofs_done.fetch_add(1);
    proof_gate.release();
    state_cv.notify_all();
  }
}

// The finalizer thread of engine.finalize = split: finalizes what the GPU workers hand over.
void Pipeline::Impl::finalizer() {
  pthread_setname_np(pthread_self(), finalizer_lane.c_str());
  res.placer->on_thread_start(topology::PoolKind::kGpuWorkers, finalizer_lane);
  const ThreadCounters mine(res.counters, res.tlb);
  while (auto job = finalize_queue.pop()) {
    // In the finalizer's queue: the handed-over partitions wait here for the one finalizer.
    rec.span(job->work->proof, job->work->partition, Stage::kFinalizeQueue, job->queued, Clock::now(), finalizer_lane);
    try {
      finalize(std::move(*job), finalizer_lane, mine);
    } catch (...) {
      fail(std::current_exception());
    }
    finalize_places.release();
  }
}

}  // namespace zkc::harness
