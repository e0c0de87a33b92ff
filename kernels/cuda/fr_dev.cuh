// FrDev: the BLS12-381 scalar field r (4 x 64 bits, 32 bytes, 32-byte aligned) for host and device,
// the same bytes as zkc::Fr. Constants from kernels/field/bls12_381_params.hpp;
// tests/cuda_host_emulation_test.cpp checks them against zkc::Fr.
#pragma once

#include "kernels/cuda/mont_dev.cuh"

namespace zkc::cuda::dev {

struct FrDevParams {
  static constexpr int kLimbs = 4;
  static constexpr int kAlign = 32;
  static constexpr u64 kInv = 0xfffffffeffffffffULL;
  ZKC_HD_FORCE static constexpr u64 modulus(int i) {
    return i == 0 ? 0xffffffff00000001ULL
         : i == 1 ? 0x53bda402fffe5bfeULL
         : i == 2 ? 0x3339d80809a1d805ULL
                  : 0x73eda753299d7d48ULL;
  }
  ZKC_HD_FORCE static constexpr u64 one(int i) {
    return i == 0 ? 0x00000001fffffffeULL
         : i == 1 ? 0x5884b7fa00034802ULL
         : i == 2 ? 0x998c4fefecbc4ff5ULL
                  : 0x1824b159acc5056fULL;
  }
  ZKC_HD_FORCE static constexpr u64 r2(int i) {
    return i == 0 ? 0xc999e990f3f29c6dULL
         : i == 1 ? 0x2b6cedcb87925c23ULL
         : i == 2 ? 0x05d314967254398fULL
                  : 0x0748d9d99f59ff11ULL;
  }
};

using FrDev = FieldDev<FrDevParams>;
static_assert(sizeof(FrDev) == 32 && alignof(FrDev) == 32, "FrDev must match zkc::Fr's layout");

// A canonical little-endian 256-bit scalar, the bytes of zkc::Scalar256 (MSM input).
struct ScalarDev {
  u64 w[4];
};
static_assert(sizeof(ScalarDev) == 32, "ScalarDev must match zkc::Scalar256's layout");

}  // namespace zkc::cuda::dev
