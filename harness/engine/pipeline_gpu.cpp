// Pipeline's GPU side: the GPU workers (register a/b/c, the device stages under the device lock,
// free a/b/c, hand-off to finalize) and each partition's prep thread (prep_msm, then b_g2_msm, both
// on the groth16 pool).
#include <fmt/format.h>
#include <pthread.h>

#include <atomic>
#include <cstdio>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "harness/engine/pipeline_impl.hpp"
#include "workloads/prover/prep_msm.hpp"

namespace zkc::harness {
namespace {

using model::Event;
using model::Stage;
using pipeline_detail::Clock;
using pipeline_detail::mark;
using pipeline_detail::ms_between;
using pipeline_detail::window_mark;

// The lane of the groth16 pool's rows (its threads are not numbered).
const std::string groth16_lane = model::lane_worker(model::Lane::kGroth16);

// Intervention I3 around one b_g2_msm. kGlobal is the real prover's: one process-wide flag stored 1
// before and 0 after, so with gw > 1 one worker's b_g2 ending clears it under another's still
// running; kCounted raises a per-device count instead. THROTTLE_SET and THROTTLE_CLEAR are stamped
// right after each change with the flag's new value (flag=N), so the metrics can tell how long the
// flag was really up during each b_g2.
class ThrottleRaise {
 public:
  ThrottleRaise(std::atomic<int>& flag, bool enabled, ThrottleFlag mode, Recorder& rec, std::string job, std::string who)
      : flag_(flag), enabled_(enabled), mode_(mode), rec_(rec), job_(std::move(job)), who_(std::move(who)) {
    if (!enabled_) return;
    int now = 1;
    if (mode_ == ThrottleFlag::kGlobal) {
      flag_.store(1, std::memory_order_release);
    } else {
      now = flag_.fetch_add(1, std::memory_order_release) + 1;
    }
    rec_.event(Event::kThrottleSet, job_, fmt::format("{},flag={}", who_, now));
  }
  ~ThrottleRaise() {
    if (!enabled_) return;
    int now = 0;
    if (mode_ == ThrottleFlag::kGlobal) {
      flag_.store(0, std::memory_order_release);
    } else {
      now = flag_.fetch_sub(1, std::memory_order_release) - 1;
    }
    rec_.event(Event::kThrottleClear, job_, fmt::format("{},flag={}", who_, now));
  }
  ThrottleRaise(const ThrottleRaise&) = delete;
  ThrottleRaise& operator=(const ThrottleRaise&) = delete;

 private:
  std::atomic<int>& flag_;
  bool enabled_;
  ThrottleFlag mode_;
  Recorder& rec_;
  std::string job_, who_;
};

// a/b/c stay page-locked exactly while the device may read them: released explicitly after the
// GPU stages (errors propagate), or on the way out when a stage throws (errors reported), so a
// buffer is never unmapped while still registered.
class HostRegistrations {
 public:
  explicit HostRegistrations(workloads::GpuDevice& device) : device_(device) {}
  ~HostRegistrations() {
    try {
      release_all();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "zkcontend: unregistering host memory: %s\n", e.what());
    }
  }
  HostRegistrations(const HostRegistrations&) = delete;
  HostRegistrations& operator=(const HostRegistrations&) = delete;

  void add(std::span<const std::byte> region) {
    device_.register_host(region);
    regions_.push_back(region);
  }
  void release_all() {
    while (!regions_.empty()) {
      const auto region = regions_.back();
      regions_.pop_back();
      device_.unregister_host(region);
    }
  }

 private:
  workloads::GpuDevice& device_;
  std::vector<std::span<const std::byte>> regions_;
};

template <class T>
std::span<const std::byte> byte_span(const workloads::HostArray<T>& a) {
  return {reinterpret_cast<const std::byte*>(a.data()), a.bytes()};
}

}  // namespace

std::unique_ptr<Pipeline::Impl::PrepJob> Pipeline::Impl::start_prep(const PartitionWork& w,
                                                                   workloads::GpuResources& gpu, unsigned worker_id,
                                                                   const CounterSource& worker_counters) {
  auto job = std::make_unique<PrepJob>();
  const Mark t0 = mark(worker_counters);
  job->lease = w.memory.lease;
  job->split = workloads::allocate_split_vectors(plan.shape, w.memory.source);
  for (const workloads::HostRegion* r :
       {&job->split.one_bits.region(), &job->split.tail_bits.region(), &job->split.a_tail_scalars.region(),
        &job->split.a_tail_bases.region(), &job->split.b_tail_scalars.region(), &job->split.b_g1_tail_bases.region(),
        &job->split.b_g2_tail_bases.region()}) {
    place(r->data(), r->bytes());
  }
  // worker_id counts over all devices (the timeline's worker=); the lane is this device's own index.
  stage(w.proof, w.partition, Stage::kSplitAlloc, t0, worker_counters,
        model::gpu_worker(gpu.device->index(), worker_id % plan.gpu_workers_per_device));
  PrepJob* j = job.get();
  job->thread = std::thread([this, j, &w, &gpu, worker_id] { prep_thread(*j, w, gpu, worker_id); });
  return job;
}

// The prep thread's body: prep_msm, whose end lets batch_add go on, then b_g2_msm. An error in
// prep_msm goes to the GPU worker through prep_done; one in b_g2 to finalize through b_g2_error.
void Pipeline::Impl::prep_thread(PrepJob& j, const PartitionWork& w, workloads::GpuResources& gpu,
                                 unsigned worker_id) {
  pthread_setname_np(pthread_self(), "prep");
  res.placer->on_thread_start(topology::PoolKind::kPrep, fmt::format("prep-{}.{}", w.proof, w.partition));
  const std::string job_name = job_id(w.proof);
  const std::string who = fmt::format("worker={},partition={}", worker_id, w.partition);
  // prep_msm is one job on the groth16 pool, the same FIFO as every b_g2's tiles (the real
  // prover's par_map(1, ...)): it can wait behind another worker's b_g2. Rows: prep_queue (in
  // the pool's queue; no counters), prep_msm (running; the counters of the worker that ran it).
  bool prep_set = false;
  try {
    const Clock::time_point q0 = Clock::now();
    Mark p0, p1;
    PoolJobCounters prep_job(groth16_pool_counters);
    res.groth16_pool
        .submit([&] {
          const auto me = static_cast<unsigned>(res.groth16_pool.current_worker_index());
          prep_job.job_begin(me);
          p0 = window_mark(groth16_pool_counters);
          rec.event(p0.t, Event::kPrepStart, job_name, who);
          workloads::prep_msm(plan.shape, res.srs, w.aux.span(), w.a_density.span(), w.b_density.span(), j.split,
                              plan.prep_passes);
          p1 = window_mark(groth16_pool_counters);
          prep_job.job_end(me);
          rec.event(p1.t, Event::kPrepEnd, job_name, fmt::format("{},prep_ms={:.3f}", who, ms_between(p0.t, p1.t)));
          prep_set = true;
          j.prep_done.set_value();  // from the pool worker: batch_add need not wait for this thread
        })
        .get();
    rec.span(w.proof, w.partition, Stage::kPrepQueue, q0, p0.t, groth16_lane);
    rec.span(w.proof, w.partition, Stage::kPrepMsm, p0.t, p1.t, groth16_lane, prep_job.counts(p0.snap, p1.snap));
  } catch (...) {
    if (!prep_set) j.prep_done.set_exception(std::current_exception());
    res.placer->on_thread_exit();
    return;
  }
  try {
    run_b_g2(j, w, gpu, who);
  } catch (...) {
    j.b_g2_error = std::current_exception();
  }
  res.placer->on_thread_exit();
}

// b_g2_msm under intervention I3. Its tiles queue on the groth16 pool: BG2_START..BG2_END is when
// they ran (b_g2_queue before).
void Pipeline::Impl::run_b_g2(PrepJob& j, const PartitionWork& w, workloads::GpuResources& gpu,
                              const std::string& who) {
  const std::string job_name = job_id(w.proof);
  const Mark b0 = window_mark(groth16_pool_counters);
  MsmTiming ran;
  PoolJobCounters b_g2_jobs(groth16_pool_counters);
  {
    std::atomic<int>& flag = plan.throttle_flag == ThrottleFlag::kGlobal ? global_throttle : gpu.membw_throttle;
    const ThrottleRaise raise(flag, plan.membw_throttle, plan.throttle_flag, rec, job_name, who);
    workloads::b_g2_msm(j.split, res.groth16_pool, &j.b_g2_plan, plan.b_g2_points, &ran, &b_g2_jobs);
  }
  const Mark b1 = window_mark(groth16_pool_counters);
  if (ran.last_tile_end == MsmTiming{}.last_tile_end) ran.first_tile_start = ran.last_tile_end = b0.t;  // no tile
  rec.span(w.proof, w.partition, Stage::kBG2Queue, b0.t, ran.first_tile_start, groth16_lane);
  // The counters of this b_g2's own tile jobs; the machine column's window is the whole call.
  rec.span(w.proof, w.partition, Stage::kBG2Msm, ran.first_tile_start, ran.last_tile_end, groth16_lane,
           b_g2_jobs.counts(b0.snap, b1.snap));
  rec.event(ran.first_tile_start, Event::kBG2Start, job_name,
            fmt::format("{},threads={}", who, res.groth16_pool.size()));
  rec.event(ran.last_tile_end, Event::kBG2End, job_name,
            fmt::format("{},b_g2_ms={:.3f}", who, ms_between(ran.first_tile_start, ran.last_tile_end)));
}

void Pipeline::Impl::gpu_worker(unsigned device, unsigned index) {
  const unsigned worker_id = device * plan.gpu_workers_per_device + index;
  const std::string worker = model::gpu_worker(device, index);
  pthread_setname_np(pthread_self(), worker.c_str());
  workloads::GpuResources& gpu = *res.gpus[device];
  res.placer->on_thread_start(topology::PoolKind::kGpuWorkers, worker);
  const ThreadCounters mine(res.counters, res.tlb);
  // GPU_PICKUP is stamped under the queue's lock: the timeline shows the order the queue gave.
  const auto picked = [&](const WorkKey& k) {
    rec.event(Event::kGpuPickup, job_id(k.proof), fmt::format("worker={},partition={}", worker_id, k.partition));
  };
  while (auto item = gpu_queue.pop(picked)) {
    try {
      process_partition(std::move(*item), gpu, worker_id, worker, mine);
    } catch (...) {
      fail(std::current_exception());
      return;
    }
  }
}

void Pipeline::Impl::process_partition(std::unique_ptr<PartitionWork> w, workloads::GpuResources& gpu,
                                       unsigned worker_id, const std::string& worker, const CounterSource& mine) {
  const std::string job = job_id(w->proof);
  const std::string who = fmt::format("worker={},partition={}", worker_id, w->partition);
  const auto gpu_start = Clock::now();
  rec.event(gpu_start, Event::kGpuStart, job, who);

  auto prep = start_prep(*w, gpu, worker_id, mine);
  std::future<void> prep_future = prep->prep_done.get_future();
  const Mark r0 = mark(mine);
  HostRegistrations registered(*gpu.device);
  if (registers_abc()) {
    for (const auto* arr : {&w->a, &w->b, &w->c}) registered.add(byte_span(*arr));
  }
  const Mark r1 = stage(w->proof, w->partition, Stage::kRegister, r0, mine, worker);
  {
    std::unique_lock lock(gpu.gpu_mutex);
    const Mark l1 = stage(w->proof, w->partition, Stage::kLockWait, r1, mine, worker);
    const std::string dev = fmt::format("{},device={}", who, gpu.device->index());
    rec.event(l1.t, Event::kLockAcquired, job, fmt::format("{},wait_ms={:.3f}", dev, ms_between(r1.t, l1.t)));
    const workloads::GpuPartitionInput input{w->a.span(), w->b.span(), w->c.span(), plan.shape.domain_size(),
                                             &prep->split, abc_pinned()};
    const workloads::GpuStageTimes t = gpu.device->prove_partition(
        input, [&] { prep_future.get(); },
        [&](Stage stage, Clock::time_point s, Clock::time_point e) {
          rec.span(w->proof, w->partition, stage, s, e, worker);
        });
    // The device's clock (CUDA events on cuda), in the real prover's CUZK_TIMING key names.
    rec.event(Event::kGpuTiming, job,
              fmt::format("{},upload_ms={:.3f},ntt_msm_h_ms={:.3f},batch_add_ms={:.3f},tail_msm_ms={:.3f},"
                          "gpu_total_ms={:.3f}{}",
                          dev, t.upload_ms, t.ntt_msm_h_ms, t.batch_add_ms, t.tail_msm_ms, t.gpu_total_ms,
                          device_buffer_detail(t)));
    // The device's own stages above carry times only; this row carries the worker's counters for all.
    const Mark l2 = stage(w->proof, w->partition, Stage::kLockHeld, l1, mine, worker);
    rec.event(l2.t, Event::kLockReleased, job, fmt::format("{},held_ms={:.3f}", dev, ms_between(l1.t, l2.t)));
  }
  registered.release_all();
  if (plan.abc_release == AbcRelease::kGpuWorker) {
    // Phase 12: a/b/c go synchronously on the GPU worker, right after the device is done with them.
    const Mark f0 = mark(mine);
    w->a.release();
    w->b.release();
    w->c.release();
    stage(w->proof, w->partition, Stage::kFreeAbc, f0, mine, worker);
  }
  // The real prover's first budget release, right after prove_start returned (a/b/c consumed).
  release_budget(*w, plan.dispatch.abc_bytes, "prove_start");
  hand_over(FinalizeJob{std::move(w), std::move(prep), gpu_start, worker_id, {}}, worker, mine);
}

void Pipeline::Impl::hand_over(FinalizeJob fj, const std::string& worker, const CounterSource& mine) {
  if (plan.finalize == FinalizeMode::kInline) {
    finalize(std::move(fj), worker, mine);
    return;
  }
  // Split (Phase 12): hand the partition to the finalizer and take the next one. With
  // engine.max_finalizing the worker first waits for a place, so b_g2s in flight stay bounded.
  const Mark w0 = mark(mine);
  if (!finalize_places.acquire()) throw std::runtime_error("finalizer closed");
  if (plan.max_finalizing > 0) stage(fj.work->proof, fj.work->partition, Stage::kFinalizeWait, w0, mine, worker);
  fj.queued = Clock::now();
  if (!finalize_queue.push(std::move(fj))) {
    // Closed by a failure elsewhere; the dropped job joined its prep thread.
    throw std::runtime_error("finalizer queue closed");
  }
}

}  // namespace zkc::harness
