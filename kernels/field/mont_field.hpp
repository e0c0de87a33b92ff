// MontField<Params>: an element of a prime field with an N x 64-bit limb Montgomery representation.
//
// Params supplies: kLimbs, kBits, kModulus, kR (2^64N mod m), kR2 (R^2 mod m), kInv (-m^-1 mod 2^64)
// and kName. Values are always fully reduced (< m), so equality is limb equality.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "kernels/field/limb_arith.hpp"

namespace zkc::field {

// Aligned per Params::kAlign (Fr: 32, so an element never straddles a cache line in CSR values or
// witness arrays; Fp: 16, keeping 48 bytes).
template <class Params>
class alignas(Params::kAlign) MontField {
 public:
  static constexpr std::size_t kLimbs = Params::kLimbs;
  static constexpr std::size_t kBytes = kLimbs * 8;
  static constexpr std::size_t kBits = Params::kBits;
  using Limbs = std::array<std::uint64_t, kLimbs>;  // little-endian 64-bit words

  constexpr MontField() : v_{} {}  // zero

  static constexpr MontField zero() { return MontField(); }
  static constexpr MontField one() { return from_montgomery(Params::kR); }
  static MontField from_u64(std::uint64_t v) {
    Limbs l{};
    l[0] = v;
    return *from_canonical(l);
  }
  // The canonical integer, or nullopt when it is not below the modulus.
  static std::optional<MontField> from_canonical(const Limbs& v) {
    if (!less_than_modulus(v)) return std::nullopt;
    MontField r;
    r.v_ = v;
    return r * from_montgomery(Params::kR2);
  }
  // Raw Montgomery words, unchecked: for constants and storage round-trips.
  static constexpr MontField from_montgomery(const Limbs& m) {
    MontField r;
    r.v_ = m;
    return r;
  }
  static std::optional<MontField> from_bytes_le(std::span<const std::uint8_t, kBytes> b);
  static std::optional<MontField> from_bytes_be(std::span<const std::uint8_t, kBytes> b);
  // Big-endian hex, with or without 0x, at most kBytes*2 digits.
  static std::optional<MontField> from_hex(std::string_view hex);

  // Uniform in [0, m): rejection sampling on the masked top limb. Rng: any 64-bit URBG.
  template <class Rng>
  static MontField random(Rng& rng) {
    Limbs l;
    for (;;) {
      for (auto& w : l) w = static_cast<std::uint64_t>(rng());
      l[kLimbs - 1] &= kTopMask;
      if (less_than_modulus(l)) return *from_canonical(l);
    }
  }

  Limbs to_canonical() const {
    MontField one_raw;
    one_raw.v_[0] = 1;
    return mul_with<kDefaultMulPath>(*this, one_raw).v_;
  }
  void to_bytes_le(std::span<std::uint8_t, kBytes> out) const;
  void to_bytes_be(std::span<std::uint8_t, kBytes> out) const;
  std::string to_hex() const;  // big-endian, 0x-prefixed, zero-padded

  const Limbs& montgomery_limbs() const { return v_; }
  bool is_zero() const {
    std::uint64_t acc = 0;
    for (auto w : v_) acc |= w;
    return acc == 0;
  }
  bool is_one() const { return v_ == Params::kR; }
  friend bool operator==(const MontField&, const MontField&) = default;

  template <MulPath Path>
  [[gnu::always_inline]] static MontField mul_with(const MontField& a, const MontField& b) {
    MontField r(kUninitialized);
    detail::mont_mul<Path, kLimbs>(r.v_, a.v_, b.v_, kMod, Params::kInv);
    return r;
  }

  [[gnu::always_inline]] friend MontField operator+(const MontField& a, const MontField& b) {
    MontField r(kUninitialized);
    detail::add_mod<kLimbs>(r.v_, a.v_, b.v_, kMod);
    return r;
  }
  [[gnu::always_inline]] friend MontField operator-(const MontField& a, const MontField& b) {
    MontField r(kUninitialized);
    detail::sub_mod<kLimbs>(r.v_, a.v_, b.v_, kMod);
    return r;
  }
  [[gnu::always_inline]] friend MontField operator*(const MontField& a, const MontField& b) {
    return mul_with<kDefaultMulPath>(a, b);
  }
  [[gnu::always_inline]] MontField operator-() const { return zero() - *this; }
  MontField& operator+=(const MontField& o) { return *this = *this + o; }
  MontField& operator-=(const MontField& o) { return *this = *this - o; }
  MontField& operator*=(const MontField& o) { return *this = *this * o; }

  // Inlined like the operators: returning through memory from an out-of-line call costs a
  // store-forwarding stall when the caller copies the result with wide moves.
  [[gnu::always_inline]] MontField dbl() const { return *this + *this; }
  [[gnu::always_inline]] MontField square() const { return *this * *this; }
  // a^e for a little-endian multi-word exponent.
  MontField pow(std::span<const std::uint64_t> exponent) const {
    MontField acc = one();
    for (std::size_t i = exponent.size(); i-- > 0;) {
      for (int bit = 63; bit >= 0; --bit) {
        acc = acc.square();
        if ((exponent[i] >> bit) & 1) acc *= *this;
      }
    }
    return acc;
  }
  MontField pow(std::uint64_t e) const { return pow(std::span<const std::uint64_t>(&e, 1)); }
  // Multiplicative inverse by Fermat (a^(m-2)); the inverse of zero is defined as zero.
  MontField inverse() const {
    Limbs e = Params::kModulus;
    e[0] -= 2;  // no borrow: the low limb of both moduli is odd and > 2
    return pow(std::span<const std::uint64_t>(e));
  }

  static constexpr const Limbs& modulus() { return Params::kModulus; }
  static constexpr const char* name() { return Params::kName; }

 private:
  static constexpr std::uint64_t kTopMask =
      kBits % 64 == 0 ? ~std::uint64_t{0} : (std::uint64_t{1} << (kBits % 64)) - 1;
  static constexpr const Limbs& kMod = Params::kModulus;

  // Results are written whole by the arithmetic; zero-filling them first costs a store-forwarding
  // stall on the hot path (wide zero stores followed by narrow limb stores and wide copies).
  enum UninitializedTag { kUninitialized };
  explicit MontField(UninitializedTag) {}  // NOLINT: v_ deliberately left unset
  static bool less_than_modulus(const Limbs& v) {
    for (std::size_t i = kLimbs; i-- > 0;) {
      if (v[i] != Params::kModulus[i]) return v[i] < Params::kModulus[i];
    }
    return false;
  }

  Limbs v_;
};

}  // namespace zkc::field

#include "kernels/field/mont_field_io.hpp"
