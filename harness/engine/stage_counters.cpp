#include "harness/engine/stage_counters.hpp"

#include <chrono>
#include <exception>

#include "harness/counters/proc_interrupts.hpp"

namespace zkc::harness {
namespace {

// The TLB reading as one more counter of the snapshot: enabled == running time, so it is never scaled.
void append_tlb(const InterruptsTlbReader* tlb, counters::CounterSnapshot& snap) {
  if (tlb == nullptr) return;
  counters::RawCount r;
  if (const auto v = tlb->read()) {
    const auto now = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    r = counters::RawCount{*v, now, now, true};
  }
  snap.counters.push_back({r});
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
  append_tlb(tlb_, sum);  // once for the pool: the reading is machine-wide
  return sum;
}

std::vector<std::optional<double>> stage_deltas(const counters::CounterSnapshot& before,
                                                const counters::CounterSnapshot& after) {
  std::vector<std::optional<double>> out;
  if (after.counters.empty()) return out;
  for (const auto& v : counters::delta(before, after)) {
    out.push_back(v.valid ? std::optional<double>(v.value) : std::nullopt);
  }
  return out;
}

}  // namespace zkc::harness
