// Tier 0 sampler: a background thread that records the always-available counters every interval, so a
// run has a timeline (counters_timeline.csv) of TLB shootdowns, faults, context switches and RSS even where
// perf_event is unavailable (VMs, paranoid kernels). The stage-boundary readings of the engine use
// sample_now(), which reads the same sources without touching the timeline.
//
// It never fails a run: a source that cannot be read leaves its fields 0 (and its *_available flag
// false, so writers can leave the cells empty), and status() says why in words.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "harness/counters/process_counters.hpp"

namespace zkc::harness::counters {

// Where the sampler reads; tests point these at fixture files.
struct SamplerPaths {
  std::filesystem::path interrupts = "/proc/interrupts";
  std::filesystem::path status = "/proc/self/status";
};

struct SamplerRow {
  double t_ms = 0;                          // since the origin given to start() (or the construction time)
  std::uint64_t tlb_total = 0;              // sum of tlb_per_cpu: shootdown IPIs received, whole machine
  std::vector<std::uint64_t> tlb_per_cpu;   // cumulative since boot, one per online CPU
  std::vector<int> tlb_cpus;                // the CPU number of each tlb_per_cpu entry (may skip offline CPUs)
  bool tlb_available = false;               // false: no TLB row or unreadable file; tlb fields are 0
  UsageSample usage;                        // getrusage(RUSAGE_SELF), cumulative
  MemorySample mem;                         // VmRSS / VmHWM
  bool mem_available = false;               // false: the status file could not be read; mem is 0
};

class CounterSampler {
 public:
  // Reads every source once, so status() is meaningful before start().
  explicit CounterSampler(SamplerPaths paths = {});
  // Stops (joins, final sample) if still running.
  ~CounterSampler();
  CounterSampler(const CounterSampler&) = delete;
  CounterSampler& operator=(const CounterSampler&) = delete;

  // Takes a first row at once, then starts the thread that adds one every `interval` (fixed schedule
  // from the first row; a late sample does not shift the later ones, missed ticks are skipped). `origin`
  // is the run's clock zero, so t_ms lines up with the recorder's offsets. Once per sampler:
  // std::logic_error when called again; std::invalid_argument for a non-positive interval.
  void start(std::chrono::milliseconds interval, std::chrono::steady_clock::time_point origin);
  // Stops and joins the thread, then stores one final row. Idempotent; a no-op before start().
  void stop();

  // One reading now, not stored (stage boundaries). Thread-safe; never throws on a read failure.
  SamplerRow sample_now();
  // A copy of the stored rows, oldest first (safe while running).
  std::vector<SamplerRow> rows() const;
  // Empty when every source was read; otherwise one note per problem, joined by "; ", e.g.
  // "/proc/interrupts has no TLB row (not x86?): TLB shootdown columns are empty".
  std::string status() const;

 private:
  void run(std::chrono::milliseconds interval);
  void note(std::string text);

  const SamplerPaths paths_;
  // Set by start(); atomic because sample_now() may run on other threads meanwhile.
  std::atomic<std::chrono::steady_clock::time_point> origin_;

  mutable std::mutex notes_mutex_;
  std::vector<std::string> notes_;

  mutable std::mutex rows_mutex_;
  std::vector<SamplerRow> rows_;

  std::mutex state_mutex_;  // started_, stopped_, stop_requested_, thread_
  std::condition_variable wake_;
  bool started_ = false;
  bool stopped_ = false;
  bool stop_requested_ = false;
  std::thread thread_;
};

}  // namespace zkc::harness::counters
