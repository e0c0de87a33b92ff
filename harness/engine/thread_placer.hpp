// ThreadPlacer: what every thread of a run does first: bind itself to its pool's CPU set from the pin
// plan (or learn that binding is simulated or impossible, and say so), and register with the
// placement recorder that samples where it actually runs. One per run, owned by the engine.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "harness/topology/pin_plan.hpp"
#include "harness/topology/placement_recorder.hpp"
#include "harness/topology/topology.hpp"

namespace zkc::harness {

class ThreadPlacer {
 public:
  ThreadPlacer(const topology::Topology& topo, std::vector<topology::PoolPlan> plan,
               topology::PlacementRecorder& recorder);

  // On the calling thread: bind per the plan, register, take a first placement sample.
  void on_thread_start(topology::PoolKind pool, const std::string& thread_name);
  // On a short-lived thread (prep, dealloc) just before it ends: a last sample, its migrations.
  void on_thread_exit() { recorder_.finish_current_thread(); }

  // Per pool: its plan and what binding did ("bound", "unbound", "simulated: ...", "failed: ...").
  struct PoolBinding {
    topology::PoolPlan plan;
    std::string result;
    unsigned threads = 0;
  };
  std::vector<PoolBinding> bindings() const;

 private:
  const topology::Topology& topo_;
  std::vector<topology::PoolPlan> plan_;
  topology::PlacementRecorder& recorder_;
  mutable std::mutex mutex_;
  std::map<topology::PoolKind, PoolBinding> results_;
};

}  // namespace zkc::harness
