// SharedPce: the pre-compiled circuit's A, B, C matrices, built once per run before the clock starts
// and shared read-only by every partition's synthesis (the real prover's 25.7 GiB CSR set).
#pragma once

#include <cstdint>

#include "kernels/pool/thread_pool.hpp"
#include "kernels/spmv/csr.hpp"
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

// Generates A, B, C with the shape's nnz (mean per row = nnz / constraints) via generate_r1cs_like,
// with distinct seeds derived from params.seed. Deterministic for any pool.
SharedPce build_shared_pce(const PartitionShape& shape, const PceParams& params, ThreadPool* pool);

}  // namespace zkc::workloads
