// SpMV against the naive reference, the chunk callback contract, the generator's determinism,
// statistics and row-by-row regeneration, and CSR validation.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/support/random_fr.hpp"
#include "kernels/spmv/csr.hpp"
#include "kernels/spmv/matrix_gen.hpp"
#include "kernels/spmv/spmv.hpp"

namespace zkc {
namespace {

using test_support::random_fr_vector;

MatrixGenParams local_heavy() {
  return {.rows = 20000, .cols = 30000, .mean_nnz_per_row = 6, .nnz_spread = 0.5,
          .local_fraction = 0.9, .local_window = 64, .seed = 1};
}
MatrixGenParams gather_heavy() {
  return {.rows = 17000, .cols = 50000, .mean_nnz_per_row = 4, .nnz_spread = 1.0,
          .local_fraction = 0.0, .local_window = 0, .seed = 2};
}
MatrixGenParams sparse_with_empty_rows() {
  // Mean 0.3 with stochastic rounding: most rows are empty.
  return {.rows = 9001, .cols = 4000, .mean_nnz_per_row = 0.3, .nnz_spread = 0.0,
          .local_fraction = 0.5, .local_window = 10, .seed = 3};
}
MatrixGenParams tiny() {
  return {.rows = 5, .cols = 7, .mean_nnz_per_row = 3, .nnz_spread = 0.5,
          .local_fraction = 0.5, .local_window = 1, .seed = 4};
}

std::string errmsg(auto&& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "<no invalid_argument thrown>";
}

TEST(Spmv, MatchesReference) {
  std::vector<std::unique_ptr<ThreadPool>> pools;
  for (unsigned t : {1u, 2u, 3u, 7u}) pools.push_back(std::make_unique<ThreadPool>("spmv-test", t));
  for (const auto& params : {local_heavy(), gather_heavy(), sparse_with_empty_rows(), tiny()}) {
    const CsrMatrix m = generate_r1cs_like(params);
    ASSERT_NO_THROW(validate(m.view()));
    const auto w = random_fr_vector(m.cols, params.seed + 10);
    std::vector<Fr> expected(m.rows);
    spmv_reference(m.view(), w, expected);
    for (std::size_t chunk : {std::size_t{1}, std::size_t{7}, std::size_t{8192}}) {
      for (auto& pool : pools) {
        std::vector<Fr> y(m.rows, Fr::one());  // spmv must overwrite, not accumulate
        SpmvOptions opts;
        opts.chunk_rows = chunk;
        spmv(m.view(), w, y, *pool, opts);
        ASSERT_EQ(y, expected) << "rows " << m.rows << " chunk " << chunk << " pool " << pool->size();
      }
    }
  }
}

TEST(Spmv, ReferenceMatchesHandComputedProduct) {
  // [[1 0 2], [0 0 0], [0 -1 3]] * [5 6 7] = [19, 0, 15]
  CsrMatrix m;
  m.rows = 3;
  m.cols = 3;
  m.row_ptr = {0, 2, 2, 4};
  m.col_idx = {0, 2, 1, 2};
  m.values = {Fr::one(), Fr::from_u64(2), -Fr::one(), Fr::from_u64(3)};
  const std::vector<Fr> w = {Fr::from_u64(5), Fr::from_u64(6), Fr::from_u64(7)};
  std::vector<Fr> y(3);
  spmv_reference(m.view(), w, y);
  EXPECT_EQ(y, (std::vector<Fr>{Fr::from_u64(19), Fr::zero(), Fr::from_u64(15)}));
  ThreadPool pool("spmv-test", 2);
  std::vector<Fr> y2(3);
  spmv(m.view(), w, y2, pool, {.chunk_rows = 1});
  EXPECT_EQ(y2, y);
}

TEST(Spmv, MaxWorkersStillComputesEverything) {
  ThreadPool pool("spmv-test", 3);
  const CsrMatrix m = generate_r1cs_like(local_heavy());
  const auto w = random_fr_vector(m.cols, 5);
  std::vector<Fr> expected(m.rows), y(m.rows);
  spmv_reference(m.view(), w, expected);
  spmv(m.view(), w, y, pool, {.chunk_rows = 100, .max_workers = 1});
  EXPECT_EQ(y, expected);
}

TEST(Spmv, OnChunkCalledForEveryKthChunk) {
  ThreadPool pool("spmv-test", 3);
  const CsrMatrix m = generate_r1cs_like(sparse_with_empty_rows());  // 9001 rows
  const auto w = random_fr_vector(m.cols, 6);
  std::vector<Fr> y(m.rows);
  for (std::size_t chunk_rows : {std::size_t{7}, std::size_t{100}}) {
    const std::size_t chunks = (m.rows + chunk_rows - 1) / chunk_rows;
    for (std::size_t k : {std::size_t{1}, std::size_t{3}, std::size_t{64}}) {
      std::mutex mu;
      std::multiset<std::size_t> seen;
      SpmvOptions opts;
      opts.chunk_rows = chunk_rows;
      opts.callback_every = k;
      opts.on_chunk = [&](std::size_t idx) {
        EXPECT_GE(pool.current_worker_index(), 0) << "on_chunk must run on a worker";
        std::lock_guard lock(mu);
        seen.insert(idx);
      };
      spmv(m.view(), w, y, pool, opts);
      std::multiset<std::size_t> expected;
      for (std::size_t i = 0; i < chunks; i += k) expected.insert(i);
      EXPECT_EQ(seen, expected) << "chunk_rows " << chunk_rows << " K " << k;
    }
  }
}

TEST(Spmv, OnChunkExceptionPropagates) {
  ThreadPool pool("spmv-test", 2);
  const CsrMatrix m = generate_r1cs_like(tiny());
  const auto w = random_fr_vector(m.cols, 8);
  std::vector<Fr> y(m.rows);
  SpmvOptions opts{.chunk_rows = 1, .callback_every = 1, .on_chunk = [](std::size_t i) {
                     if (i == 2) throw std::runtime_error("stop");
                   }};
  EXPECT_THROW(spmv(m.view(), w, y, pool, opts), std::runtime_error);
}

TEST(Spmv, SizeMismatchesThrowWithSizes) {
  ThreadPool pool("spmv-test", 1);
  const CsrMatrix m = generate_r1cs_like(tiny());  // 5 x 7
  const auto w = random_fr_vector(7, 9);
  const auto w_short = random_fr_vector(6, 9);
  std::vector<Fr> y(5), y_long(8);

  auto msg = errmsg([&] { spmv(m.view(), w_short, y, pool); });
  EXPECT_NE(msg.find("6"), std::string::npos) << msg;
  EXPECT_NE(msg.find("7"), std::string::npos) << msg;
  msg = errmsg([&] { spmv(m.view(), w, y_long, pool); });
  EXPECT_NE(msg.find("8"), std::string::npos) << msg;
  EXPECT_NE(msg.find("5"), std::string::npos) << msg;
  msg = errmsg([&] { spmv_reference(m.view(), w_short, y); });
  EXPECT_NE(msg.find("6"), std::string::npos) << msg;
  msg = errmsg([&] { spmv_reference(m.view(), w, y_long); });
  EXPECT_NE(msg.find("8"), std::string::npos) << msg;

  EXPECT_THROW(spmv(m.view(), w, y, pool, {.chunk_rows = 0}), std::invalid_argument);
  EXPECT_THROW(spmv(m.view(), w, y, pool, {.callback_every = 0}), std::invalid_argument);

  CsrView bad = m.view();
  bad.values = bad.values.first(bad.values.size() - 1);
  EXPECT_THROW(spmv(bad, w, y, pool), std::invalid_argument);
  bad = m.view();
  bad.row_ptr = bad.row_ptr.first(bad.row_ptr.size() - 1);
  EXPECT_THROW(spmv(bad, w, y, pool), std::invalid_argument);
}

TEST(Spmv, EmptyMatrix) {
  ThreadPool pool("spmv-test", 2);
  CsrMatrix m;
  m.cols = 3;
  m.row_ptr = {0};
  const auto w = random_fr_vector(3, 1);
  std::vector<Fr> y;
  EXPECT_NO_THROW(validate(m.view()));
  EXPECT_NO_THROW(spmv(m.view(), w, y, pool));
}

TEST(MatrixGen, DeterministicAcrossPoolSizes) {
  for (const auto& params : {local_heavy(), gather_heavy()}) {
    const CsrMatrix ref = generate_r1cs_like(params);
    for (unsigned t : {1u, 2u, 3u, 7u}) {
      ThreadPool pool("gen-test", t);
      const CsrMatrix m = generate_r1cs_like(params, &pool);
      EXPECT_EQ(m.row_ptr, ref.row_ptr) << "pool " << t;
      EXPECT_EQ(m.col_idx, ref.col_idx) << "pool " << t;
      EXPECT_EQ(m.values, ref.values) << "pool " << t;
    }
  }
  auto other = local_heavy();
  other.seed += 1;
  EXPECT_NE(generate_r1cs_like(other).col_idx, generate_r1cs_like(local_heavy()).col_idx);
}

// The one row generator: drawing a block's rows again, alone and in any block order, gives the stored
// rows (what the direct synthesis path relies on to match the PCE path bit for bit).
TEST(MatrixGen, RowGeneratorDrawsTheStoredRowsAgain) {
  for (const auto& params : {local_heavy(), sparse_with_empty_rows(), tiny()}) {
    const CsrMatrix m = generate_r1cs_like(params);
    std::vector<std::uint32_t> cols;
    std::vector<Fr> values;
    std::size_t rows_seen = 0;
    for (std::size_t b = gen_blocks(params.rows); b-- > 0;) {  // last block first
      RowGenerator gen(params, b);
      EXPECT_EQ(gen.first_row(), b * kGenRowBlock);
      for (std::uint32_t r = gen.first_row(); r < gen.end_row(); ++r, ++rows_seen) {
        gen.next_row(r, cols, values);
        const std::size_t k0 = m.row_ptr[r], k1 = m.row_ptr[r + 1];
        ASSERT_EQ(cols.size(), k1 - k0) << "row " << r;
        ASSERT_TRUE(std::equal(cols.begin(), cols.end(), m.col_idx.begin() + k0)) << "row " << r;
        ASSERT_TRUE(std::equal(values.begin(), values.end(), m.values.begin() + k0)) << "row " << r;
      }
    }
    EXPECT_EQ(rows_seen, params.rows);
  }
  EXPECT_THROW(RowGenerator(tiny(), 1), std::invalid_argument);  // 5 rows: one block
}

TEST(MatrixGen, ShapeSortedUniqueNonzero) {
  for (const auto& params : {local_heavy(), gather_heavy(), sparse_with_empty_rows(), tiny()}) {
    const CsrMatrix m = generate_r1cs_like(params);
    EXPECT_EQ(m.rows, params.rows);
    EXPECT_EQ(m.cols, params.cols);
    ASSERT_NO_THROW(validate(m.view()));
    EXPECT_EQ(m.bytes(), (m.row_ptr.size() + m.col_idx.size()) * 4 + m.values.size() * 32);
    for (std::size_t r = 0; r < m.rows; ++r) {
      for (std::size_t k = m.row_ptr[r] + 1; k < m.row_ptr[r + 1]; ++k) {
        ASSERT_LT(m.col_idx[k - 1], m.col_idx[k]) << "row " << r;
      }
    }
    for (const Fr& v : m.values) ASSERT_FALSE(v.is_zero());
    if (m.rows < 1000) continue;  // too few rows for a statistical check
    const double mean = static_cast<double>(m.nnz()) / m.rows;
    EXPECT_NEAR(mean, params.mean_nnz_per_row, 0.05 * params.mean_nnz_per_row + 0.02)
        << "seed " << params.seed;
  }
}

TEST(MatrixGen, RowLengthSpread) {
  auto p = local_heavy();
  p.nnz_spread = 0;
  p.mean_nnz_per_row = 5;
  const CsrMatrix flat = generate_r1cs_like(p);
  for (std::size_t r = 0; r < flat.rows; ++r) ASSERT_EQ(flat.row_ptr[r + 1] - flat.row_ptr[r], 5u);
  p.nnz_spread = 0.8;
  const CsrMatrix spread = generate_r1cs_like(p);
  std::uint32_t lo = ~0u, hi = 0;
  for (std::size_t r = 0; r < spread.rows; ++r) {
    lo = std::min(lo, spread.row_ptr[r + 1] - spread.row_ptr[r]);
    hi = std::max(hi, spread.row_ptr[r + 1] - spread.row_ptr[r]);
  }
  EXPECT_EQ(lo, 1u);  // 5 * 0.2 = 1
  EXPECT_EQ(hi, 9u);  // 5 * 1.8 = 9
}

double local_share(const CsrMatrix& m, std::uint32_t window) {
  std::size_t local = 0;
  for (std::size_t r = 0; r < m.rows; ++r) {
    const std::uint64_t center = std::uint64_t{r} * m.cols / m.rows;
    for (std::size_t k = m.row_ptr[r]; k < m.row_ptr[r + 1]; ++k) {
      const std::uint64_t c = m.col_idx[k];
      const std::uint64_t dist = c > center ? c - center : center - c;
      local += dist <= window;
    }
  }
  return static_cast<double>(local) / static_cast<double>(m.nnz());
}

TEST(MatrixGen, LocalFractionIsObservable) {
  auto p = local_heavy();  // window 64 of 30000 columns: chance hits are ~0.4%
  for (double f : {0.0, 0.3, 0.9, 1.0}) {
    p.local_fraction = f;
    const CsrMatrix m = generate_r1cs_like(p);
    EXPECT_NEAR(local_share(m, p.local_window), f, 0.03) << "local_fraction " << f;
  }
}

TEST(MatrixGen, ValueMix) {
  const CsrMatrix m = generate_r1cs_like(gather_heavy());
  std::size_t ones = 0, minus_ones = 0;
  for (const Fr& v : m.values) {
    ones += v == Fr::one();
    minus_ones += v == -Fr::one();
  }
  const double n = static_cast<double>(m.nnz());
  EXPECT_NEAR(ones / n, kGenShareOne, 0.02);
  EXPECT_NEAR(minus_ones / n, kGenShareMinusOne, 0.02);
}

TEST(MatrixGen, DenseAndNarrowWindowRows) {
  // Rows needing more columns than the local window holds, and rows covering most columns.
  MatrixGenParams p{.rows = 50, .cols = 40, .mean_nnz_per_row = 30, .nnz_spread = 0.3,
                    .local_fraction = 1.0, .local_window = 2, .seed = 11};
  const CsrMatrix m = generate_r1cs_like(p);
  ASSERT_NO_THROW(validate(m.view()));
  p.mean_nnz_per_row = 40;
  p.nnz_spread = 0;
  const CsrMatrix full = generate_r1cs_like(p);
  EXPECT_EQ(full.nnz(), 50u * 40u);
  ASSERT_NO_THROW(validate(full.view()));
}

TEST(MatrixGen, RejectsBadParams) {
  auto expect_field = [](MatrixGenParams p, const std::string& field) {
    const std::string msg = errmsg([&] { generate_r1cs_like(p); });
    EXPECT_NE(msg.find(field), std::string::npos) << msg;
  };
  auto p = tiny();
  p.rows = 0;
  expect_field(p, "rows");
  p = tiny();
  p.cols = 0;
  expect_field(p, "cols");
  p = tiny();
  p.mean_nnz_per_row = 8;  // > cols = 7
  expect_field(p, "mean_nnz_per_row");
  p = tiny();
  p.mean_nnz_per_row = -1;
  expect_field(p, "mean_nnz_per_row");
  p = {.rows = 1u << 30, .cols = 1000, .mean_nnz_per_row = 8};  // 2^33 nonzeros
  expect_field(p, "mean_nnz_per_row");
  p = tiny();
  p.nnz_spread = -0.1;
  expect_field(p, "nnz_spread");
  p = tiny();
  p.local_fraction = 1.5;
  expect_field(p, "local_fraction");
}

TEST(CsrValidate, CatchesEachBrokenInvariant) {
  const CsrMatrix good = generate_r1cs_like(tiny());
  ASSERT_NO_THROW(validate(good.view()));
  auto expect_msg = [](const CsrMatrix& m, const std::string& what) {
    const std::string msg = errmsg([&] { validate(m.view()); });
    EXPECT_NE(msg.find(what), std::string::npos) << msg;
  };
  CsrMatrix m = good;
  m.row_ptr.pop_back();
  expect_msg(m, "row_ptr has");
  m = good;
  m.row_ptr[0] = 1;
  expect_msg(m, "row_ptr[0]");
  m = good;
  m.row_ptr[2] = m.row_ptr[3] + 1;
  expect_msg(m, "monotone");
  m = good;
  m.col_idx.push_back(0);
  expect_msg(m, "col_idx has");
  m = good;
  m.values.pop_back();
  expect_msg(m, "values has");
  m = good;
  m.col_idx[1] = m.cols;
  expect_msg(m, "column out of range");
}

}  // namespace
}  // namespace zkc
