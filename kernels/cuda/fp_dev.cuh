// FpDev: the BLS12-381 base field p (6 x 64 bits, 48 bytes, 16-byte aligned) for host and device,
// the same bytes as zkc::Fp. Constants from kernels/field/bls12_381_params.hpp;
// tests/cuda_host_emulation_test.cpp checks them against zkc::Fp.
#pragma once

#include "kernels/cuda/mont_dev.cuh"

namespace zkc::cuda::dev {

struct FpDevParams {
  static constexpr int kLimbs = 6;
  static constexpr int kAlign = 16;
  static constexpr u64 kInv = 0x89f3fffcfffcfffdULL;
  ZKC_HD_FORCE static constexpr u64 modulus(int i) {
    return i == 0 ? 0xb9feffffffffaaabULL
         : i == 1 ? 0x1eabfffeb153ffffULL
         : i == 2 ? 0x6730d2a0f6b0f624ULL
         : i == 3 ? 0x64774b84f38512bfULL
         : i == 4 ? 0x4b1ba7b6434bacd7ULL
                  : 0x1a0111ea397fe69aULL;
  }
  ZKC_HD_FORCE static constexpr u64 one(int i) {
    return i == 0 ? 0x760900000002fffdULL
         : i == 1 ? 0xebf4000bc40c0002ULL
         : i == 2 ? 0x5f48985753c758baULL
         : i == 3 ? 0x77ce585370525745ULL
         : i == 4 ? 0x5c071a97a256ec6dULL
                  : 0x15f65ec3fa80e493ULL;
  }
  ZKC_HD_FORCE static constexpr u64 r2(int i) {
    return i == 0 ? 0xf4df1f341c341746ULL
         : i == 1 ? 0x0a76e6a609d104f1ULL
         : i == 2 ? 0x8de5476c4c95b6d5ULL
         : i == 3 ? 0x67eb88a9939d83c0ULL
         : i == 4 ? 0x9a793e85b519952dULL
                  : 0x11988fe592cae3aaULL;
  }
};

using FpDev = FieldDev<FpDevParams>;
static_assert(sizeof(FpDev) == 48 && alignof(FpDev) == 16, "FpDev must match zkc::Fp's layout");

}  // namespace zkc::cuda::dev
