// Witness generation: the single-threaded first step of a partition's synthesis, with real Fr
// arithmetic. In the real prover it is ~75% of synthesis time at full scale (about 200 ns per
// variable on the seed machine, i.e. ~8 Fr multiplications), so the cost per variable is a knob.
//
// Every aux variable costs muls_per_var multiplications of a running chain that also reads an
// earlier variable (gadgets reference recent wires), and its value is then 0, 1 or the computed
// element, by a deterministic class mix: circuits built from bit gadgets are mostly 0/1, and only
// the others ("tail" scalars) reach the G2 MSM.
#pragma once

#include <cstdint>
#include <span>

#include "kernels/field/fr.hpp"

namespace zkc::workloads {

struct WitnessParams {
  double one_fraction = 0.25;   // share of aux values equal to 1
  double tail_fraction = 0.25;  // share of aux values neither 0 nor 1; the rest are 0
  unsigned muls_per_var = 8;    // >= 1
  std::uint64_t seed = 1;
  // A positive control's known extra cost: this many more multiplications of the chain after the
  // last variable. The values written do not change.
  std::uint64_t extra_muls = 0;
};

enum class WitnessClass : std::uint8_t { kZero, kOne, kTail };

// The class of aux variable i of the partition seeded with partition_seed (pure function).
WitnessClass witness_class(const WitnessParams& params, std::uint64_t partition_seed, std::uint64_t i);

// Fills inputs (inputs[0] = 1, the others derived from the seed) and aux. Aux value i is 0 / 1 per
// witness_class, else a nonzero element other than 1. Single-threaded, deterministic. Throws
// std::invalid_argument when inputs is empty or the fractions are outside [0, 1] or sum above 1.
void generate_witness(const WitnessParams& params, std::uint64_t partition_seed, std::span<Fr> inputs,
                      std::span<Fr> aux);

}  // namespace zkc::workloads
