// Fp: the BLS12-381 base field (381-bit p, 6 limbs, 48 bytes).
#pragma once

#include "kernels/field/bls12_381_params.hpp"
#include "kernels/field/mont_field.hpp"

namespace zkc {

using Fp = field::MontField<field::FpParams>;
static_assert(sizeof(Fp) == 48);

}  // namespace zkc
