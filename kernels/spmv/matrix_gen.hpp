// Deterministic generator of R1CS-like sparse matrices for SpMV benchmarks and tests.
//
// Real R1CS matrices (A, B, C of a Groth16 circuit) have a few nonzeros per row, most columns near
// the "diagonal" (gadgets reference recently allocated variables) and the rest scattered over the
// whole witness (inputs, constants, lookups), and mostly tiny coefficients. The parameters below
// control exactly those properties; the gather pattern into the witness is what makes SpMV memory
// bound, so local_fraction is the main knob.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "kernels/random/xoshiro256.hpp"
#include "kernels/spmv/csr.hpp"

namespace zkc {

struct MatrixGenParams {
  std::uint32_t rows = 0;          // >= 1
  std::uint32_t cols = 0;          // >= 1 (the witness length)
  double mean_nnz_per_row = 0;     // in [0, cols]; rows * mean must fit in u32 nonzeros
  // Relative spread of row lengths, >= 0: each row length is uniform in
  // [mean * (1 - spread), mean * (1 + spread)], stochastically rounded, clamped to [0, cols]
  // (so with spread > 1 the clamping at 0 raises the mean). 0 = all rows (nearly) equal.
  double nnz_spread = 0;
  // Share in [0, 1] of nonzeros whose column is drawn from the window
  // [row * cols / rows - local_window, row * cols / rows + local_window] (clamped to the matrix);
  // the others are uniform over all columns.
  double local_fraction = 0;
  std::uint32_t local_window = 0;
  std::uint64_t seed = 0;
};

// The coefficient mix of generated values (fixed, modelled on circuit matrices where most entries
// are +1 / -1 selectors and small constants): kGenShareOne of the values are 1, kGenShareMinusOne
// are -1, kGenShareSmall are +-c with c uniform in [2, 255], the rest are uniform nonzero Fr.
inline constexpr double kGenShareOne = 0.40;
inline constexpr double kGenShareMinusOne = 0.15;
inline constexpr double kGenShareSmall = 0.15;

// Checks the parameters; throws std::invalid_argument naming the offending field.
void validate(const MatrixGenParams& params);

// Rows per generator block. Fixed (never derived from a pool) so the output only depends on the
// parameters.
inline constexpr std::uint32_t kGenRowBlock = 4096;
inline std::size_t gen_blocks(std::uint32_t rows) { return (std::size_t{rows} + kGenRowBlock - 1) / kGenRowBlock; }

// The one row generator: the rows of one block, in order, drawn from the block's two streams (the
// row lengths, and each row's columns then values). generate_r1cs_like stores what it draws; a
// direct constraint evaluation (workloads/synthesis/direct_eval) draws the same rows again as it
// goes, storing nothing, so both see the same matrix bit for bit.
class RowGenerator {
 public:
  // Rows [block * kGenRowBlock, min(rows, (block + 1) * kGenRowBlock)). Throws std::invalid_argument
  // for invalid params (validate) or a block past the last.
  RowGenerator(const MatrixGenParams& params, std::size_t block);
  std::uint32_t first_row() const { return first_; }
  std::uint32_t end_row() const { return end_; }
  // The next row's length, from the lengths stream alone.
  std::uint32_t next_length();
  // Row `row`'s `len` columns (sorted, unique) and values (nonzero), from the entries stream alone;
  // rows are drawn in order, each with the length next_length gave it.
  void next_entries(std::uint32_t row, std::uint32_t len, std::vector<std::uint32_t>& cols, std::vector<Fr>& values);
  // Both: the next row, `row` (first_row() for the first call, then each following row).
  void next_row(std::uint32_t row, std::vector<std::uint32_t>& cols, std::vector<Fr>& values) {
    next_entries(row, next_length(), cols, values);
  }

 private:
  MatrixGenParams p_;
  Xoshiro256 lengths_, entries_;
  Fr one_, minus_one_;
  std::uint32_t first_ = 0, end_ = 0;
};

// A matrix with the given shape and statistics; columns are sorted and unique within each row and
// every value is nonzero. The output depends only on params (rows are generated in fixed blocks by
// RowGenerator, each with its own streams seeded from seed and the block index), never on the pool
// or its size; the pool only spreads the blocks over threads.
CsrMatrix generate_r1cs_like(const MatrixGenParams& params, ThreadPool* pool = nullptr);

}  // namespace zkc
