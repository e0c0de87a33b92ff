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
  // Karatsuba: three Fp products.
  friend Fp2 operator*(const Fp2& a, const Fp2& b) {
    const Fp v0 = a.c0 * b.c0;
    const Fp v1 = a.c1 * b.c1;
    return {v0 - v1, (a.c0 + a.c1) * (b.c0 + b.c1) - v0 - v1};
  }
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
