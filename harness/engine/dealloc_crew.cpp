#include "harness/engine/dealloc_crew.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <sched.h>

#include <cerrno>
#include <stdexcept>
#include <thread>

#include "harness/system/errno_text.hpp"

namespace zkc::harness {

const char* side_name(DeallocSide side) { return side == DeallocSide::kCpp ? "cpp" : "rust"; }

namespace {

// interventions.pin_dealloc: the calling thread onto the highest CPU its affinity allows.
void pin_to_last_allowed_cpu() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0)
    throw std::runtime_error("pin_dealloc: sched_getaffinity: " + errno_text(errno));
  int last = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &set)) last = cpu;
  if (last < 0) return;
  CPU_ZERO(&set);
  CPU_SET(last, &set);
  if (sched_setaffinity(0, sizeof set, &set) != 0)
    throw std::runtime_error(fmt::format("pin_dealloc: sched_setaffinity to CPU {}: {}", last, errno_text(errno)));
}

}  // namespace

void DeallocCrew::spawn(DeallocSide side, int proof, int partition, FreeFn free_fn, std::function<void()> after_fn) {
  {
    std::lock_guard lock(live_mutex_);
    ++live_;
  }
  try {
    std::thread([this, side, proof, partition, free_fn = std::move(free_fn), after_fn = std::move(after_fn)]() mutable {
      pthread_setname_np(pthread_self(), model::lane_worker(model::Lane::kDealloc, side_name(side)).c_str());
      if (placer_ != nullptr) {
        placer_->on_thread_start(topology::PoolKind::kDealloc,
                                 fmt::format("dealloc-{}-{}.{}", side_name(side), proof, partition));
      }
      run_one(side, proof, partition, free_fn, after_fn);
      // What the functions hold (the partition's buffers, its arena slot) goes before wait_idle()
      // can return, not whenever this detached thread's closure is destroyed.
      free_fn = nullptr;
      after_fn = nullptr;
      if (placer_ != nullptr) placer_->on_thread_exit();
      std::lock_guard lock(live_mutex_);
      if (--live_ == 0) idle_cv_.notify_all();
    }).detach();
  } catch (...) {  // std::system_error when no thread can be created
    std::lock_guard lock(live_mutex_);
    if (--live_ == 0) idle_cv_.notify_all();
    throw;
  }
}

void DeallocCrew::run_one(DeallocSide side, int proof, int partition, const FreeFn& free_fn,
                          const std::function<void()>& after_fn) {
  const std::string worker = model::lane_worker(model::Lane::kDealloc, side_name(side));
  try {
    if (toggles_.flag("interventions.pin_dealloc")) pin_to_last_allowed_cpu();
    const ThreadCounters mine(counters_, tlb_);
    std::unique_lock<std::mutex> serial;
    if (serialize_) serial = std::unique_lock(side_mutex_[static_cast<int>(side)]);
    const auto start = Recorder::Clock::now();
    const auto before = mine.snapshot();
    recorder_.event(start, model::Event::kDeallocStart, job_id(proof),
                    fmt::format("side={},partition={}", side_name(side), partition));
    const std::string freed = free_fn();
    if (linger_ms_ > 0) std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(linger_ms_));
    const auto after = mine.snapshot();
    const auto end = Recorder::Clock::now();
    recorder_.event(end, model::Event::kDeallocEnd, job_id(proof),
                    fmt::format("side={},partition={},dealloc_ms={:.3f}{}{}", side_name(side), partition,
                                std::chrono::duration<double, std::milli>(end - start).count(),
                                freed.empty() ? "" : ",", freed));
    recorder_.span(proof, partition, side == DeallocSide::kCpp ? model::Stage::kDeallocCpp : model::Stage::kDeallocRust,
                   start, end, worker, stage_deltas(before, after));
    serial = {};
    if (after_fn) {
      const auto t0 = Recorder::Clock::now();
      const auto trim_before = mine.snapshot();
      after_fn();
      recorder_.span(proof, partition, model::Stage::kMallocTrim, t0, Recorder::Clock::now(), worker,
                     stage_deltas(trim_before, mine.snapshot()));
    }
  } catch (...) {
    if (on_error_) on_error_(std::current_exception());
  }
}

void DeallocCrew::wait_idle() {
  std::unique_lock lock(live_mutex_);
  idle_cv_.wait(lock, [&] { return live_ == 0; });
}

}  // namespace zkc::harness
