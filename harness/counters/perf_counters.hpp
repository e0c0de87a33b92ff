// perf_event counters of Tiers 1 and 2.
//
// Use:
//   const PreparedCounters prepared(default_catalog());   // once per run: tracepoint ids, libpfm4 encodings
//   // on each thread to measure (e.g. when a pool thread starts):
//   ThreadCounterGroup group(prepared);                    // counts the CALLING thread from now on
//   CounterSnapshot before = group.snapshot();  ...work...  CounterSnapshot after = group.snapshot();
//   std::vector<CounterValue> d = delta(before, after);    // one per catalog entry, invalid where unavailable
// Every counter has its own fd (no group leader): each is multiplexed and scaled on its own, and one
// counter the PMU refuses cannot take the others down with it. Nothing here throws on a counter the
// machine lacks: the failure is in statuses().
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <vector>

#include "harness/counters/availability.hpp"
#include "harness/counters/counter_catalog.hpp"
#include "harness/counters/perf_syscalls.hpp"

namespace zkc::harness::counters {

// One counter as read: value scaled by time_enabled/time_running (multiplexing), the fraction of the
// time it was actually on the PMU, and whether there is a value at all.
struct CounterValue {
  double value = 0.0;
  double running_fraction = 0.0;
  bool valid = false;
};

// One fd as read (read_format TOTAL_TIME_ENABLED | TOTAL_TIME_RUNNING).
struct RawCount {
  std::uint64_t value = 0;
  std::uint64_t time_enabled = 0;  // ns
  std::uint64_t time_running = 0;  // ns
  bool valid = false;
};

// Raw counts of every counter in catalog order; each counter has 0 fds (unavailable), 1 (per-thread) or
// one per L3 domain (uncore).
struct CounterSnapshot {
  std::vector<std::vector<RawCount>> counters;
  // A machine-wide count appended as the last counter (the engine's tlb_ipis_machine), raw, when it
  // was read: spans that overlap share it by time instead of each counting all of it.
  std::optional<double> machine;
};

// Scaled totals since opening. A counter is valid when every fd of it read and ran for some time (or no
// time passed yet); uncore fds are summed and the running fraction is the smallest of them.
std::vector<CounterValue> scaled(const CounterSnapshot& s);
// Scaled change between two snapshots of the same group: (Δvalue)·(Δenabled/Δrunning), so multiplexing is
// accounted over the interval only. Invalid where either snapshot is.
std::vector<CounterValue> delta(const CounterSnapshot& before, const CounterSnapshot& after);
CounterValue scale_one(const RawCount& r);
CounterValue delta_one(const RawCount& before, const RawCount& after);

struct PrepareOptions {
  std::optional<int> perf_event_paranoid;               // nullopt: read /proc/sys/kernel/perf_event_paranoid
  std::optional<bool> privileged;                        // nullopt: root, CAP_PERFMON or CAP_SYS_ADMIN
  std::vector<std::filesystem::path> tracing_roots;      // empty: default_tracing_roots()
};

// A catalog resolved once: each counter's perf_event_attr, or why it cannot be built (tracepoint not found,
// libpfm4 cannot encode it). Read-only afterwards: share one between threads.
class PreparedCounters {
 public:
  explicit PreparedCounters(std::vector<CounterSpec> specs, const PrepareOptions& options = {});

  const std::vector<CounterSpec>& specs() const { return specs_; }
  std::size_t size() const { return specs_.size(); }
  std::optional<int> perf_event_paranoid() const { return paranoid_; }

  struct Entry {
    std::optional<perf_event_attr> attr;  // nullopt: `failure` says why
    CounterStatus failure;
    bool user_only = false;
  };
  const Entry& entry(std::size_t i) const { return entries_[i]; }

 private:
  std::vector<CounterSpec> specs_;
  std::vector<Entry> entries_;
  std::optional<int> paranoid_;
};

bool is_system_wide(const CounterSpec& spec);  // kUncoreL3: counted by SystemWideCounters

// Per-thread counters (pid 0, cpu -1) of every non-system-wide counter of the catalog, opened on the calling
// thread and enabled at once. Counts that thread only, wherever it runs; may be read from any thread.
class ThreadCounterGroup {
 public:
  explicit ThreadCounterGroup(const PreparedCounters& prepared, PerfSyscalls& sys = real_perf_syscalls());
  ThreadCounterGroup(const ThreadCounterGroup&) = delete;
  ThreadCounterGroup& operator=(const ThreadCounterGroup&) = delete;
  ThreadCounterGroup(ThreadCounterGroup&&) noexcept = default;
  ThreadCounterGroup& operator=(ThreadCounterGroup&&) noexcept = default;

  // One per catalog entry. System-wide counters appear as not supported with detail "system-wide".
  const std::vector<CounterStatus>& statuses() const { return statuses_; }
  std::size_t open_count() const;
  CounterSnapshot snapshot() const;
  std::vector<CounterValue> read() const { return scaled(snapshot()); }

 private:
  std::vector<PerfFd> fds_;  // one per catalog entry, not open where unavailable
  std::vector<CounterStatus> statuses_;
};

// System-wide counters of the catalog (the amd_l3 uncore): one fd per L3 domain (pid -1, cpu = the domain's
// CPU from the PMU's cpumask), summed on read. Needs perf_event_paranoid <= 0 or CAP_PERFMON/root.
class SystemWideCounters {
 public:
  explicit SystemWideCounters(const PreparedCounters& prepared, PerfSyscalls& sys = real_perf_syscalls());
  SystemWideCounters(const SystemWideCounters&) = delete;
  SystemWideCounters& operator=(const SystemWideCounters&) = delete;
  SystemWideCounters(SystemWideCounters&&) noexcept = default;
  SystemWideCounters& operator=(SystemWideCounters&&) noexcept = default;

  // One per catalog entry. Per-thread counters appear as not supported with detail "per-thread".
  const std::vector<CounterStatus>& statuses() const { return statuses_; }
  std::size_t open_count() const;
  CounterSnapshot snapshot() const;
  std::vector<CounterValue> read() const { return scaled(snapshot()); }

 private:
  std::vector<std::vector<PerfFd>> fds_;  // per catalog entry, one per L3 domain (empty when not open)
  std::vector<CounterStatus> statuses_;
};

}  // namespace zkc::harness::counters
