#include "workloads/pce/shared_pce.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "kernels/random/splitmix.hpp"
#include "workloads/memory/page_advice.hpp"

namespace zkc::workloads {
namespace {

// One seed per matrix: A, B and C must not share column patterns or values.
std::uint64_t matrix_seed(std::uint64_t seed, PceMatrix matrix) {
  return derive_seed(seed, static_cast<std::uint64_t>(matrix));
}

}  // namespace

MatrixGenParams pce_matrix_params(const PartitionShape& shape, const PceParams& params, PceMatrix matrix) {
  if (shape.constraints == 0 || shape.witness_len() == 0) {
    throw std::invalid_argument(fmt::format("pce matrices: shape has {} constraints and {} witness columns",
                                            shape.constraints, shape.witness_len()));
  }
  const std::uint64_t nnz = matrix == PceMatrix::kA ? shape.nnz_a : matrix == PceMatrix::kB ? shape.nnz_b : shape.nnz_c;
  MatrixGenParams p;
  p.rows = shape.constraints;
  p.cols = shape.witness_len();
  p.mean_nnz_per_row = static_cast<double>(nnz) / static_cast<double>(shape.constraints);
  p.nnz_spread = params.nnz_spread;
  p.local_fraction = params.local_fraction;
  // A window wider than the matrix means the same as one as wide as it.
  p.local_window = std::min(params.local_window, p.cols);
  p.seed = matrix_seed(params.seed, matrix);
  return p;
}

SharedPce build_shared_pce(const PartitionShape& shape, const PceParams& params, ThreadPool* pool) {
  SharedPce pce;
  pce.a = generate_r1cs_like(pce_matrix_params(shape, params, PceMatrix::kA), pool);
  pce.b = generate_r1cs_like(pce_matrix_params(shape, params, PceMatrix::kB), pool);
  pce.c = generate_r1cs_like(pce_matrix_params(shape, params, PceMatrix::kC), pool);
  return pce;
}

std::string advise_pce_pages(const SharedPce& pce, ThpAdvice advice) {
  if (advice == ThpAdvice::kSystem) return {};
  for (const CsrMatrix* m : {&pce.a, &pce.b, &pce.c}) {
    // The arrays are only read from here on; const_cast for madvise, which changes no byte.
    const std::pair<void*, std::size_t> arrays[] = {
        {const_cast<std::uint32_t*>(m->row_ptr.data()), m->row_ptr.size() * sizeof(std::uint32_t)},
        {const_cast<std::uint32_t*>(m->col_idx.data()), m->col_idx.size() * sizeof(std::uint32_t)},
        {const_cast<Fr*>(m->values.data()), m->values.size() * sizeof(Fr)}};
    for (const auto& [data, bytes] : arrays) {
      std::string why = advise_thp(data, bytes, advice);
      if (why.empty() && advice == ThpAdvice::kAlways) why = collapse_huge_pages(data, bytes);
      if (!why.empty()) return why;
    }
  }
  return {};
}

}  // namespace zkc::workloads
