#include "harness/engine/thread_placer.hpp"

#include <fmt/format.h>

namespace zkc::harness {

ThreadPlacer::ThreadPlacer(const topology::Topology& topo, std::vector<topology::PoolPlan> plan,
                           topology::PlacementRecorder& recorder)
    : topo_(topo), plan_(std::move(plan)), recorder_(recorder) {
  for (const auto& p : plan_) results_[p.kind] = {p, p.pus.empty() ? "unbound" : "not started", 0};
}

void ThreadPlacer::on_thread_start(topology::PoolKind pool, const std::string& thread_name) {
  std::string result = "unbound";
  const auto it = results_.find(pool);  // the map's keys never change after construction
  if (it != results_.end() && !it->second.plan.pus.empty()) {
    const std::string why = topo_.bind_current_thread(it->second.plan.pus);
    result = why.empty() ? "bound" : why;
  }
  recorder_.register_thread(topology::pool_key(pool), thread_name);
  recorder_.sample_current_thread();
  std::lock_guard lock(mutex_);
  if (it == results_.end()) return;
  PoolBinding& b = it->second;
  // The first outcome stands for the pool unless a later thread fares differently: then both show.
  if (b.threads == 0 || b.result == "not started") {
    b.result = result;
  } else if (b.result.find(result) == std::string::npos) {
    b.result += "; " + result;
  }
  ++b.threads;
}

std::vector<ThreadPlacer::PoolBinding> ThreadPlacer::bindings() const {
  std::lock_guard lock(mutex_);
  std::vector<PoolBinding> out;
  for (const auto& [kind, b] : results_) out.push_back(b);
  return out;
}

}  // namespace zkc::harness
