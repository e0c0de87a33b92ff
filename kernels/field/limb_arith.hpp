// Multi-limb Montgomery arithmetic primitives for fixed-width prime fields.
//
// Two multiplication paths with identical results:
//  - portable: unsigned __int128 products (any 64-bit GCC/Clang target);
//  - adx: BMI2 mulx + ADX adcx/adox, compiled when the target has them. For 4 and 6 limbs in
//    optimized builds this is the generated inline asm (mont_mul_asm.hpp, which also holds the
//    asm add/sub and the wide product + REDC used by Fp2's lazy reduction); otherwise intrinsics.
// Both implement the "no-carry" CIOS variant, valid because the top limb of each BLS12-381
// modulus leaves a spare bit (m[N-1] < 2^63 - 1), which saves one word of carry per row.
#pragma once

#include <cstddef>
#include <cstdint>
#include <array>

#if defined(__x86_64__)
#include <immintrin.h>
#endif
#if defined(__BMI2__) && defined(__ADX__)
#define ZKC_HAVE_ADX 1
#else
#define ZKC_HAVE_ADX 0
#endif

namespace zkc::field {

enum class MulPath { kPortable, kAdx };

// The generated asm (mont_mul_asm.hpp) passes each modulus limb as its own memory operand; that
// fits the register budget only once optimization folds them to one base (RIP-relative, usually).
// Unoptimized builds use the intrinsic/portable code instead.
#if ZKC_HAVE_ADX && defined(__OPTIMIZE__)
#define ZKC_FIELD_ASM 1
#else
#define ZKC_FIELD_ASM 0
#endif

// The path the field types use by default: ADX where the build target has it.
inline constexpr MulPath kDefaultMulPath = ZKC_HAVE_ADX ? MulPath::kAdx : MulPath::kPortable;
inline constexpr bool kAdxAvailable = ZKC_HAVE_ADX != 0;

namespace detail {

using u64 = std::uint64_t;
using u128 = unsigned __int128;
template <std::size_t N>
using W = std::array<u64, N>;

// r = a + b + carry_in; returns carry out (0 or 1). On x86-64 the adc/sbb intrinsics (base ISA,
// no ADX needed) keep GCC from spilling __int128 temporaries in add/sub/reduce chains.
[[gnu::always_inline]] inline u64 addc(u64 a, u64 b, u64 carry_in, u64& r) {
#if defined(__x86_64__)
  unsigned long long out;
  const unsigned char c = _addcarry_u64(static_cast<unsigned char>(carry_in), a, b, &out);
  r = out;
  return c;
#else
  const u128 s = static_cast<u128>(a) + b + carry_in;
  r = static_cast<u64>(s);
  return static_cast<u64>(s >> 64);
#endif
}

// r = a - b - borrow_in; returns borrow out (0 or 1).
[[gnu::always_inline]] inline u64 subb(u64 a, u64 b, u64 borrow_in, u64& r) {
#if defined(__x86_64__)
  unsigned long long out;
  const unsigned char c = _subborrow_u64(static_cast<unsigned char>(borrow_in), a, b, &out);
  r = out;
  return c;
#else
  const u128 d = static_cast<u128>(a) - b - borrow_in;
  r = static_cast<u64>(d);
  return static_cast<u64>(d >> 127);
#endif
}

// If t >= m, t -= m. Branch-free select; t < 2m on entry.
template <std::size_t N>
[[gnu::always_inline]] inline void reduce_once(W<N>& t, const W<N>& m) {
  W<N> s;
  u64 borrow = 0;
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) borrow = subb(t[i], m[i], borrow, s[i]);
  const u64 keep_t = 0 - borrow;  // all ones when t < m
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) t[i] = (t[i] & keep_t) | (s[i] & ~keep_t);
}

template <std::size_t N>
[[gnu::always_inline]] inline void add_mod_portable(W<N>& r, const W<N>& a, const W<N>& b,
                                                    const W<N>& m) {
  u64 carry = 0;
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) carry = addc(a[i], b[i], carry, r[i]);
  // No carry out: a, b < m < 2^(64N-1).
  reduce_once(r, m);
}

template <std::size_t N>
[[gnu::always_inline]] inline void sub_mod_portable(W<N>& r, const W<N>& a, const W<N>& b,
                                                    const W<N>& m) {
  u64 borrow = 0;
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) borrow = subb(a[i], b[i], borrow, r[i]);
  const u64 mask = 0 - borrow;  // add m back when a < b
  u64 carry = 0;
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) carry = addc(r[i], m[i] & mask, carry, r[i]);
}

// Plain multi-word add/sub (no reduction): return the carry/borrow out.
template <std::size_t N>
[[gnu::always_inline]] inline u64 add_words(W<N>& r, const W<N>& a, const W<N>& b) {
  u64 carry = 0;
#pragma GCC unroll 16
  for (std::size_t i = 0; i < N; ++i) carry = addc(a[i], b[i], carry, r[i]);
  return carry;
}
template <std::size_t N>
[[gnu::always_inline]] inline u64 sub_words(W<N>& r, const W<N>& a, const W<N>& b) {
  u64 borrow = 0;
#pragma GCC unroll 16
  for (std::size_t i = 0; i < N; ++i) borrow = subb(a[i], b[i], borrow, r[i]);
  return borrow;
}

// Montgomery product r = a*b*2^(-64N) mod m, portable path.
template <std::size_t N>
[[gnu::always_inline]] inline void mont_mul_portable(W<N>& r, const W<N>& a, const W<N>& b,
                              const W<N>& m, u64 m_inv) {
  W<N> t{};
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) {
    u128 p = static_cast<u128>(a[0]) * b[i] + t[0];
    u64 A = static_cast<u64>(p >> 64);
    const u64 t0 = static_cast<u64>(p);
    const u64 k = t0 * m_inv;
    p = static_cast<u128>(k) * m[0] + t0;
    u64 C = static_cast<u64>(p >> 64);
#pragma GCC unroll 8
    for (std::size_t j = 1; j < N; ++j) {
      p = static_cast<u128>(a[j]) * b[i] + t[j] + A;
      A = static_cast<u64>(p >> 64);
      p = static_cast<u128>(k) * m[j] + static_cast<u64>(p) + C;
      C = static_cast<u64>(p >> 64);
      t[j - 1] = static_cast<u64>(p);
    }
    t[N - 1] = C + A;
  }
  reduce_once(t, m);
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) r[i] = t[i];
}

#if ZKC_HAVE_ADX
// Montgomery product, BMI2/ADX path: mulx leaves the flags alone, so the product rows and the
// carry chains interleave; GCC turns the _addcarry_u64 chains into adc sequences.
template <std::size_t N>
inline void mont_mul_adx(W<N>& r, const W<N>& a, const W<N>& b, const W<N>& m,
                         u64 m_inv) {
  using ull = unsigned long long;
  u64 t[N + 1] = {};
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) {
    // t += a * b[i]: low halves in one carry chain, high halves in the next.
    ull lo[N], hi[N];
#pragma GCC unroll 8
    for (std::size_t j = 0; j < N; ++j) lo[j] = _mulx_u64(a[j], b[i], &hi[j]);
    unsigned char c1 = 0, c2 = 0;
    ull acc;
#pragma GCC unroll 8
    for (std::size_t j = 0; j < N; ++j) {
      c1 = _addcarry_u64(c1, t[j], lo[j], &acc);
      t[j] = acc;
    }
    ull top = t[N];
    c1 = _addcarry_u64(c1, top, 0, &top);
#pragma GCC unroll 8
    for (std::size_t j = 1; j < N; ++j) {
      c2 = _addcarry_u64(c2, t[j], hi[j - 1], &acc);
      t[j] = acc;
    }
    _addcarry_u64(c2, top, hi[N - 1], &top);
    // Reduce: t = (t + k*m) / 2^64.
    const u64 k = t[0] * m_inv;
#pragma GCC unroll 8
    for (std::size_t j = 0; j < N; ++j) lo[j] = _mulx_u64(k, m[j], &hi[j]);
    c1 = 0;
    c2 = 0;
#pragma GCC unroll 8
    for (std::size_t j = 0; j < N; ++j) {
      c1 = _addcarry_u64(c1, t[j], lo[j], &acc);
      t[j] = acc;
    }
    c1 = _addcarry_u64(c1, top, 0, &top);
#pragma GCC unroll 8
    for (std::size_t j = 0; j + 1 < N; ++j) {
      c2 = _addcarry_u64(c2, t[j + 1], hi[j], &acc);
      t[j] = acc;  // shift down one word: t[0] is zero by construction of k
    }
    _addcarry_u64(c2, top, hi[N - 1], &acc);
    t[N - 1] = acc;
    t[N] = 0;
  }
  W<N> out;
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) out[i] = t[i];
  reduce_once(out, m);
#pragma GCC unroll 8
  for (std::size_t i = 0; i < N; ++i) r[i] = out[i];
}
#endif

}  // namespace zkc::field::detail
}  // namespace zkc::field

#include "kernels/field/mont_mul_asm.hpp"

namespace zkc::field::detail {

template <MulPath Path, std::size_t N>
[[gnu::always_inline]] inline void mont_mul(W<N>& r, const W<N>& a, const W<N>& b, const W<N>& m,
                     u64 m_inv) {
#if ZKC_HAVE_ADX
  if constexpr (Path == MulPath::kAdx) {
#if ZKC_FIELD_ASM
    if constexpr (N == 4) {
      mont_mul_asm_4(r, a, b, m, m_inv);
    } else if constexpr (N == 6) {
      mont_mul_asm_6(r, a, b, m, m_inv);
    } else {
      mont_mul_adx<N>(r, a, b, m, m_inv);
    }
#else
    mont_mul_adx<N>(r, a, b, m, m_inv);
#endif
    return;
  }
#endif
  mont_mul_portable<N>(r, a, b, m, m_inv);
}

// Modular add/sub: the asm versions for the BLS12-381 widths (GCC turns the portable carry chains
// into setc/vector-insert sequences that roughly double their latency).
template <std::size_t N>
[[gnu::always_inline]] inline void add_mod(W<N>& r, const W<N>& a, const W<N>& b, const W<N>& m) {
#if ZKC_FIELD_ASM
  if constexpr (N == 4) return add_mod_asm_4(r, a, b, m);
  if constexpr (N == 6) return add_mod_asm_6(r, a, b, m);
#endif
  add_mod_portable<N>(r, a, b, m);
}

template <std::size_t N>
[[gnu::always_inline]] inline void sub_mod(W<N>& r, const W<N>& a, const W<N>& b, const W<N>& m) {
#if ZKC_FIELD_ASM
  if constexpr (N == 4) return sub_mod_asm_4(r, a, b, m);
  if constexpr (N == 6) return sub_mod_asm_6(r, a, b, m);
#endif
  sub_mod_portable<N>(r, a, b, m);
}

}  // namespace zkc::field::detail
