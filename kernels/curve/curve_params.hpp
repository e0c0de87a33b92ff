// Curve parameters for BLS12-381: y^2 = x^3 + b over Fp (G1, b = 4) and over Fp2 (G2, b = 4(u + 1)).
//
// Each Params type names its coordinate Field, the constant b and the standard subgroup generator.
// The constants are parsed once (function-local statics, immutable after initialisation).
#pragma once

#include <stdexcept>
#include <string_view>

#include "kernels/field/fp.hpp"
#include "kernels/field/fp2.hpp"

namespace zkc {

namespace curve_detail {
inline Fp fp_const(std::string_view hex) {
  const auto v = Fp::from_hex(hex);
  if (!v) throw std::invalid_argument("curve constant is not a canonical Fp value");
  return *v;
}
}  // namespace curve_detail

struct G1Params {
  using Field = Fp;
  static constexpr const char* kName = "G1";
  static const Field& b() {
    static const Field v = Fp::from_u64(4);
    return v;
  }
  static const Field& generator_x() {
    static const Field v = curve_detail::fp_const(
        "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb");
    return v;
  }
  static const Field& generator_y() {
    static const Field v = curve_detail::fp_const(
        "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1");
    return v;
  }
};

struct G2Params {
  using Field = Fp2;
  static constexpr const char* kName = "G2";
  static const Field& b() {
    static const Field v{Fp::from_u64(4), Fp::from_u64(4)};
    return v;
  }
  static const Field& generator_x() {
    static const Field v{
        curve_detail::fp_const("024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8"),
        curve_detail::fp_const("13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e")};
    return v;
  }
  static const Field& generator_y() {
    static const Field v{
        curve_detail::fp_const("0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801"),
        curve_detail::fp_const("0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be")};
    return v;
  }
};

}  // namespace zkc
