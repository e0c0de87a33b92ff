// Deterministic generator of R1CS-like sparse matrices for SpMV benchmarks and tests.
//
// Real R1CS matrices (A, B, C of a Groth16 circuit) have a few nonzeros per row, most columns near
// the "diagonal" (gadgets reference recently allocated variables) and the rest scattered over the
// whole witness (inputs, constants, lookups), and mostly tiny coefficients. The parameters below
// control exactly those properties; the gather pattern into the witness is what makes SpMV memory
// bound, so local_fraction is the main knob.
#pragma once

#include <cstdint>

#include "kernels/pool/thread_pool.hpp"
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

// A matrix with the given shape and statistics; columns are sorted and unique within each row and
// every value is nonzero. The output depends only on params (rows are generated in fixed blocks,
// each with its own generator seeded from seed and the block index), never on the pool or its
// size; the pool only spreads the blocks over threads.
CsrMatrix generate_r1cs_like(const MatrixGenParams& params, ThreadPool* pool = nullptr);

}  // namespace zkc
