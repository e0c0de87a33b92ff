// Sparse matrix times dense vector over Fr: y = M * w, the prover's A*w, B*w, C*w step.
//
// The work is cut into chunks of chunk_rows consecutive rows handed out dynamically over a pool,
// and a callback can run before selected chunks: this reproduces the real prover's throttle
// check (`if chunk_idx % 64 == 0 { if flag > 0 { yield } }`), which is where a contention
// controller can slow the SpMV down.
#pragma once

#include <cstddef>
#include <functional>
#include <span>

#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "kernels/spmv/csr.hpp"

namespace zkc {

struct SpmvOptions {
  std::size_t chunk_rows = 8192;  // rows per work unit, >= 1
  std::size_t callback_every = 64;  // on_chunk runs before chunks with index % callback_every == 0; >= 1
  // Called on the worker thread, before the chunk is processed. May block (to throttle) or throw
  // (the exception propagates out of spmv, remaining chunks are skipped).
  std::function<void(std::size_t chunk_index)> on_chunk = {};
  unsigned max_workers = 0;  // 0 = every worker of the pool
  JobObserver* observer = nullptr;  // sees each worker's share of the call (per-task counters)
};

// y = M * w on the pool. Throws std::invalid_argument when w.size() != cols, y.size() != rows, the
// view's array sizes disagree (row_ptr != rows + 1, col_idx or values != row_ptr[rows]), or
// chunk_rows / callback_every are 0. Column indices are trusted (checked by validate(), once, at
// load time): an out-of-range column reads out of bounds.
void spmv(const CsrView& m, std::span<const Fr> w, std::span<Fr> y, ThreadPool& pool,
          const SpmvOptions& opts = {});

// The same product, naive and sequential: the oracle for tests. Same size checks as spmv.
void spmv_reference(const CsrView& m, std::span<const Fr> w, std::span<Fr> y);

}  // namespace zkc
