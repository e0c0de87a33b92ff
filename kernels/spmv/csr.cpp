#include "kernels/spmv/csr.hpp"

#include <stdexcept>
#include <string>

namespace zkc {
namespace {

[[noreturn]] void fail(const std::string& what) { throw std::invalid_argument("CSR validate: " + what); }

}  // namespace

void validate(const CsrView& m) {
  const std::size_t expected_ptrs = std::size_t{m.rows} + 1;
  if (m.row_ptr.size() != expected_ptrs) {
    fail("row_ptr has " + std::to_string(m.row_ptr.size()) + " entries, expected rows + 1 = " +
         std::to_string(expected_ptrs));
  }
  if (m.row_ptr[0] != 0) fail("row_ptr[0] is " + std::to_string(m.row_ptr[0]) + ", expected 0");
  for (std::size_t r = 0; r < m.rows; ++r) {
    if (m.row_ptr[r + 1] < m.row_ptr[r]) {
      fail("row_ptr is not monotone: row_ptr[" + std::to_string(r + 1) + "] = " +
           std::to_string(m.row_ptr[r + 1]) + " < row_ptr[" + std::to_string(r) +
           "] = " + std::to_string(m.row_ptr[r]));
    }
  }
  const std::size_t nnz = m.row_ptr[m.rows];
  if (m.col_idx.size() != nnz) {
    fail("nnz mismatch: row_ptr[rows] = " + std::to_string(nnz) + " but col_idx has " +
         std::to_string(m.col_idx.size()) + " entries");
  }
  if (m.values.size() != nnz) {
    fail("nnz mismatch: row_ptr[rows] = " + std::to_string(nnz) + " but values has " +
         std::to_string(m.values.size()) + " entries");
  }
  for (std::size_t k = 0; k < nnz; ++k) {
    if (m.col_idx[k] >= m.cols) {
      fail("column out of range: col_idx[" + std::to_string(k) + "] = " + std::to_string(m.col_idx[k]) +
           " >= cols = " + std::to_string(m.cols));
    }
  }
}

}  // namespace zkc
