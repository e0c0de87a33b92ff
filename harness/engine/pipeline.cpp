#include "harness/engine/pipeline.hpp"

#include <fmt/format.h>
#include <malloc.h>
#include <pthread.h>

#include <cstdio>
#include <exception>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "harness/engine/blocking_queue.hpp"
#include "harness/engine/dealloc_crew.hpp"
#include "harness/engine/stage_counters.hpp"
#include "kernels/random/splitmix.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/memory/numa_policy.hpp"
#include "workloads/memory/page_advice.hpp"
#include "workloads/prover/prep_msm.hpp"
#include "workloads/prover/split_vectors.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::harness {
namespace {

using Clock = Recorder::Clock;
using model::Event;
using model::Stage;
using workloads::HostArray;

// Lanes of the threads that are not numbered.
const std::string groth16_lane = model::lane_worker(model::Lane::kGroth16);
const std::string finalizer_lane = model::lane_worker(model::Lane::kFinalizer);

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// A partition's Rust-side state from synthesis until its dealloc thread frees it.
struct PartitionWork {
  PartitionSource memory;  // first: with the arena, the slot outlives every buffer below
  int proof = 0;
  int partition = 0;
  HostArray<Fr> inputs, aux;
  HostArray<Fr> a, b, c;
  HostArray<std::uint64_t> a_density, b_density;
};

// The prep thread of one partition: prep_msm, then b_g2_msm on the groth16 pool.
struct PrepJob {
  std::shared_ptr<workloads::ArenaLease> lease;  // first: the slot outlives the split vectors
  workloads::SplitVectors split;
  std::promise<void> prep_done;  // set after prep_msm (batch_add waits for it)
  std::thread thread;
  std::exception_ptr b_g2_error;
  MsmPlan b_g2_plan;

  PrepJob() = default;
  PrepJob(const PrepJob&) = delete;
  PrepJob& operator=(const PrepJob&) = delete;
  // A job dropped on a failure path still owns a running thread that reads the partition's data:
  // join it first (members of the owners are declared so that this runs before the data goes).
  ~PrepJob() {
    if (thread.joinable()) thread.join();
  }
};

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

// What finalize needs once the GPU stages are done.
struct FinalizeJob {
  std::unique_ptr<PartitionWork> work;
  std::unique_ptr<PrepJob> prep;
  Clock::time_point gpu_start;
  unsigned worker = 0;
  Clock::time_point queued;  // split finalize: when the GPU worker handed it over
};

// A stage boundary: the time and the counters of the stage's source.
struct Mark {
  Clock::time_point t;
  counters::CounterSnapshot snap;
};
Mark mark(const CounterSource& src) { return {Clock::now(), src.snapshot()}; }
// A pool stage's bound: its rows' per-thread columns come from its jobs, only the machine reading here.
Mark window_mark(const PoolCounters& pool) { return {Clock::now(), pool.window_snapshot()}; }


// Each partition of each proof gets its own witness seed.
std::uint64_t partition_seed(std::uint64_t seed, int proof, int partition) {
  return derive_seed(seed, (static_cast<std::uint64_t>(proof) << 20) | static_cast<std::uint64_t>(partition));
}

// Frees each array; returns the bytes they held (0 for one freed already).
template <class... A>
std::uint64_t release_all(A&... arrays) {
  std::uint64_t bytes = 0;
  ((bytes += arrays.bytes(), arrays.release()), ...);
  return bytes;
}

template <class T>
std::span<const std::byte> byte_span(const HostArray<T>& a) {
  return {reinterpret_cast<const std::byte*>(a.data()), a.bytes()};
}

}  // namespace

struct Pipeline::Impl {
  explicit Impl(const PipelineResources& r)
      : res(r),
        plan(r.plan),
        rec(r.recorder),
        proof_gate(r.plan.concurrency),
        synth_queue(static_cast<std::size_t>(r.plan.proofs) * r.plan.partitions + 1),
        gpu_queue(r.plan.gpu_queue_capacity),
        finalize_queue(static_cast<std::size_t>(r.plan.proofs) * r.plan.partitions + 1),
        finalize_places(r.plan.max_finalizing > 0 ? r.plan.max_finalizing
                                                  : static_cast<unsigned>(r.plan.proofs * r.plan.partitions + 1)),
        crew(r.recorder, r.plan.serialize_dealloc, r.plan.dealloc_linger_ms, r.counters, r.tlb, r.placer, &r.plan.toggles),
        synthesis_pool_counters(*r.synthesis_pool_counters),
        groth16_pool_counters(*r.groth16_pool_counters),
        proof_remaining(r.plan.proofs, r.plan.partitions),
        proof_start(r.plan.proofs) {
    if (r.plan.throttle_flag == ThrottleFlag::kGlobal) {
      throttle_flags.push_back(&global_throttle);
    } else {
      for (auto& g : r.gpus) throttle_flags.push_back(&g->membw_throttle);
    }
    crew.set_error_handler([this](std::exception_ptr e) { fail(e); });
  }

  struct SynthTask {
    int proof;
    int partition;
  };

  const PipelineResources res;  // a copy: the caller may pass a temporary
  const RunPlan& plan;
  Recorder& rec;
  PipelineProgress progress;
  PermitGate proof_gate;
  BlockingQueue<SynthTask> synth_queue;
  BlockingQueue<std::unique_ptr<PartitionWork>> gpu_queue;
  BlockingQueue<FinalizeJob> finalize_queue;
  PermitGate finalize_places;  // engine.max_finalizing: partitions handed to the finalizer, not yet finalized
  DeallocCrew crew;
  std::atomic<int> global_throttle{0};  // I3 with interventions.throttle_flag = global: one for the process
  std::vector<const std::atomic<int>*> throttle_flags;
  const PoolCounters& synthesis_pool_counters;
  const PoolCounters& groth16_pool_counters;

  std::mutex state_mutex;
  std::condition_variable state_cv;
  std::vector<unsigned> proof_remaining;
  std::vector<Clock::time_point> proof_start;
  unsigned proofs_done = 0;
  std::exception_ptr first_error;
  bool aborted = false;
  PipelineTotals totals;
  std::string numa_failure;  // first reason memory.numa could not be applied
  std::string thp_failure;   // first reason memory.thp could not be applied

  void fail(std::exception_ptr e) {
    {
      std::lock_guard lock(state_mutex);
      if (!first_error) first_error = e;
      aborted = true;
    }
    state_cv.notify_all();
    res.memory.cancel();
    proof_gate.cancel();
    finalize_places.cancel();
    synth_queue.close();
    gpu_queue.close();
    finalize_queue.close();
  }
  bool is_aborted() {
    std::lock_guard lock(state_mutex);
    return aborted;
  }

  // A large buffer from the partition's source, placed per memory.numa (and, for the witness and
  // a/b/c, advised per memory.thp) before this partition touches it.
  enum class Thp { kAdvise, kLeave };
  template <class T>
  HostArray<T> buffer(std::size_t count, const char* what, const PartitionSource& from, Thp thp = Thp::kLeave) {
    HostArray<T> a(count, what, from.source);
    if (thp == Thp::kAdvise) advise(a.data(), a.bytes());
    place(a.data(), a.bytes());
    return a;
  }
  void place(void* data, std::size_t bytes) {
    if (plan.numa.mode == workloads::NumaMode::kNone || bytes == 0) return;
    // mbind needs whole pages; arena and malloc'd blocks need not start on one.
    const workloads::PageRange r = workloads::inner_pages(data, bytes);
    if (r.bytes == 0) return;
    note_failure(numa_failure, workloads::apply_numa_policy(r.data, r.bytes, plan.numa));
  }
  void advise(void* data, std::size_t bytes) {
    note_failure(thp_failure, workloads::advise_thp(data, bytes, plan.memory.thp));
  }
  void note_failure(std::string& first, const std::string& why) {
    if (why.empty()) return;
    std::lock_guard lock(state_mutex);
    if (first.empty()) first = why;
  }

  // Records the stage that began at `begin` and ends now, with the counter deltas of `src`; returns
  // the end mark, which is the next stage's begin.
  Mark stage(int proof, int partition, Stage name, const Mark& begin, const CounterSource& src,
             const std::string& worker) {
    Mark end = mark(src);
    rec.span(proof, partition, name, begin.t, end.t, worker, stage_deltas(begin.snap, end.snap));
    return end;
  }

  // ---- synthesis -------------------------------------------------------------------------------
  std::unique_ptr<PartitionWork> synthesize(const SynthTask& t, const std::string& worker, const CounterSource& mine) {
    const auto& shape = plan.shape;
    const std::string job = job_id(t.proof);
    auto w = std::make_unique<PartitionWork>();
    w->proof = t.proof;
    w->partition = t.partition;
    const Mark s0 = mark(mine);
    bool waited = false;
    w->memory = res.memory.acquire(&waited);
    if (!w->memory) return nullptr;  // cancelled: the run is failing
    if (plan.memory.arena) stage(t.proof, t.partition, Stage::kSlotWait, s0, mine, worker);
    const Mark start = mark(mine);
    rec.event(start.t, Event::kSynthStart, job, fmt::format("partition={}", t.partition));

    const PartitionSource& from = w->memory;
    w->inputs = buffer<Fr>(shape.inputs, "input assignment", from, Thp::kAdvise);
    w->aux = buffer<Fr>(shape.aux, "aux assignment", from, Thp::kAdvise);
    workloads::generate_witness(plan.witness, partition_seed(plan.seed, t.proof, t.partition), w->inputs.span(),
                                w->aux.span());
    const Mark t_wit = stage(t.proof, t.partition, Stage::kWitnessGen, start, mine, worker);

    HostArray<Fr> unified = buffer<Fr>(shape.witness_len(), "unified witness", from, Thp::kAdvise);
    workloads::unify_witness(w->inputs.span(), w->aux.span(), unified.span());
    const Mark t_copy = stage(t.proof, t.partition, Stage::kWitnessCopy, t_wit, mine, worker);

    w->a = buffer<Fr>(shape.constraints, "a = A*w", from, Thp::kAdvise);
    w->b = buffer<Fr>(shape.constraints, "b = B*w", from, Thp::kAdvise);
    w->c = buffer<Fr>(shape.constraints, "c = C*w", from, Thp::kAdvise);
    const Mark spmv_start = window_mark(synthesis_pool_counters);
    workloads::ThrottleCheck throttle;
    if (plan.membw_throttle) throttle = {throttle_flags, plan.throttle_check_chunks};
    // The products run on the synthesis pool: the row carries the counters of this partition's jobs.
    PoolJobCounters spmv_jobs(synthesis_pool_counters);
    const auto stats = workloads::evaluate_products(res.pce, unified.span(), w->a.span(), w->b.span(), w->c.span(),
                                                    res.synthesis_pool, throttle, plan.chunk_rows, &spmv_jobs);
    const Mark spmv_end = window_mark(synthesis_pool_counters);
    rec.span(t.proof, t.partition, Stage::kSpmv, spmv_start.t, spmv_end.t, model::lane_worker(model::Lane::kSynthPool),
             spmv_jobs.counts(spmv_start.snap, spmv_end.snap));
    unified.release();
    const Mark t_spmv = mark(mine);

    const std::size_t words = workloads::density_words(shape.aux);
    w->a_density = buffer<std::uint64_t>(words, "a_aux_density", from);
    w->b_density = buffer<std::uint64_t>(words, "b_aux_density", from);
    workloads::build_density(shape, w->a_density.span(), w->b_density.span());
    const Mark end = stage(t.proof, t.partition, Stage::kDensity, t_spmv, mine, worker);
    rec.event(end.t, Event::kSynthEnd, job,
              fmt::format("partition={},synth_ms={:.3f},yields={}", t.partition, ms_between(start.t, end.t),
                          stats.yields));
    rec.span(t.proof, t.partition, Stage::kSynthesis, start.t, end.t, worker);  // encloses the rows above
    {
      std::lock_guard lock(state_mutex);
      totals.spmv_chunks += stats.chunks;
      totals.throttle_checks += stats.checks;
      totals.throttle_yields += stats.yields;
    }
    return w;
  }

  void synthesis_worker(unsigned index) {
    const std::string worker = model::lane_worker(model::Lane::kSynthWorker, std::to_string(index));
    pthread_setname_np(pthread_self(), worker.c_str());
    res.placer->on_thread_start(topology::PoolKind::kSynthesis, worker);
    const ThreadCounters mine(res.counters, res.tlb);
    while (auto task = synth_queue.pop()) {
      try {
        progress.partitions_in_flight.fetch_add(1);
        auto work = synthesize(*task, worker, mine);
        if (!work) return;  // cancelled while waiting for an arena slot
        const Mark q0 = mark(mine);
        rec.event(q0.t, plan.queue_event, job_id(task->proof), fmt::format("partition={}", task->partition));
        // The permit (this thread) is held until the GPU queue takes the partition.
        if (!gpu_queue.push(std::move(work))) return;
        stage(task->proof, task->partition, Stage::kQueuePush, q0, mine, worker);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
    }
  }

  // ---- GPU side --------------------------------------------------------------------------------
  std::unique_ptr<PrepJob> start_prep(const PartitionWork& w, workloads::GpuResources& gpu, unsigned worker_id,
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
    stage(w.proof, w.partition, Stage::kSplitAlloc, t0, worker_counters, model::gpu_worker(gpu.device->index(), worker_id));
    PrepJob* j = job.get();
    job->thread = std::thread([this, j, &w, &gpu, worker_id] {
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
              workloads::prep_msm(plan.shape, res.srs, w.aux.span(), w.a_density.span(), w.b_density.span(),
                                  j->split, plan.prep_passes);
              p1 = window_mark(groth16_pool_counters);
              prep_job.job_end(me);
              rec.event(p1.t, Event::kPrepEnd, job_name, fmt::format("{},prep_ms={:.3f}", who, ms_between(p0.t, p1.t)));
              prep_set = true;
              j->prep_done.set_value();  // from the pool worker: batch_add need not wait for this thread
            })
            .get();
        rec.span(w.proof, w.partition, Stage::kPrepQueue, q0, p0.t, groth16_lane);
        rec.span(w.proof, w.partition, Stage::kPrepMsm, p0.t, p1.t, groth16_lane, prep_job.counts(p0.snap, p1.snap));
      } catch (...) {
        if (!prep_set) j->prep_done.set_exception(std::current_exception());
        res.placer->on_thread_exit();
        return;
      }
      try {
        // b_g2's tiles queue on the same pool: BG2_START..BG2_END is when they ran (b_g2_queue before).
        const Mark b0 = window_mark(groth16_pool_counters);
        MsmTiming ran;
        PoolJobCounters b_g2_jobs(groth16_pool_counters);
        {
          std::atomic<int>& flag =
              plan.throttle_flag == ThrottleFlag::kGlobal ? global_throttle : gpu.membw_throttle;
          const ThrottleRaise raise(flag, plan.membw_throttle, plan.throttle_flag, rec, job_name, who);
          workloads::b_g2_msm(j->split, res.groth16_pool, &j->b_g2_plan, plan.b_g2_points, &ran, &b_g2_jobs);
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
      } catch (...) {
        j->b_g2_error = std::current_exception();
      }
      res.placer->on_thread_exit();
    });
    return job;
  }

  void gpu_worker(unsigned device, unsigned index) {
    const unsigned worker_id = device * plan.gpu_workers_per_device + index;
    const std::string worker = model::gpu_worker(device, index);
    pthread_setname_np(pthread_self(), worker.c_str());
    workloads::GpuResources& gpu = *res.gpus[device];
    res.placer->on_thread_start(topology::PoolKind::kGpuWorkers, worker);
    const ThreadCounters mine(res.counters, res.tlb);
    while (auto item = gpu_queue.pop()) {
      try {
        process_partition(std::move(*item), gpu, worker_id, worker, mine);
      } catch (...) {
        fail(std::current_exception());
        return;
      }
    }
  }

  void process_partition(std::unique_ptr<PartitionWork> w, workloads::GpuResources& gpu, unsigned worker_id,
                         const std::string& worker, const CounterSource& mine) {
    const std::string job = job_id(w->proof);
    const std::string who = fmt::format("worker={},partition={}", worker_id, w->partition);
    rec.event(Event::kGpuPickup, job, who);
    const auto gpu_start = Clock::now();
    rec.event(gpu_start, Event::kGpuStart, job, who);

    auto prep = start_prep(*w, gpu, worker_id, mine);
    std::future<void> prep_future = prep->prep_done.get_future();
    const Mark r0 = mark(mine);
    HostRegistrations registered(*gpu.device);
    for (const auto* arr : {&w->a, &w->b, &w->c}) registered.add(byte_span(*arr));
    const Mark r1 = stage(w->proof, w->partition, Stage::kRegister, r0, mine, worker);
    {
      std::unique_lock lock(gpu.gpu_mutex);
      const Mark l1 = stage(w->proof, w->partition, Stage::kLockWait, r1, mine, worker);
      const std::string dev = fmt::format("{},device={}", who, gpu.device->index());
      rec.event(l1.t, Event::kLockAcquired, job, fmt::format("{},wait_ms={:.3f}", dev, ms_between(r1.t, l1.t)));
      const workloads::GpuPartitionInput input{w->a.span(), w->b.span(), w->c.span(), plan.shape.domain_size(),
                                               &prep->split};
      const workloads::GpuStageTimes t = gpu.device->prove_partition(
          input, [&] { prep_future.get(); },
          [&](Stage stage, Clock::time_point s, Clock::time_point e) {
            rec.span(w->proof, w->partition, stage, s, e, worker);
          });
      // The device's clock (CUDA events on cuda), in the real prover's CUZK_TIMING key names.
      rec.event(Event::kGpuTiming, job,
                fmt::format("{},upload_ms={:.3f},ntt_msm_h_ms={:.3f},batch_add_ms={:.3f},tail_msm_ms={:.3f},"
                            "gpu_total_ms={:.3f}",
                            dev, t.upload_ms, t.ntt_msm_h_ms, t.batch_add_ms, t.tail_msm_ms, t.gpu_total_ms));
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

    FinalizeJob fj{std::move(w), std::move(prep), gpu_start, worker_id, {}};
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

  void finalize(FinalizeJob fj, const std::string& worker, const CounterSource& mine) {
    PartitionWork& w = *fj.work;
    const Mark j0 = mark(mine);
    fj.prep->thread.join();
    const auto j1 = stage(w.proof, w.partition, Stage::kBG2Join, j0, mine, worker).t;
    if (fj.prep->b_g2_error) std::rethrow_exception(fj.prep->b_g2_error);
    rec.event(j1, Event::kGpuEnd, job_id(w.proof),
              fmt::format("worker={},partition={},gpu_ms={:.3f}", fj.worker, w.partition, ms_between(fj.gpu_start, j1)));
    {
      std::lock_guard lock(state_mutex);
      totals.b_g2_plan = fj.prep->b_g2_plan;
      totals.b_g2_points_total += fj.prep->b_g2_plan.points;
    }
    const int proof = w.proof;  // the dealloc threads own (and free) the work from here on
    spawn_deallocs(std::move(fj));
    finish_partition(proof);
  }

  void spawn_deallocs(FinalizeJob fj) {
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

  void finish_partition(int proof) {
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

  void finalizer() {
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

  // ---- the batch ---------------------------------------------------------------------------------
  PipelineTotals run() {
    std::vector<std::thread> threads;
    auto start_thread = [&](auto fn) {
      try {
        threads.emplace_back(fn);
      } catch (...) {
        fail(std::current_exception());
      }
    };
    for (unsigned i = 0; i < plan.partition_workers; ++i) start_thread([this, i] { synthesis_worker(i); });
    for (unsigned d = 0; d < plan.devices; ++d) {
      for (unsigned i = 0; i < plan.gpu_workers_per_device; ++i) start_thread([this, d, i] { gpu_worker(d, i); });
    }
    if (plan.finalize == FinalizeMode::kSplit) start_thread([this] { finalizer(); });

    for (unsigned p = 0; p < plan.proofs && !is_aborted(); ++p) {
      if (!proof_gate.acquire()) break;
      proof_start[p] = Clock::now();
      rec.event(proof_start[p], Event::kProofStart, job_id(static_cast<int>(p)), fmt::format("partitions={}", plan.partitions));
      for (unsigned k = 0; k < plan.partitions; ++k) {
        if (!synth_queue.push({static_cast<int>(p), static_cast<int>(k)})) break;
      }
    }
    {
      std::unique_lock lock(state_mutex);
      state_cv.wait(lock, [&] { return aborted || proofs_done == plan.proofs; });
    }
    synth_queue.close();
    gpu_queue.close();
    finalize_queue.close();
    for (auto& t : threads) t.join();
    // Items left in queues after a failure: drop them (their buffers are unmapped).
    gpu_queue.clear();
    finalize_queue.clear();
    crew.wait_idle();
    if (first_error) std::rethrow_exception(first_error);
    return totals;
  }
};

Pipeline::Pipeline(const PipelineResources& resources) : impl_(std::make_unique<Impl>(resources)) {}
Pipeline::~Pipeline() = default;
PipelineTotals Pipeline::run() { return impl_->run(); }
const PipelineProgress& Pipeline::progress() const { return impl_->progress; }
std::string Pipeline::numa_note() const {
  std::lock_guard lock(impl_->state_mutex);
  return impl_->numa_failure;
}
std::string Pipeline::thp_note() const {
  std::lock_guard lock(impl_->state_mutex);
  return impl_->thp_failure;
}

}  // namespace zkc::harness
