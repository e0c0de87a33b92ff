// Fr: the BLS12-381 scalar field (255-bit r, 4 limbs, 32 bytes: the value type of CSR matrices).
#pragma once

#include "kernels/field/bls12_381_params.hpp"
#include "kernels/field/mont_field.hpp"

namespace zkc {

using Fr = field::MontField<field::FrParams>;
static_assert(sizeof(Fr) == 32, "Fr must be exactly 32 bytes, as the real prover stores it");

// Two-adicity of r - 1 and the multiplicative generator used for roots of unity.
inline constexpr unsigned kFrTwoAdicity = 32;
inline constexpr std::uint64_t kFrGenerator = 7;

}  // namespace zkc
