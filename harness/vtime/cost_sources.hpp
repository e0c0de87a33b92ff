// Internal to the cost model's sources (cost_from_plan.cpp, cost_from_run.cpp): the pieces they share.
#pragma once

#include "harness/engine/run_plan.hpp"
#include "harness/vtime/cost_model.hpp"

namespace zkc::harness::vtime::detail {

// The seed's synthesis and groth16 pools: all 192 hardware threads (threads = 0, gpu_threads = 0).
inline constexpr double kSeedPoolThreads = 192;

// One partition's host stage times as the seed states them (full scale x workload.scale), the
// inputs of seed_shaped_costs: cost_from_plan takes them all from the balance targets, cost_from_log
// replaces what its log measured.
struct HostFigures {
  double synthesis_ms = 0;      // one partition's PCE synthesis while the seed's pw = 10 ran at once
  double witness_share = 0.75;  // of synthesis_ms, on one thread
  double direct_over_pce = 1.42;
  double prep_ms = 0;           // one thread
  double b_g2_ms = 0;           // on b_g2_threads
  double b_g2_threads = 1;
  double register_ms = 0;
  double dealloc_cpp_ms = -1;   // < 0: from the bytes it unmaps (unmap_ms)
};

// The host stages from the figures: witness_gen; witness_copy, spmv, density (pce) or direct_eval
// (direct); register, prep_msm, b_g2_msm; the dealloc stages (free_abc, dealloc_cpp, dealloc_rust);
// then add_traffic.
CostModel seed_shaped_costs(const RunPlan& plan, const HostFigures& f);

// Fills each host stage's mem_gbps, working set, unmapped bytes and memory-bound share from the plan's
// shape (its data sizes) and the stage's ms. Stages absent stay absent.
void add_traffic(CostModel& costs, const RunPlan& plan);

// The bytes each dealloc stage hands back to the kernel, as the plan frees them (release method,
// arena, pinned pool, abc_release): 0 where nothing is unmapped.
struct FreedBytes {
  double free_abc = 0, dealloc_cpp = 0, dealloc_rust = 0;
};
FreedBytes freed_bytes(const RunPlan& plan);
// An unmap of `bytes` on one thread, ms (the assumed rate: cost_traffic.cpp).
double unmap_ms(double bytes);

// The device's kernels from the plan (already scaled by workload.scale x gpu.time_factor, or sized
// by the balance fit), and the unpinned upload the kept-device-buffers mechanism adds.
void device_from_plan(CostModel& costs, const RunPlan& plan);

}  // namespace zkc::harness::vtime::detail
