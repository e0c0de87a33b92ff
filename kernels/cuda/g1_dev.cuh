// G1 of BLS12-381 (y^2 = x^3 + 4 over Fp) for host and device: the affine storage form, laid out
// exactly as zkc::G1Affine (x, y, the identity flag, padding to 112 bytes) so SRS bases are copied
// to the device unchanged, and the XYZZ bucket form with the same formulas as kernels/curve/xyzz.hpp
// (Explicit-Formulas Database, a = 0): identity operands, P + P and P + (-P) handled.
#pragma once

#include <cstddef>

#include "kernels/cuda/fp_dev.cuh"

namespace zkc::cuda::dev {

struct alignas(16) G1AffineDev {
  FpDev x;
  FpDev y;
  bool infinity;  // the identity has its flag set (coordinates zero); read only as this one byte
};
static_assert(sizeof(G1AffineDev) == 112 && alignof(G1AffineDev) == 16, "G1AffineDev must match zkc::G1Affine");
static_assert(offsetof(G1AffineDev, infinity) == 96, "G1AffineDev must match zkc::G1Affine");

// (X, Y, ZZ, ZZZ) for (X/ZZ, Y/ZZZ) with ZZ^3 = ZZZ^2; ZZ = 0 is the identity. 192 bytes, the
// member layout of zkc::G1Xyzz.
struct G1XyzzDev {
  FpDev x;
  FpDev y;
  FpDev zz;
  FpDev zzz;
};
static_assert(sizeof(G1XyzzDev) == 192, "G1XyzzDev must hold four Fp");

ZKC_HD G1XyzzDev xyzz_identity() {
  G1XyzzDev r;
  r.x = field_zero<FpDevParams>();
  r.y = field_zero<FpDevParams>();
  r.zz = field_zero<FpDevParams>();
  r.zzz = field_zero<FpDevParams>();
  return r;
}

ZKC_HD bool is_identity(const G1XyzzDev& p) { return is_zero(p.zz); }

// As the host's set_identity: only ZZ and ZZZ are cleared, so results stay limb-identical.
ZKC_HD void xyzz_set_identity(G1XyzzDev& p) {
  p.zz = field_zero<FpDevParams>();
  p.zzz = field_zero<FpDevParams>();
}

// dbl-2008-s-1: 6M + 3S.
ZKC_HD_CALL void xyzz_dbl_inplace(G1XyzzDev& p) {
  if (is_identity(p)) return;
  const FpDev u = dbl(p.y);
  const FpDev v = sqr(u);
  const FpDev w = u * v;
  const FpDev s = p.x * v;
  const FpDev xx = sqr(p.x);
  const FpDev m = dbl(xx) + xx;
  p.x = sqr(m) - dbl(s);
  p.y = m * (s - p.x) - w * p.y;
  p.zz = p.zz * v;
  p.zzz = p.zzz * w;
}

// mdbl-2008-s-1: p = 2q for an affine q (4M + 3S).
ZKC_HD_CALL void xyzz_set_dbl_affine(G1XyzzDev& p, const G1AffineDev& q) {
  const FpDev u = dbl(q.y);
  const FpDev v = sqr(u);
  const FpDev w = u * v;
  const FpDev s = q.x * v;
  const FpDev xx = sqr(q.x);
  const FpDev m = dbl(xx) + xx;
  p.x = sqr(m) - dbl(s);
  p.y = m * (s - p.x) - w * q.y;
  p.zz = v;
  p.zzz = w;
}

// add-2008-s: 12M + 2S.
ZKC_HD_CALL void xyzz_add_inplace(G1XyzzDev& p, const G1XyzzDev& o) {
  if (is_identity(o)) return;
  if (is_identity(p)) {
    p = o;
    return;
  }
  const FpDev u1 = p.x * o.zz;
  const FpDev u2 = o.x * p.zz;
  const FpDev s1 = p.y * o.zzz;
  const FpDev s2 = o.y * p.zzz;
  const FpDev pd = u2 - u1;
  const FpDev r = s2 - s1;
  if (is_zero(pd)) {
    if (is_zero(r)) {
      xyzz_dbl_inplace(p);
    } else {
      xyzz_set_identity(p);
    }
    return;
  }
  const FpDev pp = sqr(pd);
  const FpDev ppp = pd * pp;
  const FpDev q = u1 * pp;
  p.x = sqr(r) - ppp - dbl(q);
  p.y = r * (q - p.x) - s1 * ppp;
  p.zz = p.zz * o.zz * pp;
  p.zzz = p.zzz * o.zzz * ppp;
}

// madd-2008-s: 8M + 2S, the bucket accumulation step.
ZKC_HD_CALL void xyzz_add_mixed_inplace(G1XyzzDev& p, const G1AffineDev& q) {
  if (q.infinity) return;
  if (is_identity(p)) {
    p.x = q.x;
    p.y = q.y;
    p.zz = field_one<FpDevParams>();
    p.zzz = field_one<FpDevParams>();
    return;
  }
  const FpDev pd = q.x * p.zz - p.x;
  const FpDev r = q.y * p.zzz - p.y;
  if (is_zero(pd)) {
    if (is_zero(r)) {
      xyzz_set_dbl_affine(p, q);
    } else {
      xyzz_set_identity(p);
    }
    return;
  }
  const FpDev pp = sqr(pd);
  const FpDev ppp = pd * pp;
  const FpDev qq = p.x * pp;
  p.x = sqr(r) - ppp - dbl(qq);
  p.y = r * (qq - p.x) - p.y * ppp;
  p.zz = p.zz * pp;
  p.zzz = p.zzz * ppp;
}

}  // namespace zkc::cuda::dev
