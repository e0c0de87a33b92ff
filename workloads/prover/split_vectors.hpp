// SplitVectors: the C++ side's per-partition buffers, allocated by the GPU worker before it starts
// the prep thread and filled by prep_msm: bitmaps over the aux scalars, then the "tail" (scalars
// neither 0 nor 1) with copies of their bases out of the pinned SRS. They are what the C++ dealloc
// thread frees (~37 GiB per partition at full scale in the real prover).
#pragma once

#include <cstddef>
#include <cstdint>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::workloads {

struct SplitVectors {
  HostArray<std::uint64_t> one_bits;   // aux scalar == 1
  HostArray<std::uint64_t> tail_bits;  // aux scalar neither 0 nor 1
  // Capacity = the density's variable count; the first *_tail_count entries are filled.
  HostArray<Scalar256> a_tail_scalars;  // canonical form, for the A-section tail MSM
  HostArray<G1Affine> a_tail_bases;
  HostArray<Scalar256> b_tail_scalars;  // shared by the B_G1 and B_G2 tails
  HostArray<G1Affine> b_g1_tail_bases;
  HostArray<G2Affine> b_g2_tail_bases;
  std::size_t a_tail_count = 0;
  std::size_t b_tail_count = 0;

  std::uint64_t bytes() const;
  void release();  // release every array (the dealloc thread's work)
};

// Maps the arrays at their worst-case sizes for the shape (pages are touched only when written), from
// `source` when given (which must outlive them).
SplitVectors allocate_split_vectors(const PartitionShape& shape, RegionSource* source = nullptr);

}  // namespace zkc::workloads
