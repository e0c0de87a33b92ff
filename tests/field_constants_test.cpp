// Re-derives the BLS12-381 Montgomery constants with GMP from the moduli written out here, so a
// typo in bls12_381_params.hpp cannot hide behind a test that reads the same header.
#include <gmpxx.h>
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/field/bls12_381_params.hpp"
#include "kernels/field/fr.hpp"

namespace {

using zkc::field::FpParams;
using zkc::field::FrParams;

const mpz_class kP(
    "1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaab",
    16);
const mpz_class kR("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16);

template <std::size_t N>
mpz_class from_limbs(const std::array<std::uint64_t, N>& l) {
  mpz_class v = 0;
  for (std::size_t i = N; i-- > 0;) {
    v <<= 64;
    v += mpz_class(std::to_string(l[i]), 10);  // via decimal: mpz_class has no uint64 ctor everywhere
  }
  return v;
}

mpz_class pow2(unsigned long e) {
  mpz_class v;
  mpz_ui_pow_ui(v.get_mpz_t(), 2, e);
  return v;
}

template <class Params>
void check_params(const mpz_class& m) {
  constexpr std::size_t n = Params::kLimbs;
  SCOPED_TRACE(Params::kName);
  EXPECT_EQ(from_limbs(Params::kModulus), m);
  EXPECT_EQ(mpz_sizeinbase(m.get_mpz_t(), 2), Params::kBits);
  // The multiplication's "no-carry" CIOS needs a spare top bit in the modulus.
  EXPECT_LT(Params::kModulus[n - 1], (std::uint64_t{1} << 63) - 1);
  EXPECT_LE(Params::kBits, 64 * n - 1);

  const mpz_class r = pow2(64 * n) % m;
  EXPECT_EQ(from_limbs(Params::kR), r);
  EXPECT_EQ(from_limbs(Params::kR2), mpz_class(r * r % m));

  // -m^-1 mod 2^64
  const mpz_class b = pow2(64);
  mpz_class inv;
  ASSERT_NE(mpz_invert(inv.get_mpz_t(), m.get_mpz_t(), b.get_mpz_t()), 0);
  const mpz_class neg_inv = (b - inv) % b;
  EXPECT_EQ(from_limbs(std::array<std::uint64_t, 1>{Params::kInv}), neg_inv);
  // And directly: m * inv == -1 mod 2^64.
  EXPECT_EQ(Params::kModulus[0] * Params::kInv, ~std::uint64_t{0});
}

TEST(FieldConstants, FpMatchesGmp) { check_params<FpParams>(kP); }
TEST(FieldConstants, FrMatchesGmp) { check_params<FrParams>(kR); }

TEST(FieldConstants, ModuliArePrime) {
  EXPECT_NE(mpz_probab_prime_p(kP.get_mpz_t(), 30), 0);
  EXPECT_NE(mpz_probab_prime_p(kR.get_mpz_t(), 30), 0);
}

TEST(FieldConstants, FrTwoAdicityAndGenerator) {
  const mpz_class rm1 = kR - 1;
  const auto s = mpz_scan1(rm1.get_mpz_t(), 0);
  EXPECT_EQ(s, 32u);
  EXPECT_EQ(s, zkc::kFrTwoAdicity);
  // 7 is a quadratic non-residue (Euler's criterion), so its odd part generates the 2-Sylow group.
  const mpz_class g = zkc::kFrGenerator;
  EXPECT_EQ(g, 7);
  mpz_class e = rm1 / 2, out;
  mpz_powm(out.get_mpz_t(), g.get_mpz_t(), e.get_mpz_t(), kR.get_mpz_t());
  EXPECT_NE(out, 1);
  EXPECT_EQ(out, rm1);
}

}  // namespace
