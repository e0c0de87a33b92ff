#include "workloads/synthesis/witness_gen.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <stdexcept>

#include "kernels/random/splitmix.hpp"

namespace zkc::workloads {
namespace {

constexpr std::uint64_t kGolden = kGoldenGamma;
// Gadgets reference recently allocated wires: the chain reads one of the last kLookback values.
constexpr std::uint64_t kLookback = 64;

// One key per (seed, partition): variable i's hash is then a splitmix64 stream position.
std::uint64_t partition_key(std::uint64_t seed, std::uint64_t partition_seed) {
  return mix64(mix64(seed ^ kGolden) ^ partition_seed);
}

std::uint64_t variable_hash(std::uint64_t key, std::uint64_t i) { return mix64(key + (i + 1) * kGolden); }

WitnessClass class_of_hash(const WitnessParams& p, std::uint64_t h) {
  const double u = static_cast<double>(h >> 11) * 0x1.0p-53;  // uniform in [0, 1)
  if (u < p.one_fraction) return WitnessClass::kOne;
  if (u < p.one_fraction + p.tail_fraction) return WitnessClass::kTail;
  return WitnessClass::kZero;
}

void check_fraction(const char* field, double v) {
  if (!(v >= 0 && v <= 1)) {
    throw std::invalid_argument(fmt::format("WitnessParams.{} = {} is outside [0, 1]", field, v));
  }
}

void validate(const WitnessParams& p) {
  check_fraction("one_fraction", p.one_fraction);
  check_fraction("tail_fraction", p.tail_fraction);
  // A little slack so that e.g. 0.3 + 0.7 is not rejected for its rounding.
  if (p.one_fraction + p.tail_fraction > 1 + 1e-12) {
    throw std::invalid_argument(fmt::format("WitnessParams.one_fraction + tail_fraction = {} + {} exceeds 1",
                                            p.one_fraction, p.tail_fraction));
  }
  if (p.muls_per_var == 0) throw std::invalid_argument("WitnessParams.muls_per_var must be >= 1");
}

// A nonzero element other than 1 drawn from rng (the chain's start and offset).
Fr draw_generic(std::mt19937_64& rng) {
  for (;;) {
    const Fr v = Fr::random(rng);
    if (!v.is_zero() && !v.is_one()) return v;
  }
}

}  // namespace

WitnessClass witness_class(const WitnessParams& params, std::uint64_t partition_seed, std::uint64_t i) {
  return class_of_hash(params, variable_hash(partition_key(params.seed, partition_seed), i));
}

void generate_witness(const WitnessParams& params, std::uint64_t partition_seed, std::span<Fr> inputs,
                      std::span<Fr> aux) {
  validate(params);
  if (inputs.empty()) throw std::invalid_argument("generate_witness: inputs must hold at least the constant one");
  const std::uint64_t key = partition_key(params.seed, partition_seed);
  std::mt19937_64 rng(key);
  inputs[0] = Fr::one();
  for (std::size_t k = 1; k < inputs.size(); ++k) inputs[k] = Fr::random(rng);

  Fr acc = draw_generic(rng);
  const Fr offset = draw_generic(rng);
  const Fr two = Fr::from_u64(2);
  for (std::size_t i = 0; i < aux.size(); ++i) {
    const std::uint64_t h = variable_hash(key, i);
    // The chain depends on an earlier wire, so the arithmetic cannot run ahead of the stores.
    acc += i == 0 ? inputs.back() : aux[i - 1 - h % std::min<std::uint64_t>(i, kLookback)];
    for (unsigned m = 0; m < params.muls_per_var; ++m) acc = acc * acc + offset;
    switch (class_of_hash(params, h)) {
      case WitnessClass::kZero: aux[i] = Fr::zero(); break;
      case WitnessClass::kOne: aux[i] = Fr::one(); break;
      case WitnessClass::kTail:
        // Tail values must stay tail values: 0 -> 2 and 1 -> 3 (vanishingly rare, but possible).
        aux[i] = (acc.is_zero() || acc.is_one()) ? acc + two : acc;
        break;
    }
  }
  if (params.extra_muls > 0) {
    for (std::uint64_t m = 0; m < params.extra_muls; ++m) acc = acc * acc + offset;
    // The chain's result is otherwise unused: make the compiler keep the work.
    asm volatile("" : : "r"(&acc) : "memory");
  }
}

}  // namespace zkc::workloads
