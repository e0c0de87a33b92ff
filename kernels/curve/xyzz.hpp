// XyzzPoint<P>: (X, Y, ZZ, ZZZ) representing (X/ZZ, Y/ZZZ) with ZZ^3 = ZZZ^2; ZZ = 0 is the identity.
//
// The MSM bucket form: its mixed addition (8M + 2S) is the cheapest complete-enough addition for
// accumulating affine bases. Formulas from the Explicit-Formulas Database (xyzz, a = 0); additions
// handle identity operands, P + P (doubling) and P + (-P) (identity).
#pragma once

#include "kernels/curve/affine.hpp"
#include "kernels/curve/jacobian.hpp"

namespace zkc {

// 32-byte aligned for the same reason as JacobianPoint; a G2 bucket stays 384 bytes (6 cache lines).
template <class P>
struct alignas(32) XyzzPoint {
  using Params = P;
  using Field = typename P::Field;
  using Affine = AffinePoint<P>;

  Field x{};
  Field y{};
  Field zz{};
  Field zzz{};  // default-constructed points are the identity

  static XyzzPoint identity() { return {}; }
  static XyzzPoint from_affine(const Affine& a) {
    if (a.infinity) return identity();
    return {a.x, a.y, Field::one(), Field::one()};
  }
  bool is_identity() const { return zz.is_zero(); }
  void set_identity() {
    zz = Field::zero();
    zzz = Field::zero();
  }

  // dbl-2008-s-1: 6M + 3S.
  void dbl_inplace() {
    if (is_identity()) return;
    const Field u = y.dbl();
    const Field v = u.square();
    const Field w = u * v;
    const Field s = x * v;
    const Field xx = x.square();
    const Field m = xx.dbl() + xx;
    x = m.square() - s.dbl();
    y = m * (s - x) - w * y;
    zz *= v;
    zzz *= w;
  }

  // mdbl-2008-s-1: *this = 2q for an affine q (4M + 3S).
  void set_dbl_affine(const Affine& q) {
    const Field u = q.y.dbl();
    const Field v = u.square();
    const Field w = u * v;
    const Field s = q.x * v;
    const Field xx = q.x.square();
    const Field m = xx.dbl() + xx;
    x = m.square() - s.dbl();
    y = m * (s - x) - w * q.y;
    zz = v;
    zzz = w;
  }

  // add-2008-s: 12M + 2S.
  void add_inplace(const XyzzPoint& o) {
    if (o.is_identity()) return;
    if (is_identity()) {
      *this = o;
      return;
    }
    const Field u1 = x * o.zz;
    const Field u2 = o.x * zz;
    const Field s1 = y * o.zzz;
    const Field s2 = o.y * zzz;
    const Field p = u2 - u1;
    const Field r = s2 - s1;
    if (p.is_zero()) {
      if (r.is_zero()) {
        dbl_inplace();
      } else {
        set_identity();
      }
      return;
    }
    const Field pp = p.square();
    const Field ppp = p * pp;
    const Field q = u1 * pp;
    x = r.square() - ppp - q.dbl();
    y = r * (q - x) - s1 * ppp;
    zz = zz * o.zz * pp;
    zzz = zzz * o.zzz * ppp;
  }

  // madd-2008-s: 8M + 2S. The MSM's inner-loop operation.
  [[gnu::always_inline]] inline void add_mixed_inplace(const Affine& q) {
    if (q.infinity) return;
    if (is_identity()) {
      x = q.x;
      y = q.y;
      zz = Field::one();
      zzz = Field::one();
      return;
    }
    const Field p = q.x * zz - x;
    const Field r = q.y * zzz - y;
    if (p.is_zero()) [[unlikely]] {
      if (r.is_zero()) {
        set_dbl_affine(q);
      } else {
        set_identity();
      }
      return;
    }
    const Field pp = p.square();
    const Field ppp = p * pp;
    const Field qq = x * pp;
    x = r.square() - ppp - qq.dbl();
    y = r * (qq - x) - y * ppp;
    zz *= pp;
    zzz *= ppp;
  }

  XyzzPoint dbl() const {
    XyzzPoint r = *this;
    r.dbl_inplace();
    return r;
  }
  XyzzPoint add(const XyzzPoint& o) const {
    XyzzPoint r = *this;
    r.add_inplace(o);
    return r;
  }
  XyzzPoint add_mixed(const Affine& q) const {
    XyzzPoint r = *this;
    r.add_mixed_inplace(q);
    return r;
  }
  XyzzPoint neg() const { return {x, -y, zz, zzz}; }

  // For batch_to_affine: with i = 1/ZZZ, 1/ZZ = (ZZ * i)^2 because ZZ^3 = ZZZ^2.
  const Field& affine_denominator() const { return zzz; }
  Affine to_affine_with_inverse(const Field& zzz_inv) const {
    if (is_identity()) return Affine::identity();
    return {x * (zz * zzz_inv).square(), y * zzz_inv, false};
  }
  Affine to_affine() const { return to_affine_with_inverse(zzz.inverse()); }

  // No inversion: Z = ZZ*ZZZ (= t^5 for t = ZZZ/ZZ), X = X*ZZ*ZZZ^2, Y = Y*ZZ^3*ZZZ^2.
  JacobianPoint<P> to_jacobian() const {
    if (is_identity()) return JacobianPoint<P>::identity();
    const Field zzz2 = zzz.square();
    const Field zz_zzz2 = zz * zzz2;
    return {x * zz_zzz2, y * (zz_zzz2 * zz.square()), zz * zzz};
  }

  // Y^2 = X^3 + b ZZZ^2 and ZZ^3 = ZZZ^2.
  bool is_on_curve() const {
    if (is_identity()) return true;
    const Field zzz2 = zzz.square();
    return zz.square() * zz == zzz2 && y.square() == x.square() * x + P::b() * zzz2;
  }

  friend bool operator==(const XyzzPoint& a, const XyzzPoint& b) {
    if (a.is_identity() || b.is_identity()) return a.is_identity() == b.is_identity();
    return a.x * b.zz == b.x * a.zz && a.y * b.zzz == b.y * a.zzz;
  }
};

}  // namespace zkc
