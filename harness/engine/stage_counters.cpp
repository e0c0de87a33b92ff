#include "harness/engine/stage_counters.hpp"

namespace zkc::harness {

ThreadCounters::ThreadCounters(const counters::PreparedCounters* prepared) {
  if (prepared != nullptr) group_.emplace(*prepared);
}

counters::CounterSnapshot ThreadCounters::snapshot() const { return group_ ? group_->snapshot() : counters::CounterSnapshot{}; }

PoolCounters::PoolCounters(const counters::PreparedCounters* prepared, unsigned workers)
    : prepared_(prepared), groups_(workers) {}

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
  if (prepared_ == nullptr) return sum;
  std::lock_guard lock(mutex_);
  // Each counter's fds of all workers side by side: delta() sums them as it sums uncore domains.
  for (const auto& g : groups_) {
    if (!g) continue;
    const counters::CounterSnapshot s = g->snapshot();
    if (sum.counters.empty()) sum.counters.resize(s.counters.size());
    for (std::size_t i = 0; i < s.counters.size(); ++i) {
      sum.counters[i].insert(sum.counters[i].end(), s.counters[i].begin(), s.counters[i].end());
    }
  }
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
