// PinnedSrs: the host copy of the proving key (SRS) that the real prover keeps in pinned memory:
// H, L, A, B_G1 as G1 affine points and B_G2 as G2 affine points, in one mmap'd region. prep_msm
// copies tail bases out of it; the GPU stages read it.
//
// Generating hundreds of millions of distinct curve points would dominate set-up, and only the
// memory traffic matters to the pipeline, so each section holds up to kDistinctPoints distinct
// valid points (generate_points) repeated to fill it: every base is a valid curve point and the
// bytes moved are the real ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::workloads {

class PinnedSrs {
 public:
  static constexpr std::size_t kDistinctPoints = std::size_t{1} << 14;

  // Maps and fills the sections, then tries mlock (pinning); a failed mlock (RLIMIT_MEMLOCK) is not
  // an error: pinned() is false and pin_note() says why, with errno text.
  static PinnedSrs build(const PartitionShape& shape, std::uint64_t seed, ThreadPool* pool);

  std::span<const G1Affine> h() const;
  std::span<const G1Affine> l() const;
  std::span<const G1Affine> a() const;
  std::span<const G1Affine> b_g1() const;
  std::span<const G2Affine> b_g2() const;
  std::uint64_t bytes() const;
  bool pinned() const { return pinned_; }
  const std::string& pin_note() const { return pin_note_; }

 private:
  HostArray<G1Affine> h_, l_, a_, b_g1_;
  HostArray<G2Affine> b_g2_;
  bool pinned_ = false;
  std::string pin_note_;
};

}  // namespace zkc::workloads
