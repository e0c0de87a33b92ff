// prep_msm and b_g2_msm: the CPU side of a partition's proof that runs beside the GPU stages.
//
// prep_msm is single-threaded, as in the real prover with one circuit per call: pass 1 scans the aux
// scalars and sets one_bits / tail_bits; pass 2 walks the A and B densities and, for each variable
// whose scalar is in the tail, writes its canonical scalar and copies its bases out of the pinned
// SRS into the split vectors. b_g2_msm is then the G2 Pippenger over the B_G2 tail on the groth16
// pool (the step whose pool size intervention I2 bounds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/curve/g2.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "workloads/prover/split_vectors.hpp"
#include "workloads/srs/pinned_srs.hpp"

namespace zkc::workloads {

struct PrepStats {
  std::size_t ones = 0;    // aux scalars equal to 1
  std::size_t tail = 0;    // aux scalars neither 0 nor 1
  std::size_t a_tail = 0;  // tail variables in the A density
  std::size_t b_tail = 0;  // tail variables in the B density
};

// Throws std::invalid_argument when aux, the densities or `out` do not match the shape. `passes`
// (>= 1) repeats the work: the balance fit sizes prep_msm's time this way. A fractional part runs
// first over that share of the aux words; the whole passes that follow leave the outputs exactly as
// one pass does.
PrepStats prep_msm(const PartitionShape& shape, const PinnedSrs& srs, std::span<const Fr> aux,
                   std::span<const std::uint64_t> a_density, std::span<const std::uint64_t> b_density,
                   SplitVectors& out, double passes = 1);

// sum over the B tail of [scalar] B_G2 base, by msm() on `pool`; plan_out receives the MSM plan.
// max_points > 0 sums only the first max_points tail points (the balance fit's b_g2 size).
// timing (optional) receives when its tiles ran on the pool; observer (optional) sees each worker's
// share of them (per-task counters).
G2Jacobian b_g2_msm(const SplitVectors& split, ThreadPool& pool, MsmPlan* plan_out = nullptr,
                    std::size_t max_points = 0, MsmTiming* timing = nullptr, JobObserver* observer = nullptr);

}  // namespace zkc::workloads
