// DeallocCrew: the detached threads that free a finished partition's large buffers, one per side as
// in the real prover (C++: split vectors and tail bases; Rust: aux witness and density). Unbounded by
// default, as the seed found them; with intervention I1 each side's threads take that side's mutex
// first, so at most one per side frees at a time. The crew counts its live threads so the run can
// wait for the last one before it ends (the threads themselves are detached, never joined).
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>

#include "harness/config/toggles.hpp"
#include "harness/counters/perf_counters.hpp"
#include "harness/engine/stage_counters.hpp"
#include "harness/engine/thread_placer.hpp"
#include "harness/recorder/recorder.hpp"

namespace zkc::harness {

enum class DeallocSide { kCpp, kRust };
const char* side_name(DeallocSide side);  // "cpp", "rust"

class DeallocCrew {
 public:
  // linger_ms: each thread stays busy this long after freeing, inside the I1 mutex (see the
  // engine.dealloc_linger_ms key).
  // counters: each dealloc thread opens its own Tier 1/2 group from it (nullptr: none).
  // toggles: the run's A/B toggle values, for interventions on the dealloc threads (nullptr: defaults).
  DeallocCrew(Recorder& recorder, bool serialize, double linger_ms = 0,
              const counters::PreparedCounters* counters = nullptr, const InterruptsTlbReader* tlb = nullptr,
              ThreadPlacer* placer = nullptr, const config::ToggleValues* toggles = nullptr)
      : recorder_(recorder), serialize_(serialize), linger_ms_(linger_ms), counters_(counters), tlb_(tlb),
        placer_(placer), toggles_(toggles != nullptr ? *toggles : config::ToggleValues()) {}
  ~DeallocCrew() { wait_idle(); }
  DeallocCrew(const DeallocCrew&) = delete;
  DeallocCrew& operator=(const DeallocCrew&) = delete;

  // Starts a detached thread that records DEALLOC_START, runs free_fn, records DEALLOC_END (with the
  // detail fields free_fn returns, e.g. "bytes=...", appended), then runs after_fn (malloc_trim) outside
  // the I1 mutex. Errors of free_fn are reported to on_error.
  using FreeFn = std::function<std::string()>;
  void spawn(DeallocSide side, int proof, int partition, FreeFn free_fn, std::function<void()> after_fn = {});
  void wait_idle();  // until every thread spawned so far has finished
  void set_error_handler(std::function<void(std::exception_ptr)> on_error) { on_error_ = std::move(on_error); }

 private:
  void run_one(DeallocSide side, int proof, int partition, const FreeFn& free_fn,
               const std::function<void()>& after_fn);

  Recorder& recorder_;
  bool serialize_;
  double linger_ms_;
  const counters::PreparedCounters* counters_;
  const InterruptsTlbReader* tlb_;
  ThreadPlacer* placer_;
  config::ToggleValues toggles_;
  std::mutex side_mutex_[2];  // I1
  std::mutex live_mutex_;
  std::condition_variable idle_cv_;
  unsigned live_ = 0;
  std::function<void(std::exception_ptr)> on_error_;
};

}  // namespace zkc::harness
