// AffinePoint<P>: a point (x, y) on y^2 = x^3 + b, or the identity (flag set, coordinates zero).
//
// The storage form of MSM bases and the input of mixed additions.
#pragma once

#include "kernels/curve/curve_params.hpp"

namespace zkc {

template <class P>
struct AffinePoint {
  using Params = P;
  using Field = typename P::Field;

  Field x{};
  Field y{};
  bool infinity = true;  // default-constructed points are the identity

  static AffinePoint identity() { return {}; }
  static AffinePoint generator() { return {P::generator_x(), P::generator_y(), false}; }

  bool is_identity() const { return infinity; }
  bool is_on_curve() const { return infinity || y.square() == x.square() * x + P::b(); }
  AffinePoint neg() const { return infinity ? *this : AffinePoint{x, -y, false}; }

  friend bool operator==(const AffinePoint& a, const AffinePoint& b) {
    if (a.infinity || b.infinity) return a.infinity == b.infinity;
    return a.x == b.x && a.y == b.y;
  }
};

}  // namespace zkc
