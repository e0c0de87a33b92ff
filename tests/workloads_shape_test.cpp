// scale_shape: full scale is the identity, ratios survive scaling, every count stays >= 1, the
// domain covers the constraints, and bad scales or inconsistent full shapes are rejected.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>

#include "workloads/shape/partition_shape.hpp"

namespace zkc::workloads {
namespace {

double ratio(std::uint64_t a, std::uint64_t b) { return static_cast<double>(a) / static_cast<double>(b); }

TEST(ScaleShape, FullScaleKeepsEveryCount) {
  const FullScaleShape full;
  const PartitionShape s = scale_shape(full, 1.0);
  EXPECT_EQ(s.constraints, full.constraints);
  EXPECT_EQ(s.aux, full.aux);
  EXPECT_EQ(s.inputs, full.inputs);
  EXPECT_EQ(s.nnz_a, full.nnz_a);
  EXPECT_EQ(s.nnz_b, full.nnz_b);
  EXPECT_EQ(s.nnz_c, full.nnz_c);
  EXPECT_EQ(s.domain_log2, 27u);
  EXPECT_EQ(s.srs_h, full.srs_h);
  EXPECT_EQ(s.srs_b_g2, full.srs_b_g2);
}

TEST(ScaleShape, KeepsRatiosBetweenStages) {
  const FullScaleShape full;
  for (double scale : {1e-4, 1e-3, 0.05}) {
    SCOPED_TRACE(scale);
    const PartitionShape s = scale_shape(full, scale);
    EXPECT_NEAR(ratio(s.nnz_a, s.constraints), ratio(full.nnz_a, full.constraints), 1e-3);
    EXPECT_NEAR(ratio(s.nnz_b, s.constraints), ratio(full.nnz_b, full.constraints), 1e-3);
    EXPECT_NEAR(ratio(s.nnz_c, s.constraints), ratio(full.nnz_c, full.constraints), 1e-3);
    EXPECT_NEAR(ratio(s.aux, s.constraints), ratio(full.aux, full.constraints), 1e-3);
    EXPECT_NEAR(ratio(s.srs_b_g2, s.srs_a), ratio(full.srs_b_g2, full.srs_a), 1e-3);
    EXPECT_NEAR(static_cast<double>(s.constraints), static_cast<double>(full.constraints) * scale, 0.5);
    EXPECT_EQ(s.inputs, full.inputs) << "public inputs are never scaled";
  }
}

TEST(ScaleShape, TinyScaleKeepsEveryCountAtLeastOne) {
  const PartitionShape s = scale_shape(FullScaleShape{}, 1e-12);
  EXPECT_EQ(s.constraints, 1u);
  EXPECT_EQ(s.aux, 1u);
  EXPECT_EQ(s.nnz_a, 1u);
  EXPECT_EQ(s.nnz_b, 1u);
  EXPECT_EQ(s.nnz_c, 1u);
  EXPECT_EQ(s.srs_h, 1u);
  EXPECT_EQ(s.srs_l, 1u);
  EXPECT_EQ(s.srs_a, 1u);
  EXPECT_EQ(s.srs_b_g1, 1u);
  EXPECT_EQ(s.srs_b_g2, 1u);
  EXPECT_GE(s.domain_size(), s.constraints);
}

TEST(ScaleShape, DomainCoversConstraintsAndFollowsTheProfile) {
  for (double scale : {1e-6, 1e-4, 1e-3, 0.3, 0.7, 1.0}) {
    SCOPED_TRACE(scale);
    const PartitionShape s = scale_shape(FullScaleShape{}, scale);
    EXPECT_GE(s.domain_size(), s.constraints);
    const auto profile = static_cast<std::uint64_t>(std::ceil(std::ldexp(scale, 27)));
    EXPECT_LT(s.domain_size() / 2, std::max<std::uint64_t>(s.constraints, profile))
        << "the domain is the smallest power of two covering both";
  }
  // Constraints above the scaled profile domain push the domain up.
  FullScaleShape full;
  full.domain_log2 = 4;
  const PartitionShape s = scale_shape(full, 1e-3);
  EXPECT_GE(s.domain_size(), s.constraints);
}

TEST(ScaleShape, SrsSectionsNeverExceedAux) {
  const PartitionShape s = scale_shape(FullScaleShape{}, 1e-5);
  EXPECT_LE(s.srs_l, s.aux);
  EXPECT_LE(s.srs_a, s.aux);
  EXPECT_LE(s.srs_b_g1, s.aux);
  EXPECT_LE(s.srs_b_g2, s.aux);
}

TEST(ScaleShape, RejectsScalesOutsideZeroOne) {
  for (double bad : {0.0, -0.5, 1.0000001, 2.0, std::numeric_limits<double>::quiet_NaN(),
                     std::numeric_limits<double>::infinity()}) {
    EXPECT_THROW(scale_shape(FullScaleShape{}, bad), std::invalid_argument) << bad;
  }
}

TEST(ScaleShape, RejectsSrsLargerThanAux) {
  FullScaleShape full;
  full.srs_a = full.aux + 1;
  try {
    scale_shape(full, 0.5);
    FAIL() << "expected std::invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("srs_a"), std::string::npos) << e.what();
  }
}

TEST(ScaleShape, RejectsSizesBeyondU32) {
  FullScaleShape full;
  full.nnz_a = std::uint64_t{1} << 40;
  EXPECT_THROW(scale_shape(full, 1.0), std::invalid_argument);
}

TEST(ShapeBytes, AddsUpTheBuffers) {
  const PartitionShape s = scale_shape(FullScaleShape{}, 1e-4);
  const ShapeBytes b = shape_bytes(s);
  EXPECT_EQ(b.abc, 3ull * s.constraints * 32);
  EXPECT_EQ(b.aux, std::uint64_t{s.aux} * 32);
  EXPECT_EQ(b.witness, std::uint64_t{s.witness_len()} * 32);
  EXPECT_EQ(b.gpu_staging, 3 * s.domain_size() * 32);
  EXPECT_EQ(b.density, 2 * ((std::uint64_t{s.aux} + 63) / 64) * 8);
  EXPECT_EQ(b.csr_shared, 3 * (std::uint64_t{s.constraints} + 1) * 4 + (s.nnz_a + s.nnz_b + s.nnz_c) * 36);
}

}  // namespace
}  // namespace zkc::workloads
