#include "kernels/spmv/matrix_gen.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/random/splitmix.hpp"

namespace zkc {
namespace {

// Rows per generator block. Fixed (never derived from the pool) so the output only depends on the
// parameters.
constexpr std::size_t kRowBlock = 4096;

// Selection from an explicit list is used instead of rejection once a row holds this share of all
// columns, where rejection would mostly redraw duplicates.
constexpr double kDenseRowShare = 0.5;
// Rounds of local/uniform draws before the remaining columns of a row are drawn uniformly only
// (a narrow window can hold fewer distinct columns than the row needs).
constexpr int kLocalRounds = 8;

// xoshiro256**: small, fast and specified bit for bit (unlike the standard distributions), so the
// generated matrices are the same with every standard library. Satisfies UniformRandomBitGenerator.
class Xoshiro256 {
 public:
  using result_type = std::uint64_t;
  Xoshiro256(std::uint64_t seed, std::uint64_t stream, std::uint64_t phase) {
    std::uint64_t sm = seed ^ (stream * 0xD1B54A32D192ED03ULL) ^ (phase * 0x8CB92BA72F3D8DD7ULL);
    for (auto& w : s_) w = splitmix64(sm);
  }
  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  double uniform01() { return static_cast<double>((*this)() >> 11) * 0x1.0p-53; }
  // Uniform in [0, n) by multiply-shift; the bias (n / 2^64) is far below anything measurable here.
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>((*this)()) * n) >> 64);
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

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

CsrMatrix generate_r1cs_like(const MatrixGenParams& p, ThreadPool* pool) {
  validate(p);
  const std::size_t blocks = (std::size_t{p.rows} + kRowBlock - 1) / kRowBlock;
  auto block_rows = [&](std::size_t b) {
    const std::size_t begin = b * kRowBlock;
    return std::pair{begin, std::min<std::size_t>(p.rows, begin + kRowBlock)};
  };

  CsrMatrix m;
  m.rows = p.rows;
  m.cols = p.cols;
  m.row_ptr.assign(std::size_t{p.rows} + 1, 0);

  // Phase 1: row lengths (stored shifted by one), then their prefix sum.
  for_blocks(pool, blocks, [&](std::size_t b) {
    Xoshiro256 rng(p.seed, b, kLengths);
    const auto [begin, end] = block_rows(b);
    for (std::size_t r = begin; r < end; ++r) m.row_ptr[r + 1] = draw_row_length(rng, p);
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

  // Phase 2: columns and values, each block writing only its own rows' slices.
  m.col_idx.resize(total);
  m.values.resize(total);
  const Fr one = Fr::one();
  const Fr minus_one = -one;
  for_blocks(pool, blocks, [&](std::size_t b) {
    Xoshiro256 rng(p.seed, b, kEntries);
    std::vector<std::uint32_t> cols;
    const auto [begin, end] = block_rows(b);
    for (std::size_t r = begin; r < end; ++r) {
      const std::uint32_t start = m.row_ptr[r];
      const std::uint32_t len = m.row_ptr[r + 1] - start;
      draw_columns(rng, p, static_cast<std::uint32_t>(r), len, cols);
      for (std::uint32_t k = 0; k < len; ++k) {
        m.col_idx[start + k] = cols[k];
        m.values[start + k] = draw_value(rng, one, minus_one);
      }
    }
  });
  return m;
}

}  // namespace zkc
