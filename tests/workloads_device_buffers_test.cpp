// The simulated device's buffer mechanisms: the pool of kept device buffers (VramPool: freed memory
// stays reserved and serves later allocations, only growth is a real allocation), SimGpu with
// keep_device_buffers (one persistent d_a, the first d_b the one slow allocation), and unpinned a/b/c
// uploading slower than pinned ones. Modelled times are checked as lower bounds only.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "kernels/field/fr.hpp"
#include "tests/support/random_fr.hpp"
#include "workloads/gpu/sim_gpu.hpp"
#include "workloads/gpu/vram_model.hpp"
#include "workloads/prover/split_vectors.hpp"

namespace zkc::workloads {
namespace {

TEST(VramPool, OnlyGrowthIsARealAllocation) {
  VramModel vram(1000);
  VramPool pool(vram);
  EXPECT_EQ(pool.allocate("d_b", 400), 400u);  // the first: all of it
  pool.release(400);
  EXPECT_EQ(vram.used(), 400u) << "freed into the pool, still reserved on the device";
  EXPECT_EQ(pool.allocate("d_batch", 100), 0u);
  EXPECT_EQ(pool.allocate("d_tail", 350), 50u);  // 450 in use outgrow the 400 held
  EXPECT_EQ(pool.reserved(), 450u);
  EXPECT_EQ(pool.in_use(), 450u);
  pool.release(450);
  EXPECT_EQ(pool.allocate("d_b", 400), 0u);
  vram.allocate("d_a", 500);
  EXPECT_THROW(pool.allocate("d_tail", 200), GpuOutOfMemory) << "growth of 150 with 50 free";
  EXPECT_EQ(pool.reserved(), 450u) << "a failed growth reserves nothing";
  EXPECT_THROW(pool.release(401), std::logic_error);
}

struct Inputs {
  static constexpr std::uint32_t kConstraints = 1000;
  static constexpr std::uint64_t kDomain = 1024;
  std::vector<Fr> a = test_support::random_fr_vector(kConstraints, 1), b = test_support::random_fr_vector(kConstraints, 2),
                  c = test_support::random_fr_vector(kConstraints, 3);
  SplitVectors split;
  Inputs() {
    PartitionShape s;
    s.aux = 1000;
    s.srs_a = 500;
    s.srs_b_g2 = 200;
    split = allocate_split_vectors(s);
    split.a_tail_count = 100;
    split.b_tail_count = 50;
  }
  GpuPartitionInput input(bool pinned = true) const { return {a, b, c, kDomain, &split, pinned}; }
  std::uint64_t rest_bytes() const {
    return split.one_bits.bytes() + split.tail_bits.bytes() + split.b_tail_count * (32 + sizeof(G1Affine) + sizeof(G2Affine)) +
           split.a_tail_count * (32 + sizeof(G1Affine));
  }
};

constexpr std::uint64_t kDomainBytes = Inputs::kDomain * 32;

SimGpuParams kept_params(double d_b_first_ms) {
  SimGpuParams p{.index = 0, .vram_bytes = 1ull << 30, .staging_bytes = 3 * kDomainBytes, .ntt_msm_h_ms = 1};
  p.keep_device_buffers = true;
  p.pool_growth_ns_per_byte = d_b_first_ms * 1e6 / static_cast<double>(2 * kDomainBytes);
  return p;
}

TEST(SimGpu, KeptBuffersPayForTheFirstD_bOnceAndHoldD_aThroughout) {
  const Inputs in;
  constexpr double kFirstMs = 4;
  SimGpu gpu(kept_params(kFirstMs));
  const GpuStageTimes first = gpu.prove_partition(in.input(), {}, {});
  EXPECT_TRUE(first.d_b_first);
  EXPECT_GE(first.d_b_alloc_ms, kFirstMs) << "a modelled wait never undercuts its model";
  EXPECT_GE(first.ntt_msm_h_ms, kFirstMs + 1) << "d_b's allocation is inside ntt_msm_h, as CUZK_NTT_H's d_b_alloc";
  const std::uint64_t pool_bytes = std::max(2 * kDomainBytes, in.rest_bytes());
  EXPECT_EQ(gpu.vram().used(), kDomainBytes + pool_bytes) << "d_a and the pool stay on the device";
  for (int i = 0; i < 3; ++i) {
    const GpuStageTimes later = gpu.prove_partition(in.input(), {}, {});
    EXPECT_FALSE(later.d_b_first) << i;
  }
  EXPECT_EQ(gpu.vram().used(), kDomainBytes + pool_bytes) << "later partitions allocate nothing new";
  EXPECT_EQ(gpu.vram_peak_bytes(), kDomainBytes + pool_bytes);
}

TEST(SimGpu, PerPartitionBuffersAreFreedAndReportNoD_bAllocation) {
  const Inputs in;
  SimGpu gpu({.index = 0, .vram_bytes = 1ull << 30, .staging_bytes = 3 * kDomainBytes});
  const GpuStageTimes t = gpu.prove_partition(in.input(), {}, {});
  EXPECT_FALSE(t.d_b_first);
  EXPECT_EQ(t.d_b_alloc_ms, 0.0);
  EXPECT_EQ(gpu.vram().used(), 0u);
  EXPECT_EQ(gpu.vram_peak_bytes(), std::max(3 * kDomainBytes, in.rest_bytes()));
}

TEST(SimGpu, KeptBuffersNeedRoomForD_aBesideThePool) {
  const Inputs in;
  SimGpuParams p = kept_params(0);
  p.vram_bytes = 3 * kDomainBytes - 1;  // enough per partition, not for d_a + d_b at once
  ASSERT_GE(p.vram_bytes, in.rest_bytes()) << "the test needs only d_a + d_b not to fit";
  SimGpu gpu(p);
  EXPECT_THROW(gpu.prove_partition(in.input(), {}, {}), GpuOutOfMemory);
}

TEST(SimGpu, UnpinnedAbcUploadSlowerByTheModelledBounceBufferTime) {
  const Inputs in;
  constexpr double kExtraMs = 5;
  SimGpuParams p{.index = 0, .vram_bytes = 1ull << 30, .staging_bytes = 3 * kDomainBytes};
  p.unpinned_upload_ns_per_byte = kExtraMs * 1e6 / static_cast<double>(3 * Inputs::kConstraints * 32);
  SimGpu gpu(p);
  EXPECT_GE(gpu.prove_partition(in.input(false), {}, {}).upload_ms, kExtraMs);
  // Pinned a/b/c: only the real copy (no bound to check; the modelled wait is not taken).
  EXPECT_GE(gpu.prove_partition(in.input(true), {}, {}).upload_ms, 0.0);
}

}  // namespace
}  // namespace zkc::workloads
