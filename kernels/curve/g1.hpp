// G1 of BLS12-381: points over Fp in affine, Jacobian and XYZZ form.
#pragma once

#include "kernels/curve/affine.hpp"
#include "kernels/curve/curve_params.hpp"
#include "kernels/curve/jacobian.hpp"
#include "kernels/curve/xyzz.hpp"

namespace zkc {

using G1Affine = AffinePoint<G1Params>;
using G1Jacobian = JacobianPoint<G1Params>;
using G1Xyzz = XyzzPoint<G1Params>;
static_assert(sizeof(G1Xyzz) == 192);

}  // namespace zkc
