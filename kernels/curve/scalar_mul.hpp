// scalar_mul: [k]P by a fixed 4-bit window (16-entry table, then 4 doublings and one addition per
// nibble). Not constant time: this is a benchmark harness and a test reference, not a signer.
// Works for JacobianPoint and XyzzPoint; an AffinePoint is multiplied in Jacobian form.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include "kernels/curve/affine.hpp"
#include "kernels/curve/jacobian.hpp"
#include "kernels/field/fr.hpp"

namespace zkc {

template <class Point>
Point scalar_mul(const Point& p, std::span<const std::uint64_t> scalar_le) {
  if constexpr (std::is_same_v<Point, AffinePoint<typename Point::Params>>) {
    return scalar_mul(JacobianPoint<typename Point::Params>::from_affine(p), scalar_le).to_affine();
  } else {
    std::array<Point, 16> table;  // table[i] = [i]p
    table[0] = Point::identity();
    table[1] = p;
    for (std::size_t i = 2; i < table.size(); ++i) {
      table[i] = (i % 2 == 0) ? table[i / 2].dbl() : table[i - 1].add(p);
    }
    Point acc = Point::identity();
    for (std::size_t limb = scalar_le.size(); limb-- > 0;) {
      for (int shift = 60; shift >= 0; shift -= 4) {
        for (int k = 0; k < 4; ++k) acc.dbl_inplace();
        const auto nibble = static_cast<std::size_t>((scalar_le[limb] >> shift) & 0xF);
        if (nibble != 0) acc.add_inplace(table[nibble]);
      }
    }
    return acc;
  }
}

// [s]P for a scalar-field element (its canonical integer).
template <class Point>
Point scalar_mul(const Point& p, const Fr& s) {
  const auto canon = s.to_canonical();
  return scalar_mul(p, std::span<const std::uint64_t>(canon));
}

}  // namespace zkc
