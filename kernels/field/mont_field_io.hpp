// Canonical byte and hex encodings of MontField (included by mont_field.hpp).
#pragma once

#include <string_view>

namespace zkc::field {

template <class Params>
std::optional<MontField<Params>> MontField<Params>::from_bytes_le(
    std::span<const std::uint8_t, kBytes> b) {
  Limbs l{};
  for (std::size_t i = 0; i < kBytes; ++i) l[i / 8] |= std::uint64_t{b[i]} << (8 * (i % 8));
  return from_canonical(l);
}

template <class Params>
std::optional<MontField<Params>> MontField<Params>::from_bytes_be(
    std::span<const std::uint8_t, kBytes> b) {
  std::array<std::uint8_t, kBytes> le;
  for (std::size_t i = 0; i < kBytes; ++i) le[i] = b[kBytes - 1 - i];
  return from_bytes_le(le);
}

template <class Params>
std::optional<MontField<Params>> MontField<Params>::from_hex(std::string_view hex) {
  if (hex.starts_with("0x") || hex.starts_with("0X")) hex.remove_prefix(2);
  if (hex.empty() || hex.size() > kBytes * 2) return std::nullopt;
  Limbs l{};
  std::size_t bit = 0;
  for (std::size_t i = hex.size(); i-- > 0; bit += 4) {
    const char c = hex[i];
    std::uint64_t d;
    if (c >= '0' && c <= '9') d = static_cast<std::uint64_t>(c - '0');
    else if (c >= 'a' && c <= 'f') d = static_cast<std::uint64_t>(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') d = static_cast<std::uint64_t>(c - 'A' + 10);
    else return std::nullopt;
    l[bit / 64] |= d << (bit % 64);
  }
  return from_canonical(l);
}

template <class Params>
void MontField<Params>::to_bytes_le(std::span<std::uint8_t, kBytes> out) const {
  const Limbs l = to_canonical();
  for (std::size_t i = 0; i < kBytes; ++i) out[i] = static_cast<std::uint8_t>(l[i / 8] >> (8 * (i % 8)));
}

template <class Params>
void MontField<Params>::to_bytes_be(std::span<std::uint8_t, kBytes> out) const {
  std::array<std::uint8_t, kBytes> le;
  to_bytes_le(le);
  for (std::size_t i = 0; i < kBytes; ++i) out[i] = le[kBytes - 1 - i];
}

template <class Params>
std::string MontField<Params>::to_hex() const {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::array<std::uint8_t, kBytes> be;
  to_bytes_be(be);
  std::string s = "0x";
  s.reserve(2 + 2 * kBytes);
  for (auto byte : be) {
    s.push_back(kDigits[byte >> 4]);
    s.push_back(kDigits[byte & 15]);
  }
  return s;
}

}  // namespace zkc::field
