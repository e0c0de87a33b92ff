// The CPU side of a partition's proof: split vectors sized for the shape, prep_msm's bitmaps and
// tail copies checked entry by entry against the witness classes and the SRS, and b_g2_msm against
// a naive sum of scalar multiplications.
#include <gtest/gtest.h>

#include <cstring>

#include <bit>
#include <cstdint>
#include <stdexcept>
#include <vector>

#include "kernels/curve/g2.hpp"
#include "kernels/curve/scalar_mul.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "workloads/prover/prep_msm.hpp"
#include "workloads/prover/split_vectors.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/srs/pinned_srs.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::workloads {
namespace {

constexpr std::uint64_t kPartition = 3;

// One partition's inputs to prep_msm: witness, densities and SRS for `shape`.
struct Partition {
  PartitionShape shape;
  WitnessParams params;
  std::vector<Fr> inputs, aux;
  std::vector<std::uint64_t> a_density, b_density;
  PinnedSrs srs;

  explicit Partition(const PartitionShape& s, const WitnessParams& p = {})
      : shape(s), params(p), inputs(s.inputs), aux(s.aux), a_density(density_words(s.aux)),
        b_density(density_words(s.aux)), srs(PinnedSrs::build(s, 21, nullptr)) {
    generate_witness(params, kPartition, inputs, aux);
    build_density(shape, a_density, b_density);
  }
};

bool bit(std::span<const std::uint64_t> bits, std::size_t i) { return (bits[i / 64] >> (i % 64)) & 1; }

TEST(SplitVectors, SizedForTheShape) {
  const PartitionShape s = scale_shape(FullScaleShape{}, 1e-4);
  SplitVectors v = allocate_split_vectors(s);
  EXPECT_EQ(v.one_bits.size(), density_words(s.aux));
  EXPECT_EQ(v.tail_bits.size(), density_words(s.aux));
  EXPECT_EQ(v.a_tail_scalars.size(), s.srs_a);
  EXPECT_EQ(v.a_tail_bases.size(), s.srs_a);
  EXPECT_EQ(v.b_tail_scalars.size(), s.srs_b_g2);
  EXPECT_EQ(v.b_g1_tail_bases.size(), s.srs_b_g2);
  EXPECT_EQ(v.b_g2_tail_bases.size(), s.srs_b_g2);
  EXPECT_EQ(v.a_tail_count, 0u);
  EXPECT_EQ(v.bytes(), shape_bytes(s).split_vectors) << "the memory estimate counts the same bytes";
  v.a_tail_count = 5;
  v.release();
  EXPECT_EQ(v.bytes(), 0u);
  EXPECT_EQ(v.a_tail_count, 0u);
  EXPECT_EQ(v.b_g2_tail_bases.data(), nullptr);
  EXPECT_NO_THROW(v.release());
}

class PrepMsm : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { part_ = new Partition(scale_shape(FullScaleShape{}, 1e-4)); }
  static void TearDownTestSuite() { delete part_; }
  static Partition* part_;
};
Partition* PrepMsm::part_ = nullptr;

TEST_F(PrepMsm, BitmapsAndCountsFollowTheWitnessClasses) {
  const Partition& p = *part_;
  SplitVectors out = allocate_split_vectors(p.shape);
  const PrepStats stats = prep_msm(p.shape, p.srs, p.aux, p.a_density, p.b_density, out);
  std::size_t ones = 0, tail = 0, a_tail = 0, b_tail = 0;
  for (std::size_t i = 0; i < p.aux.size(); ++i) {
    const WitnessClass c = witness_class(p.params, kPartition, i);
    ones += c == WitnessClass::kOne;
    tail += c == WitnessClass::kTail;
    a_tail += c == WitnessClass::kTail && bit(p.a_density, i);
    b_tail += c == WitnessClass::kTail && bit(p.b_density, i);
    ASSERT_EQ(bit(out.one_bits.span(), i), c == WitnessClass::kOne) << i;
    ASSERT_EQ(bit(out.tail_bits.span(), i), c == WitnessClass::kTail) << i;
  }
  EXPECT_GT(tail, 0u);
  EXPECT_EQ(stats.ones, ones);
  EXPECT_EQ(stats.tail, tail);
  EXPECT_EQ(stats.a_tail, a_tail);
  EXPECT_EQ(stats.b_tail, b_tail);
  EXPECT_EQ(out.a_tail_count, a_tail);
  EXPECT_EQ(out.b_tail_count, b_tail);
}

// The balance fit sizes prep_msm by its passes: the work repeats (a fractional part over a prefix
// first), the outputs stay exactly those of one pass.
TEST_F(PrepMsm, MorePassesLeaveTheSameOutputs) {
  const Partition& p = *part_;
  SplitVectors one = allocate_split_vectors(p.shape), many = allocate_split_vectors(p.shape);
  const PrepStats s1 = prep_msm(p.shape, p.srs, p.aux, p.a_density, p.b_density, one);
  const PrepStats s3 = prep_msm(p.shape, p.srs, p.aux, p.a_density, p.b_density, many, 2.6);
  EXPECT_EQ(s1.tail, s3.tail);
  EXPECT_EQ(s1.b_tail, s3.b_tail);
  ASSERT_EQ(one.a_tail_count, many.a_tail_count);
  ASSERT_EQ(one.b_tail_count, many.b_tail_count);
  EXPECT_EQ(std::memcmp(one.one_bits.data(), many.one_bits.data(), one.one_bits.bytes()), 0);
  EXPECT_EQ(std::memcmp(one.tail_bits.data(), many.tail_bits.data(), one.tail_bits.bytes()), 0);
  EXPECT_EQ(std::memcmp(one.a_tail_scalars.data(), many.a_tail_scalars.data(), one.a_tail_count * sizeof(Scalar256)), 0);
  EXPECT_EQ(std::memcmp(one.b_g2_tail_bases.data(), many.b_g2_tail_bases.data(), one.b_tail_count * sizeof(G2Affine)), 0);
  EXPECT_THROW(prep_msm(p.shape, p.srs, p.aux, p.a_density, p.b_density, many, 0.5), std::invalid_argument);
}

TEST_F(PrepMsm, CopiesTailScalarsAndTheirBases) {
  const Partition& p = *part_;
  SplitVectors out = allocate_split_vectors(p.shape);
  prep_msm(p.shape, p.srs, p.aux, p.a_density, p.b_density, out);
  // Walk the densities in variable order: the k-th member has SRS base k.
  std::size_t ka = 0, kb = 0, na = 0, nb = 0;
  for (std::size_t i = 0; i < p.aux.size(); ++i) {
    const bool is_tail = !p.aux[i].is_zero() && !p.aux[i].is_one();
    if (bit(p.a_density, i)) {
      if (is_tail) {
        ASSERT_LT(na, out.a_tail_count);
        ASSERT_EQ(out.a_tail_scalars[na], p.aux[i].to_canonical()) << i;
        ASSERT_EQ(out.a_tail_bases[na], p.srs.a()[ka]) << i;
        ++na;
      }
      ++ka;
    }
    if (bit(p.b_density, i)) {
      if (is_tail) {
        ASSERT_LT(nb, out.b_tail_count);
        ASSERT_EQ(out.b_tail_scalars[nb], p.aux[i].to_canonical()) << i;
        ASSERT_EQ(out.b_g2_tail_bases[nb], p.srs.b_g2()[kb]) << i;
        ASSERT_EQ(out.b_g1_tail_bases[nb], p.srs.b_g1()[kb % p.srs.b_g1().size()]) << i;
        ++nb;
      }
      ++kb;
    }
  }
  EXPECT_EQ(na, out.a_tail_count);
  EXPECT_EQ(nb, out.b_tail_count);
  EXPECT_EQ(ka, p.shape.srs_a);
  EXPECT_EQ(kb, p.shape.srs_b_g2);
}

TEST_F(PrepMsm, RejectsMismatchedInputs) {
  const Partition& p = *part_;
  SplitVectors out = allocate_split_vectors(p.shape);
  const std::span<const Fr> short_aux(p.aux.data(), p.aux.size() - 1);
  EXPECT_THROW(prep_msm(p.shape, p.srs, short_aux, p.a_density, p.b_density, out), std::invalid_argument);
  const std::span<const std::uint64_t> short_density(p.a_density.data(), p.a_density.size() - 1);
  EXPECT_THROW(prep_msm(p.shape, p.srs, p.aux, short_density, p.b_density, out), std::invalid_argument);
  EXPECT_THROW(prep_msm(p.shape, p.srs, p.aux, p.a_density, short_density, out), std::invalid_argument);
  SplitVectors empty;
  EXPECT_THROW(prep_msm(p.shape, p.srs, p.aux, p.a_density, p.b_density, empty), std::invalid_argument);
  // A density with more members than the SRS section has bases.
  std::vector<std::uint64_t> dense(p.a_density.size(), ~std::uint64_t{0});
  EXPECT_THROW(prep_msm(p.shape, p.srs, p.aux, dense, p.b_density, out), std::invalid_argument);
}

// b_g2_msm over a small partition (~50 tail points) against sum_i [s_i] B_i.
// A 400-variable partition whose B tail (a few dozen points) a naive sum can check.
PartitionShape small_shape() {
  PartitionShape s;
  s.constraints = 400;
  s.inputs = 2;
  s.aux = 400;
  s.domain_log2 = 9;
  s.srs_h = s.srs_l = s.srs_a = 400;
  s.srs_b_g1 = s.srs_b_g2 = 200;
  return s;
}

TEST(BG2Msm, EqualsTheNaiveSum) {
  const PartitionShape s = small_shape();
  const Partition p(s);
  SplitVectors out = allocate_split_vectors(s);
  prep_msm(s, p.srs, p.aux, p.a_density, p.b_density, out);
  ASSERT_GT(out.b_tail_count, 20u);
  ASSERT_LT(out.b_tail_count, 100u);

  G2Jacobian naive;
  for (std::size_t i = 0; i < out.b_tail_count; ++i) {
    naive.add_inplace(scalar_mul(G2Jacobian::from_affine(out.b_g2_tail_bases[i]),
                                 std::span<const std::uint64_t>(out.b_tail_scalars[i])));
  }
  for (unsigned threads : {1u, 2u}) {
    ThreadPool pool("bg2-test", threads);
    MsmPlan plan;
    const G2Jacobian got = b_g2_msm(out, pool, &plan);
    EXPECT_EQ(plan.points, out.b_tail_count);
    EXPECT_TRUE(got.to_affine() == naive.to_affine()) << threads << " threads";
    EXPECT_FALSE(got.is_identity());
  }
}

// The balance fit's b_g2 size: only the first max_points tail points are summed.
TEST(BG2Msm, MaxPointsSumsAPrefixOfTheTail) {
  const PartitionShape s = small_shape();
  const Partition p(s);
  SplitVectors out = allocate_split_vectors(s);
  prep_msm(s, p.srs, p.aux, p.a_density, p.b_density, out);
  ASSERT_GT(out.b_tail_count, 10u);
  G2Jacobian naive;
  for (std::size_t i = 0; i < 10; ++i) {
    naive.add_inplace(scalar_mul(G2Jacobian::from_affine(out.b_g2_tail_bases[i]),
                                 std::span<const std::uint64_t>(out.b_tail_scalars[i])));
  }
  ThreadPool pool("bg2-test", 2);
  MsmPlan plan;
  EXPECT_TRUE(b_g2_msm(out, pool, &plan, 10).to_affine() == naive.to_affine());
  EXPECT_EQ(plan.points, 10u);
  b_g2_msm(out, pool, &plan, out.b_tail_count + 100);  // more than the tail: the whole tail
  EXPECT_EQ(plan.points, out.b_tail_count);
}

TEST(BG2Msm, EmptyTailIsTheIdentity) {
  PartitionShape s;
  s.aux = 64;
  s.srs_a = s.srs_b_g2 = 8;
  SplitVectors out = allocate_split_vectors(s);
  ThreadPool pool("bg2-empty", 1);
  EXPECT_TRUE(b_g2_msm(out, pool).is_identity());
  out.b_tail_count = 9;  // beyond the arrays
  EXPECT_THROW(b_g2_msm(out, pool), std::invalid_argument);
}

}  // namespace
}  // namespace zkc::workloads
