// FieldDev<P>: an N x 64-bit Montgomery field element for host and device code.
//
// Byte-identical to zkc::field::MontField<Params> (same limbs, same Montgomery radix 2^(64N), same
// alignment, always fully reduced), so host arrays of zkc::Fr / zkc::Fp are copied to the device
// as they are and results compare limb for limb. Multiplication is the same "no-carry" CIOS as the
// CPU's portable path (valid because each BLS12-381 modulus leaves its top bit spare); the result
// of a Montgomery product is unique once fully reduced, so both sides agree bit for bit.
//
// P supplies kLimbs, kAlign, kInv (-m^-1 mod 2^64) and per-limb constexpr functions modulus(i),
// one(i) (R mod m) and r2(i) (R^2 mod m). Functions rather than arrays: device code may use a
// constexpr function freely, and the unrolled loops fold every limb to an immediate.
#pragma once

#include "kernels/cuda/hd.cuh"

namespace zkc::cuda::dev {

template <class P>
struct alignas(P::kAlign) FieldDev {
  static constexpr int kLimbs = P::kLimbs;
  u64 v[P::kLimbs];  // little-endian Montgomery words; aggregate so it can live in __shared__
};

template <class P>
ZKC_HD_FORCE FieldDev<P> field_zero() {
  FieldDev<P> r;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) r.v[i] = 0;
  return r;
}

template <class P>
ZKC_HD_FORCE FieldDev<P> field_one() {
  FieldDev<P> r;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) r.v[i] = P::one(i);
  return r;
}

template <class P>
ZKC_HD_FORCE bool is_zero(const FieldDev<P>& a) {
  u64 acc = 0;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) acc |= a.v[i];
  return acc == 0;
}

template <class P>
ZKC_HD_FORCE bool operator==(const FieldDev<P>& a, const FieldDev<P>& b) {
  u64 acc = 0;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) acc |= a.v[i] ^ b.v[i];
  return acc == 0;
}
template <class P>
ZKC_HD_FORCE bool operator!=(const FieldDev<P>& a, const FieldDev<P>& b) {
  return !(a == b);
}

namespace detail {
// t -= m when t >= m (t < 2m on entry).
template <class P>
ZKC_HD_FORCE void reduce_once(u64 (&t)[P::kLimbs]) {
  u64 s[P::kLimbs];
  u64 borrow = 0;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) s[i] = sub_borrow(t[i], P::modulus(i), borrow);
  if (borrow == 0) {
    ZKC_UNROLL
    for (int i = 0; i < P::kLimbs; ++i) t[i] = s[i];
  }
}
}  // namespace detail

template <class P>
ZKC_HD_FORCE FieldDev<P> operator+(const FieldDev<P>& a, const FieldDev<P>& b) {
  FieldDev<P> r;
  u64 carry = 0;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) r.v[i] = add_carry(a.v[i], b.v[i], carry);
  // No carry out: a, b < m < 2^(64N - 1).
  detail::reduce_once<P>(r.v);
  return r;
}

template <class P>
ZKC_HD_FORCE FieldDev<P> operator-(const FieldDev<P>& a, const FieldDev<P>& b) {
  FieldDev<P> r;
  u64 borrow = 0;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) r.v[i] = sub_borrow(a.v[i], b.v[i], borrow);
  if (borrow != 0) {
    u64 carry = 0;
    ZKC_UNROLL
    for (int i = 0; i < P::kLimbs; ++i) r.v[i] = add_carry(r.v[i], P::modulus(i), carry);
  }
  return r;
}

template <class P>
ZKC_HD_FORCE FieldDev<P> operator-(const FieldDev<P>& a) {
  return field_zero<P>() - a;
}

// Raw Montgomery product a * b / 2^(64N) mod m on limb arrays (CIOS, no-carry variant).
template <class P>
ZKC_HD_FORCE void mont_mul_limbs(u64 (&r)[P::kLimbs], const u64 (&a)[P::kLimbs], const u64 (&b)[P::kLimbs]) {
  constexpr int N = P::kLimbs;
  u64 t[N];
  ZKC_UNROLL
  for (int i = 0; i < N; ++i) t[i] = 0;
  ZKC_UNROLL
  for (int i = 0; i < N; ++i) {
    u64 A;
    const u64 t0 = mul_add2(a[0], b[i], t[0], 0, A);
    const u64 k = t0 * P::kInv;
    u64 C;
    mul_add2(k, P::modulus(0), t0, 0, C);  // low word is zero by the choice of k
    ZKC_UNROLL
    for (int j = 1; j < N; ++j) {
      const u64 tj = mul_add2(a[j], b[i], t[j], A, A);
      t[j - 1] = mul_add2(k, P::modulus(j), tj, C, C);
    }
    t[N - 1] = C + A;
  }
  detail::reduce_once<P>(t);
  ZKC_UNROLL
  for (int i = 0; i < N; ++i) r[i] = t[i];
}

template <class P>
ZKC_HD_FORCE FieldDev<P> operator*(const FieldDev<P>& a, const FieldDev<P>& b) {
  FieldDev<P> r;
  mont_mul_limbs<P>(r.v, a.v, b.v);
  return r;
}

template <class P>
ZKC_HD_FORCE FieldDev<P>& operator+=(FieldDev<P>& a, const FieldDev<P>& b) {
  return a = a + b;
}
template <class P>
ZKC_HD_FORCE FieldDev<P>& operator-=(FieldDev<P>& a, const FieldDev<P>& b) {
  return a = a - b;
}
template <class P>
ZKC_HD_FORCE FieldDev<P>& operator*=(FieldDev<P>& a, const FieldDev<P>& b) {
  return a = a * b;
}

template <class P>
ZKC_HD_FORCE FieldDev<P> dbl(const FieldDev<P>& a) {
  return a + a;
}
template <class P>
ZKC_HD_FORCE FieldDev<P> sqr(const FieldDev<P>& a) {
  return a * a;
}

// Canonical integer (little-endian words) to Montgomery form: x * R^2 / R. x must be < m.
template <class P>
ZKC_HD FieldDev<P> to_montgomery(const FieldDev<P>& canonical) {
  FieldDev<P> r2;
  ZKC_UNROLL
  for (int i = 0; i < P::kLimbs; ++i) r2.v[i] = P::r2(i);
  return canonical * r2;
}

// Montgomery form to the canonical integer: x * 1 / R.
template <class P>
ZKC_HD FieldDev<P> from_montgomery(const FieldDev<P>& a) {
  FieldDev<P> one_raw = field_zero<P>();
  one_raw.v[0] = 1;
  return a * one_raw;
}

// a^e for a little-endian exponent of `words` words (square-and-multiply from the top bit).
template <class P>
ZKC_HD FieldDev<P> pow(const FieldDev<P>& a, const u64* e, int words) {
  FieldDev<P> acc = field_one<P>();
  for (int i = words - 1; i >= 0; --i) {
    for (int bit = 63; bit >= 0; --bit) {
      acc = sqr(acc);
      if ((e[i] >> bit) & 1) acc = acc * a;
    }
  }
  return acc;
}

// Multiplicative inverse by Fermat (a^(m-2)); zero maps to zero as on the CPU side.
template <class P>
ZKC_HD FieldDev<P> inverse(const FieldDev<P>& a) {
  u64 e[P::kLimbs];
  for (int i = 0; i < P::kLimbs; ++i) e[i] = P::modulus(i);
  e[0] -= 2;  // no borrow: the low word of both moduli is odd and > 2
  return pow<P>(a, e, P::kLimbs);
}

}  // namespace zkc::cuda::dev
