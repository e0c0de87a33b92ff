// The inside of run_virtual (virtual_engine.hpp): the engine's pipeline (harness/engine/pipeline*.cpp)
// as chains of actions on the event loop. Each method is the step of the real thread it is named
// after; where the real thread blocks, the step hands its continuation to a virtual resource. Its
// parts live where the real stage's do:
//   virtual_pipeline.cpp            the batch: admission, proof ends, recording
//   virtual_pipeline_dispatch.cpp   the budget, the dispatcher and its pacers
//   virtual_pipeline_synthesis.cpp  synthesis workers
//   virtual_pipeline_gpu.cpp        GPU workers, the device lock, the prep thread (prep_msm, b_g2_msm)
//   virtual_pipeline_finalize.cpp   finalize (inline or the finalizer), the dealloc crew
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/engine/dispatch_pacer.hpp"
#include "harness/engine/pipeline.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/recorder/recorder.hpp"
#include "harness/vtime/event_loop.hpp"
#include "harness/vtime/fluid_cpu.hpp"
#include "harness/vtime/virtual_engine.hpp"
#include "harness/vtime/virtual_pools.hpp"
#include "harness/vtime/virtual_resources.hpp"

namespace zkc::harness::vtime {

// One partition from admission to its last dealloc.
struct VPart {
  int proof = 0, partition = 0;
  std::uint64_t reserved = 0;  // what it still holds of the budget
  double gpu_start = 0, queued = 0;
  double prep_queued = 0, prep_began = 0;  // the prep job: queued on the groth16 pool, taken
  unsigned worker_id = 0;
  std::string gpu_worker;
  bool prep_done = false, prep_thread_done = false;
  Next on_prep_done, on_prep_thread_done;  // a waiter for each, when it came first
  unsigned holders = 2;                    // dealloc threads still holding its buffers (arena slot)
};

// The PI pacer's time scale for virtual kernels: engine.pacer_time_scale, or the cost model's device
// time per partition over the seed's kernels (as pacer_time_scale does for the sim's).
double virtual_pacer_time_scale(const RunPlan& plan, const CostModel& costs);

class VirtualPipeline {
 public:
  VirtualPipeline(const RunPlan& plan, const VirtualOptions& options, Recorder& recorder);
  PipelineTotals run();

 private:
  // ---- the batch, recording (virtual_pipeline.cpp) -------------------------------------------------
  void admit(unsigned proof);
  void finish_partition(int proof);
  void event(double at, model::Event e, int proof, std::string detail);
  void span(const VPart& p, model::Stage s, double start, double end, const std::string& worker);
  // A single-threaded stage of the calling "thread".
  void cpu(model::Stage s, Next done);
  VPart& part(int index) { return parts_[static_cast<std::size_t>(index)]; }

  // ---- dispatch (virtual_pipeline_dispatch.cpp) ----------------------------------------------------
  using TakeTask = std::function<void(int)>;
  void next_synthesis(const std::string& worker, TakeTask take);
  void reserve(int index, const std::string& worker, double since, Next then);
  void release_budget(VPart& p, std::uint64_t bytes, const char* at);
  void gpu_completed(double gpu_s);
  void dispatch_next();
  void dispatch_popped(int index, double popped);
  void pace(Next then);
  void wait_gpu(double timeout_s, std::function<void(int)> then);
  void wait_rate_known(Next then);
  void observe();

  // ---- synthesis (virtual_pipeline_synthesis.cpp) --------------------------------------------------
  void synthesis_worker(unsigned i);
  void synthesize(int index, const std::string& worker, Next done);
  void synthesize_started(int index, const std::string& worker, Next done);
  void products(int index, const std::string& worker, double t_wit, double start, Next done);
  void density(int index, const std::string& worker, double start, Next done);

  // ---- GPU side (virtual_pipeline_gpu.cpp) ---------------------------------------------------------
  void gpu_worker(unsigned device, unsigned i);
  void process_partition(int index, unsigned device, unsigned i, Next done);
  void locked(int index, unsigned device, double r1, Next done);
  void device_stages(int index, unsigned device, double l1, Next done);
  void device_stage(int index, model::Stage s, double ms, Next then);
  void unlocked(int index, unsigned device, double l1, double first, Next done);
  void prep_thread(int index, unsigned device);
  void run_b_g2(int index, unsigned device);
  void prep_done(VPart& p);
  void hand_over(int index, Next done);

  // ---- finalize (virtual_pipeline_finalize.cpp) ----------------------------------------------------
  void finalizer();
  void finalize(int index, const std::string& worker, Next done);
  void dealloc(int index, bool cpp);
  void dealloc_run(int index, bool cpp);
  void let_go(int index);

  const RunPlan& plan_;
  const VirtualOptions& opt_;
  Recorder& rec_;
  EventLoop loop_;
  FluidCpu cpu_;
  VFifoPool groth16_;
  VSharedPool synthesis_pool_;
  std::vector<VPart> parts_;
  VSemaphore proof_gate_;
  VQueue<int> synth_queue_, gpu_queue_, dispatch_queue_, finalize_queue_;
  std::unique_ptr<VBudget> budget_;
  VSemaphore depth_gate_, finalize_places_, arena_slots_;
  std::vector<std::unique_ptr<VSemaphore>> device_locks_;
  std::vector<unsigned> device_kept_;  // kept device buffers: partitions proved on each device so far
  VSemaphore side_lock_[2];            // I1
  int global_throttle_ = 0;
  std::vector<int> device_throttle_;
  // The pacer (engine.pacer = pi) and what it has seen of the GPU completions.
  std::optional<DispatchPacer> pacer_;
  std::uint64_t gpu_done_count_ = 0, seen_gpu_ = 0;
  double gpu_done_total_s_ = 0;
  std::function<void(int)> gpu_waiter_;  // the dispatcher waiting for a completion
  std::uint64_t gpu_wait_id_ = 0;
  std::vector<unsigned> proof_remaining_;
  std::vector<double> proof_start_;
  PipelineTotals totals_;
  MsmPlan b_g2_plan_;  // of every partition's b_g2_msm: the tail's size is the shape's
};

}  // namespace zkc::harness::vtime
