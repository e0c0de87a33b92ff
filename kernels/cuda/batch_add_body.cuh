// Per-index bodies of the batch addition kernels (batch_add_kernels.cu) for host and device:
// sum of the bases whose bit is set (the scalars equal to 1, which need no multiplication).
//
// Thread t sums bases [t S, t S + S) whose bit is set into one XYZZ partial; the partials are then
// summed kSumFanIn at a time, level after level, until one is left.
#pragma once

#include "kernels/cuda/g1_dev.cuh"

namespace zkc::cuda::dev {

constexpr u64 kBatchSegment = 64;  // bases per first-level thread: one bitmap word
constexpr u64 kSumFanIn = 32;      // partials per thread at each later level

// Bit i of the bitmap (word i / 64, bit i % 64), the layout of prep_msm's one_bits.
ZKC_HD bool bitmap_bit(const u64* bits, u64 i) { return ((bits[i / 64] >> (i % 64)) & 1) != 0; }

// Level 0: partials[t] = sum of bases[i], i in [t S, min(n, t S + S)), whose bit is set.
ZKC_HD void batch_add_segment_body(u64 t, u64 n, const G1AffineDev* bases, const u64* bits, G1XyzzDev* partials) {
  const u64 begin = t * kBatchSegment;
  const u64 end = min_u64(n, begin + kBatchSegment);
  G1XyzzDev acc = xyzz_identity();
  for (u64 i = begin; i < end; ++i) {
    if (bitmap_bit(bits, i)) xyzz_add_mixed_inplace(acc, bases[i]);
  }
  partials[t] = acc;
}

// Later levels: out[t] = sum of in[t F, min(count, t F + F)).
ZKC_HD void xyzz_sum_body(u64 t, const G1XyzzDev* in, u64 count, G1XyzzDev* out) {
  const u64 begin = t * kSumFanIn;
  const u64 end = min_u64(count, begin + kSumFanIn);
  G1XyzzDev acc = xyzz_identity();
  for (u64 i = begin; i < end; ++i) xyzz_add_inplace(acc, in[i]);
  out[t] = acc;
}

// Number of outputs of a level that reduces `count` inputs `per_thread` at a time.
ZKC_HD u64 level_outputs(u64 count, u64 per_thread) { return (count + per_thread - 1) / per_thread; }

}  // namespace zkc::cuda::dev
