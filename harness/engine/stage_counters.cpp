#include "harness/engine/stage_counters.hpp"

#include <algorithm>
#include <chrono>
#include <exception>

#include "harness/counters/proc_interrupts.hpp"
#include "harness/counters/thread_sched.hpp"

namespace zkc::harness {
namespace {

// The TLB reading as one more counter of the snapshot: enabled == running time, so it is never scaled.
void append_tlb(const InterruptsTlbReader* tlb, counters::CounterSnapshot& snap) {
  if (tlb == nullptr) return;
  counters::RawCount r;
  if (const auto v = tlb->read()) {
    const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    r = counters::RawCount{*v, now, now, true};
    snap.machine = static_cast<double>(*v);
  }
  snap.counters.push_back({r});
}

// The calling thread's scheduler accounting as kSchedColumns more counters (never scaled); no fds
// (unavailable) when the files cannot be read, or for a reading that is not one thread's (`own` false).
void append_sched(counters::CounterSnapshot& snap, bool own) {
  const auto r = own ? counters::read_thread_sched() : std::nullopt;
  const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  for (std::size_t i = 0; i < counters::kSchedColumns.size(); ++i) {
    if (r) {
      snap.counters.push_back({counters::RawCount{(*r)[i], now, now, true}});
    } else {
      snap.counters.emplace_back();
    }
  }
}

}  // namespace

std::optional<std::uint64_t> InterruptsTlbReader::read() const {
  try {
    const auto per_cpu = counters::tlb_shootdowns_per_cpu(counters::read_proc_interrupts(path_));
    if (!per_cpu) return std::nullopt;
    return counters::sum(*per_cpu);
  } catch (const std::exception&) {
    return std::nullopt;  // the sampler's status reports why the file is unusable
  }
}

ThreadCounters::ThreadCounters(const counters::PreparedCounters* prepared, const InterruptsTlbReader* tlb)
    : tlb_(tlb) {
  if (prepared != nullptr) group_.emplace(*prepared);
}

counters::CounterSnapshot ThreadCounters::snapshot() const {
  counters::CounterSnapshot snap = group_ ? group_->snapshot() : counters::CounterSnapshot{};
  if (group_) append_sched(snap, true);
  append_tlb(tlb_, snap);
  return snap;
}

PoolCounters::PoolCounters(const counters::PreparedCounters* prepared, unsigned workers,
                           const InterruptsTlbReader* tlb)
    : prepared_(prepared), tlb_(tlb), groups_(workers) {}

void PoolCounters::open_on_worker(unsigned index) {
  std::optional<counters::ThreadCounterGroup> group;
  if (prepared_ != nullptr) group.emplace(*prepared_);  // opened on this worker: it counts this thread
  std::lock_guard lock(mutex_);
  groups_.at(index) = std::move(group);
  ++opened_;
  ready_cv_.notify_all();
}

void PoolCounters::wait_ready() {
  std::unique_lock lock(mutex_);
  ready_cv_.wait(lock, [&] { return opened_ == groups_.size(); });
}

counters::CounterSnapshot PoolCounters::snapshot() const {
  counters::CounterSnapshot sum;
  if (prepared_ != nullptr) sum.counters.resize(prepared_->size());
  std::unique_lock lock(mutex_);
  // Each counter's fds of all workers side by side: delta() sums them as it sums uncore domains.
  for (const auto& g : groups_) {
    if (!g) continue;
    const counters::CounterSnapshot s = g->snapshot();
    for (std::size_t i = 0; i < s.counters.size(); ++i) {
      sum.counters[i].insert(sum.counters[i].end(), s.counters[i].begin(), s.counters[i].end());
    }
  }
  lock.unlock();
  if (prepared_ != nullptr) append_sched(sum, false);  // per-thread only: see worker_snapshot
  append_tlb(tlb_, sum);  // once for the pool: the reading is machine-wide
  return sum;
}

counters::CounterSnapshot PoolCounters::window_snapshot() const {
  counters::CounterSnapshot s;
  if (prepared_ != nullptr) {
    s.counters.resize(prepared_->size());
    append_sched(s, false);
  }
  append_tlb(tlb_, s);
  return s;
}

counters::CounterSnapshot PoolCounters::worker_snapshot(unsigned index) const {
  counters::CounterSnapshot snap;
  {
    std::lock_guard lock(mutex_);
    const auto& g = groups_.at(index);
    if (!g) return snap;
    snap = g->snapshot();
  }
  append_sched(snap, true);  // called on worker `index` itself
  return snap;
}

std::size_t PoolCounters::per_thread_columns() const {
  return prepared_ != nullptr ? prepared_->size() + counters::kSchedColumns.size() : 0;
}

PoolJobCounters::PoolJobCounters(const PoolCounters& pool) : pool_(pool), open_(pool.workers()) {}

void PoolJobCounters::job_begin(unsigned worker) {
  counters::CounterSnapshot s = pool_.worker_snapshot(worker);
  std::lock_guard lock(mutex_);
  open_.at(worker) = std::move(s);
}

void PoolJobCounters::job_end(unsigned worker) {
  const counters::CounterSnapshot after = pool_.worker_snapshot(worker);
  std::lock_guard lock(mutex_);
  const counters::CounterSnapshot& before = open_.at(worker);
  if (after.counters.empty() || before.counters.size() != after.counters.size()) return;
  const auto d = counters::delta(before, after);
  if (!any_) {
    sum_.assign(d.size(), 0.0);
    valid_.assign(d.size(), true);
    any_ = true;
  }
  for (std::size_t i = 0; i < d.size() && i < sum_.size(); ++i) {
    if (d[i].valid) {
      sum_[i] += d[i].value;
    } else {
      valid_[i] = false;
    }
  }
}

SpanCounters PoolJobCounters::counts(const counters::CounterSnapshot& window_begin,
                                     const counters::CounterSnapshot& window_end) const {
  SpanCounters out = stage_deltas(window_begin, window_end);
  if (out.deltas.empty()) return out;
  std::lock_guard lock(mutex_);
  // The per-thread columns come first; the machine column (when present) is the last one.
  const std::size_t per_thread = std::min(pool_.per_thread_columns(), out.deltas.size());
  for (std::size_t i = 0; i < per_thread; ++i) {
    out.deltas[i] = any_ && i < sum_.size() && valid_[i] ? std::optional<double>(sum_[i])
                    : any_                                ? std::nullopt
                                                          : std::optional<double>(0.0);  // no job ran
  }
  return out;
}

SpanCounters stage_deltas(const counters::CounterSnapshot& before, const counters::CounterSnapshot& after) {
  SpanCounters out;
  if (after.counters.empty()) return out;
  for (const auto& v : counters::delta(before, after)) {
    out.deltas.push_back(v.valid ? std::optional<double>(v.value) : std::nullopt);
  }
  if (before.machine && after.machine) {
    out.machine_begin = *before.machine;
    out.machine_end = *after.machine;
  }
  return out;
}

}  // namespace zkc::harness
