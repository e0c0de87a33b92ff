// Cost models and machines for the virtual backend's tests: round numbers for hand-worked schedules,
// and plausible full-scale ones (the seed's isolation figures, rounded) for size and speed checks.
#pragma once

#include "harness/vtime/contention_model.hpp"
#include "harness/vtime/cost_model.hpp"
#include "harness/vtime/virtual_engine.hpp"
#include "model/stages.hpp"

namespace zkc::test {

// witness 10 ms, SpMV 4 ms on 2 pool threads, prep 3 ms, b_g2 2 ms on 2 groth16 threads, each device
// kernel 1 ms, each dealloc side 1 ms; every other stage free.
inline harness::vtime::CostModel round_costs() {
  using model::Stage;
  harness::vtime::CostModel c;
  c.host[Stage::kWitnessGen] = {.ms = 10, .threads = 1};
  c.host[Stage::kSpmv] = {.ms = 4, .threads = 2};
  c.host[Stage::kPrepMsm] = {.ms = 3, .threads = 1};
  c.host[Stage::kBG2Msm] = {.ms = 2, .threads = 2};
  c.host[Stage::kDeallocCpp] = {.ms = 1, .threads = 1};
  c.host[Stage::kDeallocRust] = {.ms = 1, .threads = 1};
  c.upload_ms = c.ntt_msm_h_ms = c.batch_add_ms = c.tail_msm_ms = 1;
  c.source = "round numbers (test)";
  return c;
}

// A partition of the seed circuit at full scale, ms (synthesis ~31 s, 75% witness; GPU ~1.8 s).
inline harness::vtime::CostModel seed_like_costs() {
  using model::Stage;
  harness::vtime::CostModel c;
  c.host[Stage::kWitnessGen] = {.ms = 23000, .threads = 1, .mem_gbps = 2};
  c.host[Stage::kWitnessCopy] = {.ms = 400, .threads = 1, .mem_gbps = 20};
  c.host[Stage::kSpmv] = {.ms = 7000, .threads = 32, .serial_share = 0.02, .mem_gbps = 120};
  c.host[Stage::kDensity] = {.ms = 300, .threads = 1};
  c.host[Stage::kSplitAlloc] = {.ms = 50, .threads = 1};
  c.host[Stage::kRegister] = {.ms = 600, .threads = 1};
  c.host[Stage::kPrepMsm] = {.ms = 1700, .threads = 1, .mem_gbps = 10};
  c.host[Stage::kBG2Msm] = {.ms = 450, .threads = 32, .serial_share = 0.05, .mem_gbps = 40};
  c.host[Stage::kDeallocCpp] = {.ms = 300, .threads = 1, .unmap_bytes = 3e9};
  c.host[Stage::kDeallocRust] = {.ms = 900, .threads = 1, .unmap_bytes = 9e9};
  c.host[Stage::kMallocTrim] = {.ms = 40, .threads = 1};
  c.ntt_msm_h_ms = 690;
  c.batch_add_ms = 650;
  c.tail_msm_ms = 83;
  c.source = "seed-like (test)";
  return c;
}

inline harness::vtime::MachineParams machine_with_cores(double cores) {
  harness::vtime::MachineParams m;
  m.cores = {cores, "assumed: test"};
  m.mem_bw_gbps = {333, "assumed: test"};
  m.l3_bytes = {32e6, "assumed: test"};
  m.l3_domains = {12, "assumed: test"};
  m.l3_miss_penalty = {0.6, "assumed: test"};
  m.shootdown_us = {2, "assumed: test"};
  m.bytes_per_shootdown = {2e6, "assumed: test"};
  return m;
}

// Contention off: only the schedule decides.
inline harness::vtime::VirtualOptions schedule_only(harness::vtime::CostModel costs, std::uint64_t seed = 1) {
  harness::vtime::VirtualOptions o;
  o.costs = std::move(costs);
  o.machine = machine_with_cores(96);
  o.contention = harness::vtime::ContentionSwitches::none();
  o.seed = seed;
  return o;
}

}  // namespace zkc::test
