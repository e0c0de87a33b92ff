// Compressed sparse row storage for the R1CS matrices A, B, C, laid out as the real prover holds
// them: u32 row pointers, u32 column indices and full 32-byte Fr values (no compression of the
// many +-1 coefficients), so a benchmark moves the same bytes the prover does.
//
// CsrMatrix owns its arrays; CsrView is the non-owning form the kernels take, so matrices can
// equally be backed by mmap'd files or other storage.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "kernels/field/fr.hpp"

namespace zkc {

struct CsrView {
  std::uint32_t rows = 0;
  std::uint32_t cols = 0;
  std::span<const std::uint32_t> row_ptr;  // rows + 1 entries, row_ptr[0] == 0, nondecreasing
  std::span<const std::uint32_t> col_idx;  // nnz entries, each < cols
  std::span<const Fr> values;              // nnz entries

  std::size_t nnz() const { return values.size(); }
};

struct CsrMatrix {
  std::uint32_t rows = 0;
  std::uint32_t cols = 0;
  std::vector<std::uint32_t> row_ptr;
  std::vector<std::uint32_t> col_idx;
  std::vector<Fr> values;

  std::size_t nnz() const { return values.size(); }
  // Bytes of the three arrays (what a pass over the matrix streams from memory).
  std::size_t bytes() const {
    return row_ptr.size() * sizeof(std::uint32_t) + col_idx.size() * sizeof(std::uint32_t) +
           values.size() * sizeof(Fr);
  }
  CsrView view() const { return CsrView{rows, cols, row_ptr, col_idx, values}; }
};

// Checks every CSR invariant: row_ptr has rows + 1 entries, starts at 0, is nondecreasing and ends
// at nnz; col_idx and values both have nnz entries; every column is < cols. Throws
// std::invalid_argument naming the first broken invariant (with the offending index and values).
// Sortedness of columns within a row is not required by the kernels and is not checked.
// O(rows + nnz): meant for load time, not for every multiplication.
void validate(const CsrView& m);

}  // namespace zkc
