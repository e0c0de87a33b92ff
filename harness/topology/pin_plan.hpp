// Pin plans: where each pool's threads may run. A policy (none, compact, scatter, split) gives every
// pool a CPU set from the topology; explicit specs override it per pool:
//   "l3:0-9"          the PUs of L3 domains 0..9
//   "pu:0-7,96-103"   these PUs (OS indexes)
// An invalid or out-of-range spec is an error naming the key and what is accepted.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "harness/topology/topology.hpp"

namespace zkc::harness::topology {

enum class PoolKind { kSynthesis, kGroth16, kPrep, kGpuWorkers, kDealloc };
const char* pool_key(PoolKind kind);  // "synthesis", "groth16", "prep", "gpu_workers", "dealloc"
const std::vector<PoolKind>& all_pools();

struct PinningConfig {
  std::string policy = "none";                 // none | compact | scatter | split
  std::map<PoolKind, std::string> explicit_spec;  // pinning.<pool> = "l3:..." | "pu:..."; absent = policy
  unsigned synthesis_threads = 1;              // sizes, for compact
  unsigned groth16_threads = 1;
};

struct PoolPlan {
  PoolKind kind = PoolKind::kSynthesis;
  std::vector<unsigned> pus;  // empty = unbound
  std::string how;            // "policy split: l3:0-9", "pinning.groth16 = \"l3:10-11\"", "unbound"
};

// Policies (n = L3 domains):
//   none     every pool unbound
//   compact  synthesis on the fewest leading L3 domains whose cores cover its threads; groth16 on
//            the next ones (wrapping); prep, gpu_workers and dealloc with synthesis
//   scatter  every pool on every PU (threads spread by the scheduler across all domains)
//   split    synthesis, prep, gpu_workers and dealloc on domains [0, n - g), groth16 on [n - g, n)
//            with g = max(1, n / 6) (the seed's 2 of 12 CCDs for 32 of 192 threads); one domain: all
//            pools share it
// Throws std::invalid_argument ("pinning.groth16 = \"l3:10-13\": L3 domains 12-13 do not exist (this
// topology has 0-11)") for a bad spec; unknown policy names are rejected by the config schema.
std::vector<PoolPlan> plan_pinning(const TopologyInfo& topo, const PinningConfig& config);

// The PUs a spec names; throws std::invalid_argument naming the spec and what is accepted.
std::vector<unsigned> resolve_spec(const TopologyInfo& topo, const std::string& spec);

}  // namespace zkc::harness::topology
