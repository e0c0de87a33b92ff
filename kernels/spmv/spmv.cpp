#include "kernels/spmv/spmv.hpp"

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace zkc {
namespace {

// How many nonzeros ahead the witness gather is prefetched. One multiply-add takes ~25 ns and a
// DRAM miss ~100 ns, so a handful of nonzeros covers the latency; more only wastes fill buffers.
constexpr std::size_t kPrefetchDistance = 8;

void check_shapes(const char* who, const CsrView& m, std::size_t w_size, std::size_t y_size) {
  const std::string prefix = std::string(who) + ": ";
  if (w_size != m.cols) {
    throw std::invalid_argument(prefix + "w has " + std::to_string(w_size) + " elements but the matrix has " +
                                std::to_string(m.cols) + " columns");
  }
  if (y_size != m.rows) {
    throw std::invalid_argument(prefix + "y has " + std::to_string(y_size) + " elements but the matrix has " +
                                std::to_string(m.rows) + " rows");
  }
  if (m.row_ptr.size() != std::size_t{m.rows} + 1) {
    throw std::invalid_argument(prefix + "row_ptr has " + std::to_string(m.row_ptr.size()) +
                                " entries, expected rows + 1 = " + std::to_string(std::size_t{m.rows} + 1));
  }
  const std::size_t nnz = m.row_ptr.back();
  if (m.col_idx.size() != nnz || m.values.size() != nnz) {
    throw std::invalid_argument(prefix + "row_ptr[rows] = " + std::to_string(nnz) + " but col_idx has " +
                                std::to_string(m.col_idx.size()) + " and values " +
                                std::to_string(m.values.size()) + " entries");
  }
}

// Rows [r0, r1): one multiply and one add per nonzero, no special case for +-1 coefficients
// (the real prover multiplies them too). The gather w[col] is prefetched a few nonzeros ahead,
// across row boundaries; both ends of the 32-byte element are touched since a witness buffer
// that is only 16-byte aligned puts every other element across two cache lines.
void multiply_rows(const CsrView& m, const Fr* w, Fr* y, std::size_t r0, std::size_t r1) {
  const std::uint32_t* row_ptr = m.row_ptr.data();
  const std::uint32_t* col = m.col_idx.data();
  const Fr* val = m.values.data();
  const std::size_t k_end = row_ptr[r1];
  std::size_t k = row_ptr[r0];
  for (std::size_t r = r0; r < r1; ++r) {
    const std::size_t row_end = row_ptr[r + 1];
    Fr acc = Fr::zero();
    for (; k < row_end; ++k) {
      if (k + kPrefetchDistance < k_end) {
        const char* p = reinterpret_cast<const char*>(w + col[k + kPrefetchDistance]);
        __builtin_prefetch(p);
        __builtin_prefetch(p + sizeof(Fr) - 1);
      }
      acc += val[k] * w[col[k]];
    }
    y[r] = acc;
  }
}

}  // namespace

void spmv(const CsrView& m, std::span<const Fr> w, std::span<Fr> y, ThreadPool& pool,
          const SpmvOptions& opts) {
  check_shapes("spmv", m, w.size(), y.size());
  if (opts.chunk_rows == 0) throw std::invalid_argument("spmv: SpmvOptions.chunk_rows must be >= 1");
  if (opts.callback_every == 0) throw std::invalid_argument("spmv: SpmvOptions.callback_every must be >= 1");
  const std::size_t rows = m.rows;
  const std::size_t chunks = (rows + opts.chunk_rows - 1) / opts.chunk_rows;
  pool.for_each_task(
      chunks,
      [&](std::size_t chunk, unsigned) {
        if (opts.on_chunk && chunk % opts.callback_every == 0) opts.on_chunk(chunk);
        const std::size_t r0 = chunk * opts.chunk_rows;
        multiply_rows(m, w.data(), y.data(), r0, std::min(rows, r0 + opts.chunk_rows));
      },
      opts.max_workers, opts.observer);
}

void spmv_reference(const CsrView& m, std::span<const Fr> w, std::span<Fr> y) {
  check_shapes("spmv_reference", m, w.size(), y.size());
  for (std::size_t r = 0; r < m.rows; ++r) {
    Fr acc = Fr::zero();
    for (std::size_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k) acc = acc + m.values[k] * w[m.col_idx[k]];
    y[r] = acc;
  }
}

}  // namespace zkc
