// The inside of Pipeline, shared by the files of its stages and nothing else: the partition's state
// as it moves between threads, and Pipeline::Impl, whose parts live where their stage does:
//   pipeline.cpp           the batch: admission, the threads, failure, buffer placement
//   pipeline_dispatch.cpp  the budget dispatcher (engine.dispatch = budget*), its pacer, the budget
//   pipeline_synthesis.cpp synthesis workers (witness, products: SpMV or direct, density)
//   pipeline_gpu.cpp       GPU workers and each partition's prep thread (prep_msm, b_g2_msm)
//   pipeline_finalize.cpp  finalize (inline or the finalizer thread), dealloc hand-off, proof ends
//   pipeline_abc.cpp       where a/b/c come from (heap or pinned pool) and how the device sees them
#pragma once

#include <chrono>
#include <condition_variable>
#include <exception>
#include <future>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/engine/permit_gate.hpp"
#include "harness/engine/dealloc_crew.hpp"
#include "harness/engine/dispatch_pacer.hpp"
#include "harness/engine/memory_budget.hpp"
#include "harness/engine/pipeline.hpp"
#include "harness/engine/stage_counters.hpp"
#include "harness/engine/work_queue.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/prover/split_vectors.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"

namespace zkc::harness {
namespace pipeline_detail {

using Clock = Recorder::Clock;

inline double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// A partition's Rust-side state from synthesis until its dealloc thread frees it.
struct PartitionWork {
  PartitionSource memory;  // first: with the arena, the slot outlives every buffer below
  int proof = 0;
  int partition = 0;
  workloads::HostArray<Fr> inputs, aux;
  std::unique_ptr<workloads::RegionSource> abc_source;  // pinned pool: before a/b/c, which it outlives
  workloads::HostArray<Fr> a, b, c;
  workloads::HostArray<std::uint64_t> a_density, b_density;
  // engine.dispatch = budget*: what the partition still holds of the budget (a/b/c part given back
  // after prove_start, the rest after prove_finish).
  std::unique_ptr<MemoryBudget::Reservation> reservation;
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
inline Mark mark(const CounterSource& src) { return {Clock::now(), src.snapshot()}; }
// A pool stage's bound: its rows' per-thread columns come from its jobs, only the machine reading here.
inline Mark window_mark(const PoolCounters& pool) { return {Clock::now(), pool.window_snapshot()}; }

}  // namespace pipeline_detail

struct Pipeline::Impl {
  using Clock = pipeline_detail::Clock;
  using Mark = pipeline_detail::Mark;
  using PartitionWork = pipeline_detail::PartitionWork;
  using PrepJob = pipeline_detail::PrepJob;
  using FinalizeJob = pipeline_detail::FinalizeJob;

  explicit Impl(const PipelineResources& r);

  struct SynthTask {
    int proof;
    int partition;
  };
  // A partition admitted to synthesis: with a budget, with its reservation.
  struct Dispatched {
    SynthTask task;
    std::unique_ptr<MemoryBudget::Reservation> reservation;
  };

  const PipelineResources res;  // a copy: the caller may pass a temporary
  const RunPlan& plan;
  Recorder& rec;
  PipelineProgress progress;
  PermitGate proof_gate;
  WorkQueue<SynthTask> synth_queue;
  WorkQueue<std::unique_ptr<PartitionWork>> gpu_queue;
  std::unique_ptr<MemoryBudget> budget;    // engine.dispatch = budget*
  WorkQueue<Dispatched> dispatch_queue;  // budget: the dispatcher's hand-off to the synthesis workers
  PermitGate depth_gate;                   // engine.pacer = depth: max_gpu_queue_depth
  WorkQueue<FinalizeJob> finalize_queue;
  PermitGate finalize_places;  // engine.max_finalizing: partitions handed to the finalizer, not yet finalized
  DeallocCrew crew;
  std::atomic<int> global_throttle{0};  // I3 with interventions.throttle_flag = global: one for the process
  std::vector<const std::atomic<int>*> throttle_flags;
  const PoolCounters& synthesis_pool_counters;
  const PoolCounters& groth16_pool_counters;

  std::mutex state_mutex;
  std::condition_variable state_cv;
  // GPU completions (after prove_finish) for the pacer, and whether the run is stopping.
  std::condition_variable gpu_done_cv;
  std::uint64_t gpu_done_count = 0;  // under state_mutex, as the two below
  double gpu_done_total_s = 0;
  bool stopping = false;
  std::vector<unsigned> proof_remaining;
  std::vector<Clock::time_point> proof_start;
  unsigned proofs_done = 0;
  std::exception_ptr first_error;
  bool aborted = false;
  PipelineTotals totals;
  std::string numa_failure;  // first reason memory.numa could not be applied
  std::string thp_failure;   // first reason memory.thp could not be applied

  // ---- the batch (pipeline.cpp) -------------------------------------------------------------------
  PipelineTotals run();
  void fail(std::exception_ptr e);
  bool is_aborted();

  // A large buffer from the partition's source, placed per memory.numa (and, for the witness and
  // a/b/c, advised per memory.thp) before this partition touches it.
  enum class Thp { kAdvise, kLeave };
  template <class T>
  workloads::HostArray<T> buffer(std::size_t count, const char* what, const PartitionSource& from,
                                 Thp thp = Thp::kLeave) {
    workloads::HostArray<T> a(count, what, from.source);
    if (thp == Thp::kAdvise) advise(a.data(), a.bytes());
    place(a.data(), a.bytes());
    return a;
  }
  void place(void* data, std::size_t bytes);
  void advise(void* data, std::size_t bytes);
  void note_failure(std::string& first, const std::string& why);

  // Records the stage that began at `begin` and ends now, with the counter deltas of `src`; returns
  // the end mark, which is the next stage's begin.
  Mark stage(int proof, int partition, model::Stage name, const Mark& begin, const CounterSource& src,
             const std::string& worker);

  // ---- dispatch (pipeline_dispatch.cpp) ------------------------------------------------------------
  void dispatcher();
  bool pace(DispatchPacer& pacer, std::uint64_t& seen_gpu);  // false: the run is stopping
  // The next partition for a synthesis worker: from the synthesis queue (semaphore; budget_race, then
  // its reservation) or from the dispatcher. nullopt when the run is over or failing.
  std::optional<Dispatched> next_synthesis(const std::string& worker);
  std::unique_ptr<MemoryBudget::Reservation> reserve(const SynthTask& t, const std::string& worker,
                                                     Clock::time_point since);
  // Gives back `bytes` of the partition's reservation (at = "prove_start" | "prove_finish").
  void release_budget(PartitionWork& w, std::uint64_t bytes, const char* at);
  // After prove_finish: the GPU completion the pacer counts, and the depth permit back.
  void gpu_completed(double gpu_s);

  // ---- synthesis (pipeline_synthesis.cpp) ---------------------------------------------------------
  void synthesis_worker(unsigned index);
  std::unique_ptr<PartitionWork> synthesize(const SynthTask& t, const std::string& worker, const CounterSource& mine);
  // a/b/c of w: SpMV over the shared CSR (synthesis.path = pce) or the direct evaluation (direct).
  workloads::ProductStats spmv_products(PartitionWork& w, std::span<const Fr> unified);
  workloads::ProductStats direct_products(PartitionWork& w, const std::string& worker, const CounterSource& mine);

  // ---- a/b/c buffers (pipeline_abc.cpp) -----------------------------------------------------------
  // w's a/b/c: from the partition's source, or checked out of the pinned pool (memory.abc_buffers),
  // each checkout and its checkin (where engine.abc_release frees a/b/c) on the timeline.
  void allocate_abc(PartitionWork& w, const PartitionSource& from);
  bool registers_abc() const;  // heap a/b/c with per-partition device buffers: cudaHostRegister them
  bool abc_pinned() const;     // page-locked when the device reads them (registered or pooled)
  // GPU_TIMING's kept-device-buffer fields (",d_b_alloc_ms=X,d_b_first=0|1"); "" per partition.
  std::string device_buffer_detail(const workloads::GpuStageTimes& t) const;

  // ---- GPU side (pipeline_gpu.cpp) ----------------------------------------------------------------
  void gpu_worker(unsigned device, unsigned index);
  void process_partition(std::unique_ptr<PartitionWork> w, workloads::GpuResources& gpu, unsigned worker_id,
                         const std::string& worker, const CounterSource& mine);
  std::unique_ptr<PrepJob> start_prep(const PartitionWork& w, workloads::GpuResources& gpu, unsigned worker_id,
                                      const CounterSource& worker_counters);
  void prep_thread(PrepJob& j, const PartitionWork& w, workloads::GpuResources& gpu, unsigned worker_id);
  void run_b_g2(PrepJob& j, const PartitionWork& w, workloads::GpuResources& gpu, const std::string& who);
  // After the GPU stages: finalize here, or hand the partition to the finalizer.
  void hand_over(FinalizeJob fj, const std::string& worker, const CounterSource& mine);

  // ---- finalize (pipeline_finalize.cpp) -----------------------------------------------------------
  void finalizer();
  void finalize(FinalizeJob fj, const std::string& worker, const CounterSource& mine);
  void spawn_deallocs(FinalizeJob fj);
  void finish_partition(int proof);
};

}  // namespace zkc::harness
