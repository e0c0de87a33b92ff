// Where a stage's counter deltas come from: the Tier 1/2 perf counters of the thread that ran it
// (ThreadCounters, opened by each engine thread when it starts), or, for the stages that run on a pool
// (SpMV, prep_msm, b_g2_msm), the groups of the pool workers that ran the stage's own jobs
// (PoolJobCounters: each job reads its worker's group at its start and end), so a stage is never charged
// for what other partitions ran on the pool meanwhile. The machine-wide TLB reading is appended raw;
// spans share it by time overlap afterwards (harness/recorder/machine_share.hpp).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/counters/perf_counters.hpp"
#include "harness/recorder/recorder.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "model/counter_columns.hpp"

namespace zkc::harness {

// Tier 0 at stage boundaries: the machine's TLB shootdown IPIs so far (the /proc/interrupts TLB row
// summed over CPUs), appended to every snapshot as one more counter, "tlb_ipis_machine". Machine-wide:
// a stage's value counts every IPI received while it ran, whoever caused it. nullopt readings (no TLB
// row, unreadable file) leave the column empty.
class InterruptsTlbReader {
 public:
  explicit InterruptsTlbReader(std::filesystem::path path = "/proc/interrupts") : path_(std::move(path)) {}
  std::optional<std::uint64_t> read() const;
  static constexpr std::string_view kColumn = model::counter::kTlbIpisMachine;

 private:
  std::filesystem::path path_;
};

class CounterSource {
 public:
  virtual ~CounterSource() = default;
  // Empty when counters are disabled; callers take deltas between two snapshots of one source.
  virtual counters::CounterSnapshot snapshot() const = 0;
};

// The calling thread's counters; `prepared` == nullptr disables them. `tlb` (optional) appends the
// machine's TLB IPI count.
class ThreadCounters final : public CounterSource {
 public:
  explicit ThreadCounters(const counters::PreparedCounters* prepared, const InterruptsTlbReader* tlb = nullptr);
  counters::CounterSnapshot snapshot() const override;

 private:
  std::optional<counters::ThreadCounterGroup> group_;
  const InterruptsTlbReader* tlb_;
};

// One counter group per worker of a pool, summed.
class PoolCounters final : public CounterSource {
 public:
  PoolCounters(const counters::PreparedCounters* prepared, unsigned workers, const InterruptsTlbReader* tlb = nullptr);
  // Runs on worker `index` (the pool's on_thread_start hook): opens that worker's group.
  void open_on_worker(unsigned index);
  // Blocks until every worker has opened its group, so snapshots always cover the same fds.
  void wait_ready();
  counters::CounterSnapshot snapshot() const override;
  // The machine reading only, shaped like snapshot() with every per-thread column empty: the bounds of
  // a pool stage, whose per-thread columns come from its own jobs (PoolJobCounters), so reading every
  // worker's fds there would be wasted.
  counters::CounterSnapshot window_snapshot() const;
  // Worker `index`'s own group and scheduler accounting (no machine reading); empty when counters are
  // disabled. Call it on that worker (a JobObserver's job_begin/job_end): the accounting is the caller's.
  counters::CounterSnapshot worker_snapshot(unsigned index) const;
  unsigned workers() const { return static_cast<unsigned>(groups_.size()); }
  std::size_t per_thread_columns() const;  // catalog + scheduler columns (the machine column follows them)

 private:
  const counters::PreparedCounters* prepared_;
  const InterruptsTlbReader* tlb_;
  mutable std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::vector<std::optional<counters::ThreadCounterGroup>> groups_;
  unsigned opened_ = 0;
};

// The jobs one stage put on a pool (kernels' JobObserver): their workers' counter deltas, summed. Used
// from the pool's workers while the stage runs; read it after the call returned.
class PoolJobCounters final : public JobObserver {
 public:
  explicit PoolJobCounters(const PoolCounters& pool);
  void job_begin(unsigned worker) override;
  void job_end(unsigned worker) override;
  // One value per catalog counter (nullopt: unavailable in some job), then the machine column from
  // `window`'s readings (the stage's interval: its share is taken later). Empty when counters are off.
  SpanCounters counts(const counters::CounterSnapshot& window_begin, const counters::CounterSnapshot& window_end) const;

 private:
  const PoolCounters& pool_;
  mutable std::mutex mutex_;
  std::vector<counters::CounterSnapshot> open_;  // per worker: the reading at its job's start
  std::vector<double> sum_;
  std::vector<bool> valid_;
  bool any_ = false;
};

// Stage counts between two snapshots of one source: one delta per catalog counter, nullopt where the
// counter is unavailable, and the machine-wide readings. Empty deltas when the snapshots are (counters
// disabled).
SpanCounters stage_deltas(const counters::CounterSnapshot& before, const counters::CounterSnapshot& after);

}  // namespace zkc::harness
