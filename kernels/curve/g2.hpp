// G2 of BLS12-381: points over Fp2 in affine, Jacobian and XYZZ form.
#pragma once

#include "kernels/curve/affine.hpp"
#include "kernels/curve/curve_params.hpp"
#include "kernels/curve/jacobian.hpp"
#include "kernels/curve/xyzz.hpp"

namespace zkc {

using G2Affine = AffinePoint<G2Params>;
using G2Jacobian = JacobianPoint<G2Params>;
using G2Xyzz = XyzzPoint<G2Params>;
static_assert(sizeof(G2Xyzz) == 384, "an MSM bucket of G2 is 384 bytes, as in the real prover");

}  // namespace zkc
