#include "harness/counters/counter_sampler.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <pthread.h>

#include <algorithm>
#include <exception>
#include <stdexcept>
#include <utility>

#include "harness/counters/proc_interrupts.hpp"

namespace zkc::harness::counters {

CounterSampler::CounterSampler(SamplerPaths paths)
    : paths_(std::move(paths)), origin_(std::chrono::steady_clock::now()) {
  (void)sample_now();  // records the status notes of sources that are missing
}

CounterSampler::~CounterSampler() {
  try {
    stop();
  } catch (...) {
    // stop() only throws if joining fails (std::system_error), which would leave nothing to do here.
  }
}

void CounterSampler::note(std::string text) {
  const std::lock_guard lock(notes_mutex_);
  if (std::find(notes_.begin(), notes_.end(), text) == notes_.end()) notes_.push_back(std::move(text));
}

std::string CounterSampler::status() const {
  const std::lock_guard lock(notes_mutex_);
  return fmt::format("{}", fmt::join(notes_, "; "));
}

SamplerRow CounterSampler::sample_now() {
  SamplerRow row;
  const auto now = std::chrono::steady_clock::now();
  row.t_ms = std::chrono::duration<double, std::milli>(now - origin_.load()).count();
  try {
    const InterruptsTable table = read_proc_interrupts(paths_.interrupts);
    if (auto tlb = tlb_shootdowns_per_cpu(table)) {
      row.tlb_total = sum(*tlb);
      row.tlb_per_cpu = std::move(*tlb);
      row.tlb_cpus = table.cpus;
      row.tlb_available = true;
    } else {
      note(fmt::format("{} has no TLB row (not x86?): TLB shootdown columns are empty", paths_.interrupts.string()));
    }
  } catch (const std::exception& e) {  // unreadable (system_error) or not understood (runtime_error)
    note(fmt::format("{}: TLB shootdown columns are empty", e.what()));
  }
  try {
    row.usage = read_process_usage();
  } catch (const std::exception& e) {
    note(fmt::format("{}: fault and context-switch columns are 0", e.what()));
  }
  try {
    row.mem = read_memory(paths_.status);
    row.mem_available = true;
  } catch (const std::exception& e) {
    note(fmt::format("{}: RSS columns are empty", e.what()));
  }
  return row;
}

std::vector<SamplerRow> CounterSampler::rows() const {
  const std::lock_guard lock(rows_mutex_);
  return rows_;
}

void CounterSampler::start(std::chrono::milliseconds interval, std::chrono::steady_clock::time_point origin) {
  if (interval.count() <= 0)
    throw std::invalid_argument(fmt::format("CounterSampler: the interval must be positive, got {} ms", interval.count()));
  const std::lock_guard lock(state_mutex_);
  if (started_) throw std::logic_error("CounterSampler::start: a sampler starts once");
  started_ = true;
  origin_.store(origin);
  SamplerRow first = sample_now();
  {
    const std::lock_guard rows_lock(rows_mutex_);
    rows_.push_back(std::move(first));
  }
  thread_ = std::thread([this, interval] { run(interval); });
}

void CounterSampler::run(std::chrono::milliseconds interval) {
  ::pthread_setname_np(::pthread_self(), "zkc-counters");  // shows in per-thread tools (top -H, perf)
  auto next = std::chrono::steady_clock::now() + interval;
  for (;;) {
    {
      std::unique_lock lock(state_mutex_);
      if (wake_.wait_until(lock, next, [this] { return stop_requested_; })) return;
    }
    SamplerRow row = sample_now();
    {
      const std::lock_guard lock(rows_mutex_);
      rows_.push_back(std::move(row));
    }
    next += interval;
    const auto now = std::chrono::steady_clock::now();
    if (next <= now) next += ((now - next) / interval + 1) * interval;  // skip missed ticks, keep the phase
  }
}

void CounterSampler::stop() {
  std::thread thread;
  {
    const std::lock_guard lock(state_mutex_);
    if (!started_ || stopped_) return;
    stopped_ = true;
    stop_requested_ = true;
    thread = std::move(thread_);
  }
  wake_.notify_all();
  if (thread.joinable()) thread.join();
  SamplerRow last = sample_now();
  const std::lock_guard lock(rows_mutex_);
  rows_.push_back(std::move(last));
}

}  // namespace zkc::harness::counters
