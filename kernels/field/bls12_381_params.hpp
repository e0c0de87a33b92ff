// Moduli and Montgomery constants of the BLS12-381 base field (p) and scalar field (r).
// tests/field_constants_test.cpp re-derives R, R^2 and -m^-1 mod 2^64 from p and r with GMP.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace zkc::field {

struct FpParams {
  static constexpr std::size_t kLimbs = 6;
  static constexpr std::size_t kBits = 381;
  static constexpr std::size_t kAlign = 16;
  static constexpr const char* kName = "Fp";
  // p = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab
  static constexpr std::array<std::uint64_t, 6> kModulus = {
      0xb9feffffffffaaab, 0x1eabfffeb153ffff, 0x6730d2a0f6b0f624,
      0x64774b84f38512bf, 0x4b1ba7b6434bacd7, 0x1a0111ea397fe69a};
  static constexpr std::array<std::uint64_t, 6> kR = {
      0x760900000002fffd, 0xebf4000bc40c0002, 0x5f48985753c758ba,
      0x77ce585370525745, 0x5c071a97a256ec6d, 0x15f65ec3fa80e493};
  static constexpr std::array<std::uint64_t, 6> kR2 = {
      0xf4df1f341c341746, 0x0a76e6a609d104f1, 0x8de5476c4c95b6d5,
      0x67eb88a9939d83c0, 0x9a793e85b519952d, 0x11988fe592cae3aa};
  static constexpr std::uint64_t kInv = 0x89f3fffcfffcfffd;
};

struct FrParams {
  static constexpr std::size_t kLimbs = 4;
  static constexpr std::size_t kBits = 255;
  static constexpr std::size_t kAlign = 32;
  static constexpr const char* kName = "Fr";
  // r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001
  static constexpr std::array<std::uint64_t, 4> kModulus = {
      0xffffffff00000001, 0x53bda402fffe5bfe, 0x3339d80809a1d805, 0x73eda753299d7d48};
  static constexpr std::array<std::uint64_t, 4> kR = {
      0x00000001fffffffe, 0x5884b7fa00034802, 0x998c4fefecbc4ff5, 0x1824b159acc5056f};
  static constexpr std::array<std::uint64_t, 4> kR2 = {
      0xc999e990f3f29c6d, 0x2b6cedcb87925c23, 0x05d314967254398f, 0x0748d9d99f59ff11};
  static constexpr std::uint64_t kInv = 0xfffffffeffffffff;
};

}  // namespace zkc::field
