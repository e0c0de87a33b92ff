// The virtual-time backend's cost model: what each stage of one partition costs when it runs alone on
// an idle machine, at full speed. The virtual pipeline (virtual_engine.hpp) turns these into durations,
// slowed by the contention model (contention_model.hpp) while other stages run beside them.
//
// Three sources, one shape:
//   cost_from_plan   the profile's full-scale stage times: the seed's isolation figures (balance
//                    targets: synthesis, witness share, prep, b_g2, the device kernels) x workload.scale
//   cost_from_run    a measured run's stages.csv (stage medians; an isolation run, c=1 j=1, is the
//                    reference: its stages ran with nothing beside them)
//   cost_from_log    a real prover log through `analyze` (its stage rows' medians)
#pragma once

#include <map>
#include <string>

#include "harness/engine/run_plan.hpp"
#include "model/run_data.hpp"
#include "model/stages.hpp"

namespace zkc::harness::vtime {

// One stage of one partition, alone on the machine.
struct StageCost {
  double ms = 0;             // wall time alone, on `threads` threads
  double threads = 1;        // how many threads it keeps busy (a pool stage: the pool's size)
  double serial_share = 0;   // Amdahl: the share of `ms` that does not shrink with more threads
  double mem_gbps = 0;       // memory traffic it drives at full speed, all its threads together
  double working_set_bytes = 0;  // what it re-reads from cache (the L3 model)
  double unmap_bytes = 0;    // what it hands back to the kernel by munmap/madvise (TLB shootdowns)
  // The share of `ms` spent waiting on memory traffic (1 = wholly bandwidth-bound): the part the
  // contention model's bandwidth sharing stretches.
  double mem_bound_share = 1;
};

struct CostModel {
  // Host stages by their model handle (witness_gen, witness_copy, spmv, direct_eval, density,
  // split_alloc, register, prep_msm, b_g2_msm, free_abc, dealloc_cpp, dealloc_rust, malloc_trim).
  // A stage absent here costs nothing.
  std::map<model::Stage, StageCost> host;
  // The device's kernels under the lock, ms (no CPU contention reaches them).
  double upload_ms = 0, ntt_msm_h_ms = 0, batch_add_ms = 0, tail_msm_ms = 0;
  std::string source;  // "profile (the seed's isolation figures)", "stages.csv of results/x", "log y"

  const StageCost* find(model::Stage s) const;
  // The stage's wall time alone on `threads` threads (Amdahl from its own thread count).
  double alone_ms(model::Stage s, double threads) const;
};

// Where each number comes from is said in cost_from_plan.cpp (the seed's figures) and cost_traffic.cpp
// (traffic, working sets and unmapped bytes from the plan's shape, shared by all three sources).
CostModel cost_from_plan(const RunPlan& plan);
// Throws std::runtime_error naming what is missing (no stage rows, a stage without spans).
CostModel cost_from_run(const model::RunData& run, const RunPlan& plan);
// From an ingested log: synthesis from its synthesis rows (split by the plan's witness share), prep_msm,
// b_g2_msm, the kernels and the C++ dealloc from its CUZK_TIMING means (cuzk_<key>_mean rows); what the
// log does not say comes from the plan as in cost_from_plan. Throws std::runtime_error without
// synthesis rows.
CostModel cost_from_log(const model::RunData& ingested, const RunPlan& plan);

// The seed's b_g2_msm on the groth16 pool as Amdahl's law through its two published points (0.45 s on
// 192 threads, the real prover's ~1.7 s on 32): the share of its time on `threads` threads that does
// not shrink with more threads.
double seed_b_g2_serial_share(double threads);

}  // namespace zkc::harness::vtime
