// The balance solver: which per-stage sizes give a miniature pipeline the seed system's shape.
//
// One uniform scale does not keep the seed's shape on a small machine: synthesis runs pw partitions
// at once on a few cores, while prep_msm, b_g2_msm and the GPU stages do not shrink the same way
// (Pippenger at a few thousand points costs far more per point than at 33M). So each stage gets its
// own size, chosen so that these dimensionless numbers (in isolation) match the seed system's:
//
//   rho            = pw x gpu_total / (devices x synthesis)   0.51 (10 x 1.8 s / 35 s)
//   prep / gpu     = prep_msm / gpu_total                     0.94 (1.7 s / 1.8 s)
//   b_g2 / gpu     = b_g2_msm / gpu_total                     0.25 (0.45 s / 1.8 s)
//   witness share  = witness generation / synthesis           0.75
//   direct / pce   = synthesis without PCE / with it          1.42 (50.4 s / 35.5 s, same witness)
//   gpu_total split: ntt_msm_h 690 : batch_add 650 : tail_msm 83 of 1800 ms, the rest (377 ms)
//   waiting for prep under the lock; prep starts before the lock, so the time from prep's start to
//   ntt_msm_h's (the pre-lock work, host registration of a/b/c) is prep - ntt_msm_h - wait.
//
// solve_balance is pure arithmetic on measured unit costs (fit_unit_costs measures them), so tests
// check it on synthetic costs. The data scale (workload.scale) is an input, never an output: it
// sets the SpMV's size, witness generation is sized to its share beside it, and everything on the
// GPU side follows from synthesis through rho.
//
// Those numbers are the PCE path's (synthesis.path = pce). The direct path (the real prover since
// curio 7ea7488d: no PCE cache, each constraint evaluated as synthesis goes) keeps the same witness
// and GPU side and sizes its constraint evaluation so that its synthesis is direct_over_pce times the
// PCE path's: curio's extern/cuzk/cuzk-project.md, Phase 5 Wave 1, measured 10 circuits synthesized
// in 50.4 s on the old path against 35.5 s with PCE (26.5 s of it witness generation, 8.8 s MatVec),
// so evaluating constraints directly costs (50.4 - 26.5) / (35.5 - 26.5) = 2.7 times the PCE path's
// copy + SpMV. rho and the witness share of a direct run are then the PCE targets / direct_over_pce.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace zkc::harness {

// The seed's numbers to keep (profile keys balance.*, gpu.*_ms for the split).
struct BalanceTargets {
  double rho = 0.51;
  double prep_over_gpu = 0.94;
  double b_g2_over_gpu = 0.25;
  double witness_share = 0.75;
  // The seed's gpu_total and its kernels, ms (only their ratios matter).
  double gpu_total_ms = 1800, ntt_msm_h_ms = 690, batch_add_ms = 650, tail_msm_ms = 83;
  // Synthesis on the direct path / on the PCE path, with the same witness generation (1.42: 50.4 s /
  // 35.5 s, cuzk-project.md Phase 5 Wave 1).
  double direct_over_pce = 1.42;

  double ntt_share() const { return ntt_msm_h_ms / gpu_total_ms; }
  double batch_share() const { return batch_add_ms / gpu_total_ms; }
  double tail_share() const { return tail_msm_ms / gpu_total_ms; }
  // Waiting for prep under the lock: gpu_total minus its kernels.
  double wait_share() const { return 1.0 - ntt_share() - batch_share() - tail_share(); }
  // From prep's start to ntt_msm_h's start, as a share of gpu_total (>= 0).
  double pre_lock_share() const;
};

// One (points, ms) reading of b_g2_msm on the configured groth16 pool.
struct MsmReading {
  double points = 0;
  double ms = 0;
};

// This host's costs, measured at the run's shape with the run's pool sizes.
struct UnitCosts {
  double witness_ns_per_var = 0;      // fixed part per aux variable (class choice, writes)
  double witness_ns_per_mul = 0;      // per aux variable and Fr multiplication of its chain
  double synthesis_rest_ms = 0;       // witness copy + the three products + densities, pw at once
  // The direct path's evaluation (workloads/synthesis/direct_eval), pw at once, each on its own thread:
  // fixed part per term (drawing and evaluating it) and per extra multiplication per term. 0 = not
  // measured (the direct stage is then not sized).
  double direct_ns_per_term = 0, direct_ns_per_mul = 0;
  double prep_ms_per_pass = 0;        // one pass of prep_msm over the partition
  double upload_ms = 0;               // the sim's host copy of a/b/c into staging (before ntt_msm_h)
  // The sim's host copies inside batch_add and tail_msm (bitmaps; tail scalars and bases): 0 from
  // unit costs, what a pilot measured beyond the modelled time after one.
  double batch_copy_ms = 0, tail_copy_ms = 0;
  std::vector<MsmReading> b_g2;       // >= 1 reading, increasing points
  double memcpy_gib_per_s = 0;        // one thread's copy bandwidth (for the dealloc trigger)
};

// What the solver needs of the plan.
struct BalanceInputs {
  unsigned partition_workers = 1;  // pw
  unsigned devices = 1;
  unsigned partitions = 1;         // P: in isolation they all reach the GPU workers at once
  unsigned gpu_workers = 1;        // gw, per device
  std::uint64_t aux = 1;           // aux variables per partition
  std::uint64_t b_g2_available = 1;  // tail points the B density offers (the most b_g2 can sum)
  std::uint64_t terms = 0;         // nonzeros of A, B and C: the terms the direct path evaluates
  // > 0: the GPU's stage times are given (a real device), gpu_total is this and synthesis follows.
  double gpu_total_anchor_ms = 0;
};

// The device's stage times as one partition sees them (ms), and the CPU stages beside them.
struct IsolationStages {
  double register_abc = 0, upload = 0, ntt_msm_h = 0, batch_add = 0, tail_msm = 0;
  double prep = 0, b_g2 = 0;
};
// Each partition's gpu_total (from taking the lock to the end of tail_msm, prep wait included) when
// P partitions reach gw x devices GPU workers at once: a worker starts prep, registers a/b/c, takes
// its device's lock, runs upload and ntt_msm_h, waits for prep, runs batch_add and tail_msm, unlocks,
// then joins b_g2 before its next partition. In isolation only the first partitions on each lock
// wait for prep, which is why the seed's split of gpu_total cannot be copied stage by stage.
std::vector<double> isolation_gpu_totals(const IsolationStages& stages, const BalanceInputs& in);

// The per-stage sizes, and what they are predicted to give.
struct StageSizes {
  unsigned witness_muls_per_var = 1;
  unsigned direct_muls_per_term = 0;  // the direct path's extra multiplications per term
  double prep_passes = 1;          // >= 1: prep_msm's real pass, repeated (the last one partial)
  std::uint64_t b_g2_points = 1;   // b_g2_msm sums the first this many tail points
  // Simulated device, absolute ms: register is the pre-lock host registration of a/b/c.
  double register_ms = 0, ntt_msm_h_ms = 0, batch_add_ms = 0, tail_msm_ms = 0;
  // The seed's split of gpu_total is scaled by this so that the median gpu_total of the isolation
  // schedule (isolation_gpu_totals) is the one rho asks for.
  double device_scale = 1;
  // Predictions (isolation; gpu_total is the median over the partitions).
  // synthesis_ms is the PCE path's; the direct path's is witness_ms + direct_ms.
  double synthesis_ms = 0, witness_ms = 0, gpu_total_ms = 0, prep_ms = 0, b_g2_ms = 0, direct_ms = 0;
  // Targets the sizes cannot reach, each with the reason ("b_g2_msm: 1 point costs ... ms > ...").
  std::vector<std::string> limits;
};

// Isolation or run medians of the stages the balance numbers are made of (ms; 0 = not measured).
struct StageMedians {
  double synthesis = 0, witness = 0, prep = 0, b_g2 = 0, gpu_total = 0;
  double ntt_msm_h = 0, batch_add = 0, tail_msm = 0, register_abc = 0;
  double post_lock_share = -1;  // < 0: not measured
};

// A fit as a run records it: what was measured, what was solved, and where it came from.
struct BalanceFit {
  std::string key;     // machine + build + profile (hex)
  std::string source;  // "measured in 2.1 s" or "cache <path>"
  UnitCosts costs;
  StageSizes sizes;
  StageMedians verified;  // the last pilot (5 isolation runs, c=1 j=1) with these sizes; all 0 when none ran
  bool pilots_direct = false;  // its pilots ran synthesis.path = direct (the fitted plan's path)
};

// Throws std::invalid_argument for non-positive costs or targets out of range.
StageSizes solve_balance(const UnitCosts& costs, const BalanceTargets& targets, const BalanceInputs& in);

// b_g2_msm's ms at n points from the readings: piecewise linear in log-log between readings,
// the end segments extended (one reading: proportional).
double b_g2_ms_at(const std::vector<MsmReading>& readings, double points);
// The inverse: the points whose predicted ms is `ms` (not clamped).
double b_g2_points_for(const std::vector<MsmReading>& readings, double ms);

}  // namespace zkc::harness
