// Fp2 = Fp[u]/(u^2 + 1): the field of G2 coordinates. Non-residue for the tower: u + 1.
#pragma once

#include <random>

#include "kernels/field/fp.hpp"

namespace zkc {

struct Fp2 {
  Fp c0;  // real part
  Fp c1;  // coefficient of u

  static Fp2 zero() { return {}; }
  static Fp2 one() { return {Fp::one(), Fp::zero()}; }
  template <class Rng>
  static Fp2 random(Rng& rng) {
    return {Fp::random(rng), Fp::random(rng)};
  }

  bool is_zero() const { return c0.is_zero() && c1.is_zero(); }
  friend bool operator==(const Fp2&, const Fp2&) = default;

  friend Fp2 operator+(const Fp2& a, const Fp2& b) { return {a.c0 + b.c0, a.c1 + b.c1}; }
  friend Fp2 operator-(const Fp2& a, const Fp2& b) { return {a.c0 - b.c0, a.c1 - b.c1}; }
  Fp2 operator-() const { return {-c0, -c1}; }
  friend Fp2 operator*(const Fp2& a, const Fp2& b) {
#if ZKC_FIELD_ASM
    return mul_lazy(a, b);
#else
    return mul_karatsuba(a, b);
#endif
  }
  // Karatsuba: three full Fp (Montgomery) products.
  static Fp2 mul_karatsuba(const Fp2& a, const Fp2& b) {
    const Fp v0 = a.c0 * b.c0;
    const Fp v1 = a.c1 * b.c1;
    return {v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1};
  }
#if ZKC_FIELD_ASM
  // Karatsuba with lazy reduction: three plain 384x384-bit products combined as 768-bit integers,
  // then two Montgomery reductions (REDC), instead of three full Montgomery products (which each
  // reduce). Bounds: c1 = a0*b1 + a1*b0 < 2m^2 and c0 = a0*b0 - a1*b1 (+ m*2^384 when negative)
  // < m*2^384, both within REDC's input range; a0 + a1 < 2m fits 6 words unreduced.
  static Fp2 mul_lazy(const Fp2& a, const Fp2& b) {
    using field::detail::W;
    const W<6>& a0 = a.c0.montgomery_limbs();
    const W<6>& a1 = a.c1.montgomery_limbs();
    const W<6>& b0 = b.c0.montgomery_limbs();
    const W<6>& b1 = b.c1.montgomery_limbs();
    W<6> sa, sb;
    field::detail::add_words(sa, a0, a1);
    field::detail::add_words(sb, b0, b1);
    W<12> v0, v1, v2;
    field::detail::mul_wide_asm_6(v0, a0, b0);
    field::detail::mul_wide_asm_6(v1, a1, b1);
    field::detail::mul_wide_asm_6(v2, sa, sb);
    field::detail::sub_words(v2, v2, v0);
    field::detail::sub_words(v2, v2, v1);
    const std::uint64_t borrow = field::detail::sub_words(v0, v0, v1);
    // Add m * 2^384 when v0 - v1 went negative (branch-free: mask the modulus).
    const std::uint64_t mask = 0 - borrow;
    const W<6>& m = Fp::modulus();
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < 6; ++i) carry = field::detail::addc(v0[6 + i], m[i] & mask, carry, v0[6 + i]);
    W<6> r0, r1;
    field::detail::redc_asm_6(r0, v0, m, field::FpParams::kInv);
    field::detail::redc_asm_6(r1, v2, m, field::FpParams::kInv);
    return {Fp::from_montgomery(r0), Fp::from_montgomery(r1)};
  }
#endif
  Fp2& operator+=(const Fp2& o) { return *this = *this + o; }
  Fp2& operator-=(const Fp2& o) { return *this = *this - o; }
  Fp2& operator*=(const Fp2& o) { return *this = *this * o; }

  Fp2 dbl() const { return {c0.dbl(), c1.dbl()}; }
  // (a + bu)^2 = (a + b)(a - b) + 2ab u: two Fp products.
  Fp2 square() const {
    const Fp ab = c0 * c1;
    return {(c0 + c1) * (c0 - c1), ab.dbl()};
  }
  Fp2 conjugate() const { return {c0, -c1}; }
  Fp2 mul_by_fp(const Fp& s) const { return {c0 * s, c1 * s}; }
  // (a + bu)(1 + u) = (a - b) + (a + b)u
  Fp2 mul_by_nonresidue() const { return {c0 - c1, c0 + c1}; }
  // 1/(a + bu) = (a - bu)/(a^2 + b^2); the inverse of zero is zero.
  Fp2 inverse() const {
    const Fp inv_norm = (c0.square() + c1.square()).inverse();
    return {c0 * inv_norm, -(c1 * inv_norm)};
  }
};
static_assert(sizeof(Fp2) == 96);

}  // namespace zkc
