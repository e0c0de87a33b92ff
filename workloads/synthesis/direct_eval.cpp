#include "workloads/synthesis/direct_eval.hpp"

#include <fmt/format.h>

#include <array>
#include <stdexcept>
#include <vector>

#include "kernels/spmv/matrix_gen.hpp"

namespace zkc::workloads {
namespace {

void check_sizes(const PartitionShape& shape, std::size_t inputs, std::size_t aux, std::size_t a, std::size_t b,
                 std::size_t c) {
  if (inputs + aux != shape.witness_len()) {
    throw std::invalid_argument(fmt::format("evaluate_direct: inputs + aux = {} + {}, the shape's witness has {}",
                                            inputs, aux, shape.witness_len()));
  }
  if (a != shape.constraints || b != shape.constraints || c != shape.constraints) {
    throw std::invalid_argument(fmt::format("evaluate_direct: a, b, c have {}, {}, {} elements, the shape has {} "
                                            "constraints",
                                            a, b, c, shape.constraints));
  }
}

// One linear combination: the sum of coefficient x assigned value over its terms, in term order (the
// SpMV's order, though in a field any order gives the same sum). A column below the input count is
// an input, the others aux (bellperson's Index::Input / Index::Aux).
class LcEvaluator {
 public:
  LcEvaluator(std::span<const Fr> inputs, std::span<const Fr> aux, unsigned muls_per_term)
      : inputs_(inputs), aux_(aux), muls_(muls_per_term), one_(Fr::one()) {}

  Fr operator()(const std::vector<std::uint32_t>& cols, const std::vector<Fr>& coeffs) const {
    Fr acc = Fr::zero();
    const std::size_t n_inputs = inputs_.size();
    for (std::size_t k = 0; k < cols.size(); ++k) {
      Fr coeff = coeffs[k];
      // The construction's work: a chain of multiplications by one, each waiting for the last.
      for (unsigned m = 0; m < muls_; ++m) coeff = coeff * one_;
      const std::uint32_t col = cols[k];
      acc += coeff * (col < n_inputs ? inputs_[col] : aux_[col - n_inputs]);
    }
    return acc;
  }

 private:
  std::span<const Fr> inputs_, aux_;
  unsigned muls_;
  Fr one_;
};

}  // namespace

DirectEvalStats evaluate_direct(const PartitionShape& shape, const PceParams& pce, std::span<const Fr> inputs,
                                std::span<const Fr> aux, std::span<Fr> a, std::span<Fr> b, std::span<Fr> c,
                                const DirectEvalParams& params) {
  check_sizes(shape, inputs.size(), aux.size(), a.size(), b.size(), c.size());
  const std::array<MatrixGenParams, 3> matrices = {pce_matrix_params(shape, pce, PceMatrix::kA),
                                                   pce_matrix_params(shape, pce, PceMatrix::kB),
                                                   pce_matrix_params(shape, pce, PceMatrix::kC)};
  const std::array<std::span<Fr>, 3> out = {a, b, c};
  const LcEvaluator eval(inputs, aux, params.muls_per_term);
  // Reused for every linear combination: after the first rows no allocation (the capacity hint).
  std::vector<std::uint32_t> cols;
  std::vector<Fr> coeffs;
  DirectEvalStats stats;
  for (std::size_t block = 0; block < gen_blocks(shape.constraints); ++block) {
    std::array<RowGenerator, 3> gen = {RowGenerator(matrices[0], block), RowGenerator(matrices[1], block),
                                       RowGenerator(matrices[2], block)};
    for (std::uint32_t row = gen[0].first_row(); row < gen[0].end_row(); ++row) {
      // One constraint: its A, B and C combinations, drawn and evaluated now.
      for (std::size_t m = 0; m < 3; ++m) {
        gen[m].next_row(row, cols, coeffs);
        out[m][row] = eval(cols, coeffs);
        stats.terms += cols.size();
      }
    }
  }
  stats.constraints = shape.constraints;
  return stats;
}

}  // namespace zkc::workloads
