// Host/device portability for the CUDA kernels' arithmetic and kernel bodies.
//
// Everything under kernels/cuda/*.cuh is plain C++17 that nvcc compiles for the device and any host
// compiler compiles for the CPU: the .cu kernels call the bodies per thread index, and
// tests/cuda_host_emulation_test.cpp runs the very same bodies in host loops against the CPU
// references, which is how the algorithms are checked on machines without a GPU.
#pragma once

#include <cstdint>

// ZKC_HD: callable from host and device. ZKC_HD_FORCE: always inlined (limb arithmetic).
// ZKC_HD_CALL: the curve operations, each a dozen inlined field multiplications. On the device they
// stay real calls (inlined into every kernel they multiplied nvcc's compile time); on the host GCC's
// SLP vectorizer is kept off them (it spent minutes on their unrolled carry chains, for nothing).
#if defined(__CUDACC__)
#define ZKC_HD __host__ __device__ inline
#define ZKC_HD_FORCE __host__ __device__ __forceinline__
#define ZKC_HD_CALL __host__ __device__ __noinline__ inline
#define ZKC_UNROLL _Pragma("unroll")
#else
#define ZKC_HD inline
#define ZKC_HD_FORCE inline __attribute__((always_inline))
#if defined(__clang__)
#define ZKC_HD_CALL inline
#define ZKC_UNROLL _Pragma("unroll")
#else
#define ZKC_HD_CALL inline __attribute__((optimize("no-tree-slp-vectorize")))
#define ZKC_UNROLL _Pragma("GCC unroll 8")
#endif
#endif

namespace zkc::cuda::dev {

using u32 = std::uint32_t;
using u64 = std::uint64_t;

// High word of a 64 x 64-bit product: one instruction pair on the device, __int128 on the host.
ZKC_HD_FORCE u64 mul_hi(u64 a, u64 b) {
#if defined(__CUDA_ARCH__)
  return __umul64hi(a, b);
#else
  return static_cast<u64>((static_cast<unsigned __int128>(a) * b) >> 64);
#endif
}

// lo + hi * 2^64 = a * b + c + d; cannot overflow: (2^64 - 1)^2 + 2 (2^64 - 1) = 2^128 - 1.
// The host versions use unsigned __int128: GCC's SLP vectorizer spends minutes on the unrolled
// compare-based carry chains the device versions are written with.
ZKC_HD_FORCE u64 mul_add2(u64 a, u64 b, u64 c, u64 d, u64& hi) {
#if defined(__CUDA_ARCH__)
  u64 lo = a * b;
  u64 h = mul_hi(a, b);
  lo += c;
  h += lo < c ? 1 : 0;
  lo += d;
  h += lo < d ? 1 : 0;
  hi = h;
  return lo;
#else
  const unsigned __int128 t = static_cast<unsigned __int128>(a) * b + c + d;
  hi = static_cast<u64>(t >> 64);
  return static_cast<u64>(t);
#endif
}

// a + b + carry; carry (0 or 1) in and out.
ZKC_HD_FORCE u64 add_carry(u64 a, u64 b, u64& carry) {
#if defined(__CUDA_ARCH__)
  const u64 s = a + b;
  const u64 r = s + carry;
  carry = (s < a ? 1 : 0) | (r < s ? 1 : 0);
  return r;
#else
  const unsigned __int128 t = static_cast<unsigned __int128>(a) + b + carry;
  carry = static_cast<u64>(t >> 64);
  return static_cast<u64>(t);
#endif
}

// a - b - borrow; borrow (0 or 1) in and out.
ZKC_HD_FORCE u64 sub_borrow(u64 a, u64 b, u64& borrow) {
#if defined(__CUDA_ARCH__)
  const u64 d = a - b;
  const u64 r = d - borrow;
  borrow = (a < b ? 1 : 0) | (d < borrow ? 1 : 0);
  return r;
#else
  const unsigned __int128 t = static_cast<unsigned __int128>(a) - b - borrow;
  borrow = static_cast<u64>(t >> 127);
  return static_cast<u64>(t);
#endif
}

// x reversed in its low `bits` bits (bits <= 64; 0 gives 0).
ZKC_HD u64 bit_reverse(u64 x, unsigned bits) {
  if (bits == 0) return 0;
#if defined(__CUDA_ARCH__)
  return __brevll(x) >> (64 - bits);
#else
  x = ((x >> 1) & 0x5555555555555555ULL) | ((x & 0x5555555555555555ULL) << 1);
  x = ((x >> 2) & 0x3333333333333333ULL) | ((x & 0x3333333333333333ULL) << 2);
  x = ((x >> 4) & 0x0F0F0F0F0F0F0F0FULL) | ((x & 0x0F0F0F0F0F0F0F0FULL) << 4);
  x = ((x >> 8) & 0x00FF00FF00FF00FFULL) | ((x & 0x00FF00FF00FF00FFULL) << 8);
  x = ((x >> 16) & 0x0000FFFF0000FFFFULL) | ((x & 0x0000FFFF0000FFFFULL) << 16);
  x = (x >> 32) | (x << 32);
  return x >> (64 - bits);
#endif
}

ZKC_HD u64 min_u64(u64 a, u64 b) { return a < b ? a : b; }

}  // namespace zkc::cuda::dev
