// SharedPce: the pre-compiled circuit's A, B, C matrices, built once per run before the clock starts
// and shared read-only by every partition's synthesis (the real prover's 25.7 GiB CSR set).
#pragma once

#include <cstdint>
#include <string>

#include "kernels/pool/thread_pool.hpp"
#include "kernels/spmv/csr.hpp"
#include "kernels/spmv/matrix_gen.hpp"
#include "workloads/memory/memory_options.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::workloads {

struct PceParams {
  double local_fraction = 0.9;       // share of nonzeros near the row's "diagonal" (see matrix_gen.hpp)
  std::uint32_t local_window = 4096;
  double nnz_spread = 0.5;
  std::uint64_t seed = 1;
};

struct SharedPce {
  CsrMatrix a, b, c;  // rows = shape.constraints, cols = shape.witness_len()
  std::uint64_t bytes() const { return a.bytes() + b.bytes() + c.bytes(); }
};

enum class PceMatrix { kA, kB, kC };

// The generator parameters of A, B or C: the shape's rows and witness columns, its nnz (mean per row
// = nnz / constraints), and a seed of its own derived from params.seed. What build_shared_pce
// builds, and what the direct synthesis path (workloads/synthesis/direct_eval) draws again row by
// row. Throws std::invalid_argument for a shape without constraints or witness columns.
MatrixGenParams pce_matrix_params(const PartitionShape& shape, const PceParams& params, PceMatrix matrix);

// Generates A, B, C from pce_matrix_params via generate_r1cs_like. Deterministic for any pool.
SharedPce build_shared_pce(const PartitionShape& shape, const PceParams& params, ThreadPool* pool);

// memory.thp for the built matrices: MADV_HUGEPAGE then MADV_COLLAPSE (kAlways: the pages exist
// already, so they are collapsed now rather than whenever khugepaged scans them), MADV_NOHUGEPAGE
// (kNever: keeps khugepaged off them; pages a THP=always system made huge at build time stay huge).
// "" or the first failure.
std::string advise_pce_pages(const SharedPce& pce, ThpAdvice advice);

}  // namespace zkc::workloads
