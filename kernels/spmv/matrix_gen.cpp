#include "kernels/spmv/matrix_gen.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

namespace zkc {
namespace {

// Selection from an explicit list is used instead of rejection once a row holds this share of all
// columns, where rejection would mostly redraw duplicates.
constexpr double kDenseRowShare = 0.5;
// Rounds of local/uniform draws before the remaining columns of a row are drawn uniformly only
// (a narrow window can hold fewer distinct columns than the row needs).
constexpr int kLocalRounds = 8;

enum Phase : std::uint64_t { kLengths = 1, kEntries = 2 };

template <class Fn>
void for_blocks(ThreadPool* pool, std::size_t blocks, const Fn& fn) {
  if (pool == nullptr) {
    for (std::size_t b = 0; b < blocks; ++b) fn(b);
  } else {
    pool->for_each_task(blocks, [&](std::size_t b, unsigned) { fn(b); });
  }
}

std::uint32_t draw_row_length(Xoshiro256& rng, const MatrixGenParams& p) {
  double x = p.mean_nnz_per_row * (1.0 + p.nnz_spread * (2.0 * rng.uniform01() - 1.0));
  x = std::max(x, 0.0);
  // Stochastic rounding keeps the expected length equal to x for fractional means.
  const double len = std::floor(x + rng.uniform01());
  return static_cast<std::uint32_t>(std::min(len, static_cast<double>(p.cols)));
}

// Fills `out` with `len` sorted, unique columns for `row`.
void draw_columns(Xoshiro256& rng, const MatrixGenParams& p, std::uint32_t row, std::uint32_t len,
                  std::vector<std::uint32_t>& out) {
  out.clear();
  if (len == 0) return;
  if (static_cast<double>(len) >= kDenseRowShare * p.cols) {
    // Selection sampling (Knuth's algorithm S): exactly len of the cols columns, in order.
    std::uint64_t needed = len;
    for (std::uint32_t c = 0; c < p.cols && needed > 0; ++c) {
      if (rng.below(p.cols - c) < needed) {
        out.push_back(c);
        --needed;
      }
    }
    return;
  }
  const std::uint64_t center = std::uint64_t{row} * p.cols / p.rows;
  const std::uint64_t lo = center >= p.local_window ? center - p.local_window : 0;
  const std::uint64_t hi = std::min<std::uint64_t>(p.cols - 1, center + p.local_window);
  for (int round = 0; out.size() < len; ++round) {
    const std::size_t need = len - out.size();
    const bool allow_local = round < kLocalRounds;
    for (std::size_t i = 0; i < need; ++i) {
      const bool local = allow_local && rng.uniform01() < p.local_fraction;
      const std::uint64_t c = local ? lo + rng.below(hi - lo + 1) : rng.below(p.cols);
      out.push_back(static_cast<std::uint32_t>(c));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
  }
}

Fr draw_value(Xoshiro256& rng, const Fr& one, const Fr& minus_one) {
  const double u = rng.uniform01();
  if (u < kGenShareOne) return one;
  if (u < kGenShareOne + kGenShareMinusOne) return minus_one;
  if (u < kGenShareOne + kGenShareMinusOne + kGenShareSmall) {
    const Fr c = Fr::from_u64(2 + rng.below(254));
    return (rng() & 1) ? c : -c;
  }
  for (;;) {
    const Fr v = Fr::random(rng);
    if (!v.is_zero()) return v;
  }
}

[[noreturn]] void bad(const std::string& field, const std::string& why) {
  throw std::invalid_argument("MatrixGenParams." + field + ": " + why);
}

}  // namespace

void validate(const MatrixGenParams& p) {
  if (p.rows == 0) bad("rows", "must be at least 1");
  if (p.cols == 0) bad("cols", "must be at least 1");
  if (!std::isfinite(p.mean_nnz_per_row) || p.mean_nnz_per_row < 0) {
    bad("mean_nnz_per_row", "must be finite and >= 0, got " + std::to_string(p.mean_nnz_per_row));
  }
  if (p.mean_nnz_per_row > p.cols) {
    bad("mean_nnz_per_row", std::to_string(p.mean_nnz_per_row) + " exceeds cols = " + std::to_string(p.cols));
  }
  if (p.mean_nnz_per_row * p.rows > static_cast<double>(std::numeric_limits<std::uint32_t>::max())) {
    bad("mean_nnz_per_row", "rows * mean_nnz_per_row = " + std::to_string(p.mean_nnz_per_row * p.rows) +
                                " nonzeros do not fit the u32 row pointers");
  }
  if (!std::isfinite(p.nnz_spread) || p.nnz_spread < 0) {
    bad("nnz_spread", "must be finite and >= 0, got " + std::to_string(p.nnz_spread));
  }
  if (!(p.local_fraction >= 0 && p.local_fraction <= 1)) {
    bad("local_fraction", "must be in [0, 1], got " + std::to_string(p.local_fraction));
  }
}

RowGenerator::RowGenerator(const MatrixGenParams& params, std::size_t block)
    : p_(params), lengths_(params.seed, block, kLengths), entries_(params.seed, block, kEntries),
      one_(Fr::one()), minus_one_(-Fr::one()) {
  validate(params);
  if (block >= gen_blocks(params.rows)) {
    throw std::invalid_argument("RowGenerator: block " + std::to_string(block) + " of a matrix with " +
                                std::to_string(gen_blocks(params.rows)) + " blocks");
  }
  first_ = static_cast<std::uint32_t>(block * kGenRowBlock);
  end_ = static_cast<std::uint32_t>(std::min<std::size_t>(params.rows, std::size_t{first_} + kGenRowBlock));
}

std::uint32_t RowGenerator::next_length() { return draw_row_length(lengths_, p_); }

void RowGenerator::next_entries(std::uint32_t row, std::uint32_t len, std::vector<std::uint32_t>& cols,
                                std::vector<Fr>& values) {
  draw_columns(entries_, p_, row, len, cols);
  values.resize(len);
  for (std::uint32_t k = 0; k < len; ++k) values[k] = draw_value(entries_, one_, minus_one_);
}

CsrMatrix generate_r1cs_like(const MatrixGenParams& p, ThreadPool* pool) {
  validate(p);
  const std::size_t blocks = gen_blocks(p.rows);

  CsrMatrix m;
  m.rows = p.rows;
  m.cols = p.cols;
  m.row_ptr.assign(std::size_t{p.rows} + 1, 0);

  // Pass 1: row lengths (stored shifted by one), then their prefix sum.
  for_blocks(pool, blocks, [&](std::size_t b) {
    RowGenerator gen(p, b);
    for (std::uint32_t r = gen.first_row(); r < gen.end_row(); ++r) m.row_ptr[std::size_t{r} + 1] = gen.next_length();
  });
  std::uint64_t total = 0;
  for (std::size_t r = 1; r <= p.rows; ++r) {
    total += m.row_ptr[r];
    if (total > std::numeric_limits<std::uint32_t>::max()) {
      bad("nnz_spread",
          "the drawn row lengths exceed 2^32 - 1 nonzeros; lower mean_nnz_per_row or nnz_spread");
    }
    m.row_ptr[r] = static_cast<std::uint32_t>(total);
  }

  // Pass 2: columns and values, each block writing only its own rows' slices (the lengths stream is
  // not drawn again: the lengths are in row_ptr).
  m.col_idx.resize(total);
  m.values.resize(total);
  for_blocks(pool, blocks, [&](std::size_t b) {
    RowGenerator gen(p, b);
    std::vector<std::uint32_t> cols;
    std::vector<Fr> values;
    for (std::uint32_t r = gen.first_row(); r < gen.end_row(); ++r) {
      const std::uint32_t start = m.row_ptr[r];
      gen.next_entries(r, m.row_ptr[std::size_t{r} + 1] - start, cols, values);
      std::copy(cols.begin(), cols.end(), m.col_idx.begin() + start);
      std::copy(values.begin(), values.end(), m.values.begin() + start);
    }
  });
  return m;
}

}  // namespace zkc
