// Per-index bodies of the NTT kernels (ntt_kernels.cu) for host and device.
//
// The device transform is the CPU's radix-2 decimation in time (kernels/ntt/ntt.cpp), natural order
// in and out: a bit-reverse permutation, the first kNttBlockLog stages of every 2^kNttBlockLog-element
// block in shared memory (ntt_block_butterfly), then one launch per remaining stage
// (ntt_global_butterfly). Butterfly k of the stage with half-width h = 2^log_h pairs i and i + h,
// i = (k / h) * 2h + k % h, with twiddle w_{2h}^(k % h): the CPU's indexing, so the results are
// bit for bit the CPU's.
//
// Twiddles and coset powers come from two-level tables (PowerTableDev): base^e = lo[e mod 2^b] *
// hi[e >> b], a few thousand entries instead of n, which keeps VRAM for the data at 2^27 (a full
// table pair would cost another 4 GiB). Field arithmetic is exact, so a looked-up power equals the
// CPU's sequentially multiplied one.
#pragma once

#include "kernels/cuda/fr_dev.cuh"

namespace zkc::cuda::dev {

// Shared-memory block: 2^10 Fr = 32 KiB, 512 butterflies per stage.
constexpr unsigned kNttBlockLog = 10;
// Largest supported domain (index arithmetic is 64-bit; 2^31 elements keep grid sizes in range).
constexpr unsigned kNttMaxLog = 31;

// base^e = lo[e & (2^lo_bits - 1)] * hi[e >> lo_bits] for e < 2^(lo_bits + hi_bits).
struct PowerTableDev {
  const FrDev* lo;
  const FrDev* hi;
  unsigned lo_bits;
};

ZKC_HD FrDev power_lookup(const PowerTableDev& t, u64 e) {
  const u64 mask = (u64{1} << t.lo_bits) - 1;
  return t.lo[e & mask] * t.hi[e >> t.lo_bits];
}

// Swaps a[i] and a[bitrev(i)] once per pair (by the smaller index): one thread per i.
ZKC_HD void ntt_bit_reverse_body(FrDev* a, u64 i, unsigned log_n) {
  const u64 j = bit_reverse(i, log_n);
  if (i < j) {
    const FrDev t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

// The first of the two indices of butterfly k in the stage of half-width 2^log_h.
ZKC_HD u64 ntt_butterfly_index(u64 k, unsigned log_h) {
  const u64 j = k & ((u64{1} << log_h) - 1);
  return ((k >> log_h) << (log_h + 1)) + j;
}

// (a, b) <- (a + w b, a - w b); the j = 0 butterfly of a group has w = 1 and skips the product.
ZKC_HD void ntt_butterfly(FrDev& a, FrDev& b, const FrDev* w) {
  const FrDev u = a;
  const FrDev v = w != nullptr ? b * *w : b;
  a = u + v;
  b = u - v;
}

// Butterfly k of stage log_h inside one block (2^log_h < block size), with the stage table of the
// CPU's layout: entry h + j is w_{2h}^j (NttDomain::forward_twiddles / inverse_twiddles).
ZKC_HD void ntt_block_butterfly(FrDev* block, const FrDev* stage_table, u64 k, unsigned log_h) {
  const u64 h = u64{1} << log_h;
  const u64 j = k & (h - 1);
  const u64 i = ntt_butterfly_index(k, log_h);
  ntt_butterfly(block[i], block[i + h], j == 0 ? nullptr : &stage_table[h + j]);
}

// Butterfly k of stage log_h over the whole array: w_{2h}^j = w_n^(j * n / 2h), looked up in the
// table of the top stage's twiddles (exponents below n / 2 = 2^log_top).
ZKC_HD void ntt_global_butterfly(FrDev* a, const PowerTableDev& top, unsigned log_top, u64 k, unsigned log_h) {
  const u64 h = u64{1} << log_h;
  const u64 j = k & (h - 1);
  const u64 i = ntt_butterfly_index(k, log_h);
  if (j == 0) {
    ntt_butterfly(a[i], a[i + h], nullptr);
  } else {
    const FrDev w = power_lookup(top, j << (log_top - log_h));
    ntt_butterfly(a[i], a[i + h], &w);
  }
}

// a[i] *= s (the 1/n of the inverse transform).
ZKC_HD void fr_scale_body(FrDev* a, u64 i, const FrDev& s) { a[i] = a[i] * s; }

// a[i] *= base^i (coset shift in, or its inverse out).
ZKC_HD void fr_scale_by_powers_body(FrDev* a, u64 i, const PowerTableDev& powers) {
  a[i] = a[i] * power_lookup(powers, i);
}

// The quotient on the coset: h_i = (a_i b_i - c_i) / Z(g w^i), with Z(x) = x^n - 1 constant
// (g^n - 1) over the coset; written over a.
ZKC_HD void ntt_h_pointwise_body(FrDev* a, const FrDev* b, const FrDev* c, u64 i, const FrDev& z_inv) {
  a[i] = (a[i] * b[i] - c[i]) * z_inv;
}

// Montgomery form to the canonical integer in place: the element becomes an MSM scalar (ScalarDev).
ZKC_HD void fr_to_canonical_body(FrDev* a, u64 i) { a[i] = from_montgomery(a[i]); }

}  // namespace zkc::cuda::dev
