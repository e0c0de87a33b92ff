// Where a stage's counter deltas come from: the Tier 1/2 perf counters of the thread that ran it
// (ThreadCounters, opened by each engine thread when it starts), or of a whole pool (PoolCounters,
// opened by each pool worker in its start hook) for the stages that run on a pool, SpMV and b_g2_msm:
// their rows carry the pool's totals over the stage's interval, which include the work of other
// partitions sharing the pool at the same time.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "harness/counters/perf_counters.hpp"

namespace zkc::harness {

// Tier 0 at stage boundaries: the machine's TLB shootdown IPIs so far (the /proc/interrupts TLB row
// summed over CPUs), appended to every snapshot as one more counter, "tlb_ipis_machine". Machine-wide:
// a stage's value counts every IPI received while it ran, whoever caused it. nullopt readings (no TLB
// row, unreadable file) leave the column empty.
class InterruptsTlbReader {
 public:
  explicit InterruptsTlbReader(std::filesystem::path path = "/proc/interrupts") : path_(std::move(path)) {}
  std::optional<std::uint64_t> read() const;
  static constexpr const char* kColumn = "tlb_ipis_machine";

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

 private:
  const counters::PreparedCounters* prepared_;
  const InterruptsTlbReader* tlb_;
  mutable std::mutex mutex_;
  std::condition_variable ready_cv_;
  std::vector<std::optional<counters::ThreadCounterGroup>> groups_;
  unsigned opened_ = 0;
};

// Stage deltas: one value per catalog counter, nullopt where the counter is unavailable. Empty when
// the snapshots are (counters disabled).
std::vector<std::optional<double>> stage_deltas(const counters::CounterSnapshot& before,
                                                const counters::CounterSnapshot& after);

}  // namespace zkc::harness
