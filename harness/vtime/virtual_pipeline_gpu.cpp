// VirtualPipeline's GPU side (pipeline_gpu.cpp): a GPU worker takes a partition, allocates its split
// vectors, starts its prep thread, registers a/b/c, takes the device lock, runs the device's kernels
// (plain durations: no CPU contention reaches them) with the wait for prep_msm before batch_add,
// releases the lock, frees a/b/c (engine.abc_release = gpu_worker), gives back the a/b/c budget and
// hands the partition to finalize. The prep thread queues prep_msm as one job on the groth16 pool,
// then b_g2_msm's jobs behind whatever is queued there (I3's flag raised around it).
#include <fmt/format.h>

#include <string>
#include <utility>

#include "harness/vtime/virtual_pipeline.hpp"

namespace zkc::harness::vtime {

using model::Event;
using model::Stage;

namespace {
std::string who(const VPart& p) { return fmt::format("worker={},partition={}", p.worker_id, p.partition); }
}  // namespace

void VirtualPipeline::gpu_worker(unsigned device, unsigned i) {
  const unsigned worker_id = device * plan_.gpu_workers_per_device + i;
  // GPU_PICKUP as the queue gives the partition.
  gpu_queue_.pop(
      [this, worker_id](const WorkKey& k) {
        event(loop_.now(), Event::kGpuPickup, k.proof, fmt::format("worker={},partition={}", worker_id, k.partition));
      },
      [this, device, i](int index) { process_partition(index, device, i, [this, device, i] { gpu_worker(device, i); }); });
}

void VirtualPipeline::process_partition(int index, unsigned device, unsigned i, Next done) {
  VPart& p = part(index);
  p.worker_id = device * plan_.gpu_workers_per_device + i;
  p.gpu_worker = model::gpu_worker(device, i);
  p.gpu_start = loop_.now();
  event(p.gpu_start, Event::kGpuStart, p.proof, who(p));
  const double t0 = loop_.now();
  cpu(Stage::kSplitAlloc, [this, index, device, t0, done = std::move(done)] {
    VPart& q = part(index);
    span(q, Stage::kSplitAlloc, t0, loop_.now(), q.gpu_worker);
    loop_.soon([this, index, device] { prep_thread(index, device); });
    // Heap a/b/c with per-partition device buffers are page-locked (cudaHostRegister) before the lock.
    const bool registers = !plan_.memory.pinned_pool && !plan_.keep_device_buffers;
    const double r0 = loop_.now();
    const Next after = [this, index, device, r0, done] {
      span(part(index), Stage::kRegister, r0, loop_.now(), part(index).gpu_worker);
      locked(index, device, loop_.now(), done);
    };
    if (registers) return cpu(Stage::kRegister, after);
    after();
  });
}

void VirtualPipeline::locked(int index, unsigned device, double r1, Next done) {
  device_locks_[device]->acquire([this, index, device, r1, done = std::move(done)] {
    const double l1 = loop_.now();
    const VPart& p = part(index);
    span(p, Stage::kLockWait, r1, l1, p.gpu_worker);
    event(l1, Event::kLockAcquired, p.proof, fmt::format("{},device={},wait_ms={:.3f}", who(p), device, l1 - r1));
    device_stages(index, device, l1, done);
  });
}

void VirtualPipeline::device_stage(int index, Stage s, double ms, Next then) {
  const double s0 = loop_.now();
  loop_.after(ms, [this, index, s, s0, then = std::move(then)] {
    span(part(index), s, s0, loop_.now(), part(index).gpu_worker);
    then();
  });
}

// Under the device lock: upload, ntt_msm_h, the wait for prep_msm, batch_add, tail_msm.
void VirtualPipeline::device_stages(int index, unsigned device, double l1, Next done) {
  const Next tail = [this, index, device, l1, done] {
    device_stage(index, Stage::kBatchAdd, opt_.costs.batch_add_ms, [this, index, device, l1, done] {
      device_stage(index, Stage::kTailMsm, opt_.costs.tail_msm_ms, [this, index, device, l1, done] {
        unlocked(index, device, l1, l1, done);
      });
    });
  };
  device_stage(index, Stage::kUpload, opt_.costs.upload_ms, [this, index, tail] {
    device_stage(index, Stage::kNttMsmH, opt_.costs.ntt_msm_h_ms, [this, index, tail] {
      const double w0 = loop_.now();
      const Next waited = [this, index, w0, tail] {
        span(part(index), Stage::kPrepWait, w0, loop_.now(), part(index).gpu_worker);
        tail();
      };
      VPart& p = part(index);
      if (p.prep_done) return waited();
      p.on_prep_done = waited;
    });
  });
}

void VirtualPipeline::unlocked(int index, unsigned device, double l1, double first, Next done) {
  const VPart& p = part(index);
  const CostModel& c = opt_.costs;
  std::string kept;
  if (plan_.keep_device_buffers) {
    kept = fmt::format(",d_b_alloc_ms={:.3f},d_b_first={}", 0.0, device_kept_[device] == 0 ? 1 : 0);
    ++device_kept_[device];
  }
  const double l2 = loop_.now();
  event(l2, Event::kGpuTiming, p.proof,
        fmt::format("{},device={},upload_ms={:.3f},ntt_msm_h_ms={:.3f},batch_add_ms={:.3f},tail_msm_ms={:.3f},"
                    "gpu_total_ms={:.3f}{}",
                    who(p), device, c.upload_ms, c.ntt_msm_h_ms, c.batch_add_ms, c.tail_msm_ms, l2 - first, kept));
  span(p, Stage::kLockHeld, l1, l2, p.gpu_worker);
  event(l2, Event::kLockReleased, p.proof, fmt::format("{},device={},held_ms={:.3f}", who(p), device, l2 - l1));
  device_locks_[device]->release();
  const Next freed = [this, index, done] {
    // The first budget release, right after prove_start returned (a/b/c consumed).
    release_budget(part(index), plan_.dispatch.abc_bytes, "prove_start");
    hand_over(index, done);
  };
  if (plan_.abc_release != AbcRelease::kGpuWorker) return freed();
  const double f0 = loop_.now();
  cpu(Stage::kFreeAbc, [this, index, f0, freed] {
    span(part(index), Stage::kFreeAbc, f0, loop_.now(), part(index).gpu_worker);
    freed();
  });
}

// The prep thread: prep_msm as one job on the groth16 pool (it can wait behind another's b_g2), then b_g2.
void VirtualPipeline::prep_thread(int index, unsigned device) {
  part(index).prep_queued = loop_.now();
  groth16_.run_single(
      Stage::kPrepMsm,
      [this, index] {
        VPart& p = part(index);
        p.prep_began = loop_.now();
        event(p.prep_began, Event::kPrepStart, p.proof, who(p));
      },
      [this, index, device] {
        VPart& p = part(index);
        const double p1 = loop_.now();
        event(p1, Event::kPrepEnd, p.proof, fmt::format("{},prep_ms={:.3f}", who(p), p1 - p.prep_began));
        prep_done(p);
        const std::string lane = model::lane_worker(model::Lane::kGroth16);
        span(p, Stage::kPrepQueue, p.prep_queued, p.prep_began, lane);
        span(p, Stage::kPrepMsm, p.prep_began, p1, lane);
        run_b_g2(index, device);
      });
}

void VirtualPipeline::prep_done(VPart& p) {
  p.prep_done = true;
  if (p.on_prep_done) loop_.soon(std::exchange(p.on_prep_done, nullptr));
}

// b_g2_msm under I3: THROTTLE_SET before its jobs are queued, THROTTLE_CLEAR when the call returns.
void VirtualPipeline::run_b_g2(int index, unsigned device) {
  const double b0 = loop_.now();
  const bool global = plan_.throttle_flag == ThrottleFlag::kGlobal;
  if (plan_.membw_throttle) {
    const int flag = global ? (global_throttle_ = 1) : ++device_throttle_[device];
    event(b0, Event::kThrottleSet, part(index).proof, fmt::format("{},flag={}", who(part(index)), flag));
  }
  auto returned = [this, index, device, b0, global](VFifoPool::SplitTimes t) {
    VPart& p = part(index);
    if (plan_.membw_throttle) {
      const int flag = global ? (global_throttle_ = 0) : --device_throttle_[device];
      event(loop_.now(), Event::kThrottleClear, p.proof, fmt::format("{},flag={}", who(p), flag));
    }
    const std::string lane = model::lane_worker(model::Lane::kGroth16);
    span(p, Stage::kBG2Queue, b0, t.first, lane);
    span(p, Stage::kBG2Msm, t.first, t.last, lane);
    event(t.first, Event::kBG2Start, p.proof, fmt::format("{},threads={}", who(p), groth16_.size()));
    event(t.last, Event::kBG2End, p.proof, fmt::format("{},b_g2_ms={:.3f}", who(p), t.last - t.first));
    p.prep_thread_done = true;
    if (p.on_prep_thread_done) loop_.soon(std::exchange(p.on_prep_thread_done, nullptr));
  };
  if (b_g2_plan_.workers == 0) {  // no tile: the call returns at once
    loop_.soon([this, returned] { returned({loop_.now(), loop_.now()}); });
    return;
  }
  groth16_.run_split(Stage::kBG2Msm, b_g2_plan_.workers, returned);
}

void VirtualPipeline::hand_over(int index, Next done) {
  const std::string worker = part(index).gpu_worker;
  if (plan_.finalize == FinalizeMode::kInline) return finalize(index, worker, std::move(done));
  // Split: wait for a place (engine.max_finalizing), then hand the partition to the finalizer.
  const double w0 = loop_.now();
  finalize_places_.acquire([this, index, worker, w0, done = std::move(done)] {
    VPart& p = part(index);
    if (plan_.max_finalizing > 0) span(p, Stage::kFinalizeWait, w0, loop_.now(), worker);
    p.queued = loop_.now();
    finalize_queue_.push({p.proof, p.partition}, index, {}, done);
  });
}

}  // namespace zkc::harness::vtime
