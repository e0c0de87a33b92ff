// build_shared_pce: the matrices have the shape's dimensions and (close to) its nonzero counts,
// pass CSR validation, differ between A, B and C, and do not depend on the pool.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>

#include "kernels/pool/thread_pool.hpp"
#include "kernels/spmv/csr.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::workloads {
namespace {

const PartitionShape& small_shape() {
  static const PartitionShape s = scale_shape(FullScaleShape{}, 1e-4);
  return s;
}

void expect_nnz_near(const CsrMatrix& m, std::uint64_t requested) {
  // Row lengths are drawn around the mean (spread 0.5, stochastic rounding): over ~13k rows the
  // total lands within a percent or two of the request.
  EXPECT_NEAR(static_cast<double>(m.nnz()), static_cast<double>(requested), 0.03 * static_cast<double>(requested));
}

TEST(SharedPce, HasTheShapesDimensionsAndNonzeros) {
  const PartitionShape& s = small_shape();
  const SharedPce pce = build_shared_pce(s, PceParams{}, nullptr);
  for (const CsrMatrix* m : {&pce.a, &pce.b, &pce.c}) {
    EXPECT_EQ(m->rows, s.constraints);
    EXPECT_EQ(m->cols, s.witness_len());
    EXPECT_NO_THROW(validate(m->view()));
  }
  expect_nnz_near(pce.a, s.nnz_a);
  expect_nnz_near(pce.b, s.nnz_b);
  expect_nnz_near(pce.c, s.nnz_c);
  EXPECT_EQ(pce.bytes(), pce.a.bytes() + pce.b.bytes() + pce.c.bytes());
  EXPECT_EQ(pce.a.bytes(), (std::size_t{s.constraints} + 1) * 4 + pce.a.nnz() * 36);
}

TEST(SharedPce, SameWithAndWithoutAPool) {
  const PartitionShape& s = small_shape();
  ThreadPool pool("pce-test", 2);
  const SharedPce serial = build_shared_pce(s, PceParams{}, nullptr);
  const SharedPce pooled = build_shared_pce(s, PceParams{}, &pool);
  for (auto [x, y] : {std::pair{&serial.a, &pooled.a}, std::pair{&serial.b, &pooled.b},
                      std::pair{&serial.c, &pooled.c}}) {
    EXPECT_EQ(x->row_ptr, y->row_ptr);
    EXPECT_EQ(x->col_idx, y->col_idx);
    EXPECT_TRUE(x->values == y->values);
  }
}

TEST(SharedPce, MatricesAndSeedsAreDistinct) {
  const PartitionShape& s = small_shape();
  const SharedPce pce = build_shared_pce(s, PceParams{}, nullptr);
  // Equal nonzero counts would be a coincidence; equal columns would mean a shared seed.
  EXPECT_NE(pce.a.col_idx, pce.c.col_idx);
  EXPECT_NE(pce.a.row_ptr, pce.c.row_ptr);
  PceParams other;
  other.seed = 2;
  const SharedPce pce2 = build_shared_pce(s, other, nullptr);
  EXPECT_NE(pce.a.col_idx, pce2.a.col_idx);
}

TEST(SharedPce, LocalityFollowsTheParameters) {
  const PartitionShape& s = small_shape();
  PceParams p;
  p.local_fraction = 1.0;
  p.local_window = 100;
  p.nnz_spread = 0;
  const SharedPce pce = build_shared_pce(s, p, nullptr);
  // Every column lies within the window of its row's diagonal (or in a fallback uniform draw, which a
  // 201-column window with ~2 nonzeros per row never needs).
  std::size_t outside = 0;
  for (std::uint32_t r = 0; r < pce.a.rows; ++r) {
    const double center = static_cast<double>(r) * pce.a.cols / pce.a.rows;
    for (std::uint32_t k = pce.a.row_ptr[r]; k < pce.a.row_ptr[r + 1]; ++k) {
      if (std::abs(static_cast<double>(pce.a.col_idx[k]) - center) > 101) ++outside;
    }
  }
  EXPECT_EQ(outside, 0u);
}

TEST(SharedPce, WindowWiderThanTheMatrixIsCapped) {
  PartitionShape s;
  s.constraints = 50;
  s.inputs = 2;
  s.aux = 60;
  s.nnz_a = 100;
  s.nnz_b = 50;
  s.nnz_c = 80;
  PceParams p;
  p.local_window = 1u << 30;
  const SharedPce pce = build_shared_pce(s, p, nullptr);
  EXPECT_NO_THROW(validate(pce.a.view()));
  EXPECT_EQ(pce.b.cols, 62u);
}

TEST(SharedPce, RejectsAnEmptyShape) {
  EXPECT_THROW(build_shared_pce(PartitionShape{}, PceParams{}, nullptr), std::invalid_argument);
}

}  // namespace
}  // namespace zkc::workloads
