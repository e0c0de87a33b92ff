// Synthesis steps: witness classes and values, the unified witness, the three products with the
// I3 throttle check, and the density bitmaps.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "kernels/spmv/spmv.hpp"
#include "tests/support/random_fr.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::workloads {
namespace {

using test_support::random_fr_vector;

struct Witness {
  std::vector<Fr> inputs, aux;
};

Witness make_witness(const WitnessParams& p, std::uint64_t partition_seed, std::size_t inputs, std::size_t aux) {
  Witness w{std::vector<Fr>(inputs), std::vector<Fr>(aux)};
  generate_witness(p, partition_seed, w.inputs, w.aux);
  return w;
}

// ---- witness generation ----

TEST(Witness, ClassSharesMatchTheFractions) {
  const WitnessParams p{.one_fraction = 0.3, .tail_fraction = 0.2, .muls_per_var = 8, .seed = 5};
  constexpr std::size_t kN = 100'000;
  std::size_t ones = 0, tail = 0;
  for (std::size_t i = 0; i < kN; ++i) {
    const WitnessClass c = witness_class(p, 3, i);
    ones += c == WitnessClass::kOne ? 1 : 0;
    tail += c == WitnessClass::kTail ? 1 : 0;
  }
  // One standard deviation is ~0.0015 here; 0.01 is more than six.
  EXPECT_NEAR(static_cast<double>(ones) / kN, 0.3, 0.01);
  EXPECT_NEAR(static_cast<double>(tail) / kN, 0.2, 0.01);
  EXPECT_NEAR(static_cast<double>(kN - ones - tail) / kN, 0.5, 0.01);
}

TEST(Witness, ValuesFollowTheirClasses) {
  const WitnessParams p{.one_fraction = 0.25, .tail_fraction = 0.25, .muls_per_var = 8, .seed = 1};
  const Witness w = make_witness(p, 9, 4, 100'000);
  std::size_t mismatches = 0;
  for (std::size_t i = 0; i < w.aux.size(); ++i) {
    const Fr& v = w.aux[i];
    switch (witness_class(p, 9, i)) {
      case WitnessClass::kZero: mismatches += v.is_zero() ? 0 : 1; break;
      case WitnessClass::kOne: mismatches += v.is_one() ? 0 : 1; break;
      case WitnessClass::kTail: mismatches += (v.is_zero() || v.is_one()) ? 1 : 0; break;
    }
  }
  EXPECT_EQ(mismatches, 0u);
}

TEST(Witness, TailValuesComeFromRealArithmetic) {
  const WitnessParams p{.one_fraction = 0, .tail_fraction = 1, .muls_per_var = 3, .seed = 2};
  const Witness w = make_witness(p, 1, 1, 5000);
  std::set<Fr::Limbs> distinct;
  for (const Fr& v : w.aux) distinct.insert(v.to_canonical());
  EXPECT_EQ(distinct.size(), w.aux.size()) << "a pseudo-random chain does not repeat";
  WitnessParams more = p;
  more.muls_per_var = 4;
  const Witness w4 = make_witness(more, 1, 1, 5000);
  EXPECT_FALSE(w.aux[10] == w4.aux[10]) << "the multiplication count changes the values";
}

TEST(Witness, APositiveControlsExtraWorkLeavesTheValuesAsTheyWere) {
  const WitnessParams p{.one_fraction = 0.25, .tail_fraction = 0.5, .muls_per_var = 3, .seed = 2};
  WitnessParams extra = p;
  extra.extra_muls = 100'000;
  const Witness a = make_witness(p, 6, 2, 5000);
  const Witness b = make_witness(extra, 6, 2, 5000);
  EXPECT_TRUE(a.inputs == b.inputs);
  EXPECT_TRUE(a.aux == b.aux);
}

TEST(Witness, DeterministicPerSeedAndPartition) {
  const WitnessParams p;
  const Witness x = make_witness(p, 4, 8, 20'000);
  const Witness y = make_witness(p, 4, 8, 20'000);
  const Witness z = make_witness(p, 5, 8, 20'000);
  EXPECT_TRUE(x.inputs == y.inputs);
  EXPECT_TRUE(x.aux == y.aux);
  EXPECT_FALSE(x.aux == z.aux);
  std::size_t class_diffs = 0;
  for (std::size_t i = 0; i < 1000; ++i) class_diffs += witness_class(p, 4, i) != witness_class(p, 5, i) ? 1 : 0;
  EXPECT_GT(class_diffs, 100u) << "partitions get different class mixes";
}

TEST(Witness, FirstInputIsTheConstantOne) {
  const Witness w = make_witness(WitnessParams{}, 1, 328, 10);
  EXPECT_TRUE(w.inputs[0].is_one());
  std::set<Fr::Limbs> distinct;
  for (const Fr& v : w.inputs) distinct.insert(v.to_canonical());
  EXPECT_EQ(distinct.size(), w.inputs.size());
  const Witness single = make_witness(WitnessParams{}, 1, 1, 0);
  EXPECT_TRUE(single.inputs[0].is_one());
}

void expect_invalid(const WitnessParams& p, std::size_t inputs, const std::string& mention) {
  std::vector<Fr> in(inputs), aux(10);
  try {
    generate_witness(p, 1, in, aux);
    ADD_FAILURE() << "expected std::invalid_argument mentioning " << mention;
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find(mention), std::string::npos) << e.what();
  }
}

TEST(Witness, RejectsBadParameters) {
  expect_invalid(WitnessParams{}, 0, "inputs");
  expect_invalid({.one_fraction = -0.1}, 1, "one_fraction");
  expect_invalid({.one_fraction = 1.5, .tail_fraction = 0}, 1, "one_fraction");
  expect_invalid({.one_fraction = std::numeric_limits<double>::quiet_NaN()}, 1, "one_fraction");
  expect_invalid({.tail_fraction = 2}, 1, "tail_fraction");
  expect_invalid({.one_fraction = 0.6, .tail_fraction = 0.6}, 1, "exceeds 1");
  expect_invalid({.muls_per_var = 0}, 1, "muls_per_var");
  std::vector<Fr> in(1), aux(10);
  EXPECT_NO_THROW(generate_witness({.one_fraction = 0.3, .tail_fraction = 0.7}, 1, in, aux));
}

// ---- unified witness ----

TEST(UnifyWitness, ConcatenatesInputsAndAux) {
  const auto inputs = random_fr_vector(3, 1);
  const auto aux = random_fr_vector(5, 2);
  std::vector<Fr> out(8);
  unify_witness(inputs, aux, out);
  EXPECT_TRUE(std::equal(inputs.begin(), inputs.end(), out.begin()));
  EXPECT_TRUE(std::equal(aux.begin(), aux.end(), out.begin() + 3));
  std::vector<Fr> wrong(7);
  EXPECT_THROW(unify_witness(inputs, aux, wrong), std::invalid_argument);
}

// ---- products ----

class Products : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shape_ = new PartitionShape(scale_shape(FullScaleShape{}, 1e-4));
    pce_ = new SharedPce(build_shared_pce(*shape_, PceParams{}, nullptr));
  }
  static void TearDownTestSuite() {
    delete pce_;
    delete shape_;
  }

  // Runs evaluate_products and checks the products against the naive reference.
  ProductStats run(const ThrottleCheck& throttle, std::size_t chunk_rows) {
    const auto w = random_fr_vector(shape_->witness_len(), 17);
    std::vector<Fr> a(shape_->constraints), b(shape_->constraints), c(shape_->constraints);
    const ProductStats stats = evaluate_products(*pce_, w, a, b, c, pool_, throttle, chunk_rows);
    std::vector<Fr> expected(shape_->constraints);
    spmv_reference(pce_->a.view(), w, expected);
    EXPECT_TRUE(a == expected) << "a = A w";
    spmv_reference(pce_->b.view(), w, expected);
    EXPECT_TRUE(b == expected) << "b = B w";
    spmv_reference(pce_->c.view(), w, expected);
    EXPECT_TRUE(c == expected) << "c = C w";
    return stats;
  }
  std::uint64_t chunks_per_product(std::size_t chunk_rows) const {
    return (shape_->constraints + chunk_rows - 1) / chunk_rows;
  }

  static PartitionShape* shape_;
  static SharedPce* pce_;
  ThreadPool pool_{"products-test", 2};
};
PartitionShape* Products::shape_ = nullptr;
SharedPce* Products::pce_ = nullptr;

TEST_F(Products, BaselineHasNoChecks) {
  const ProductStats s = run(ThrottleCheck{}, 512);
  EXPECT_EQ(s.chunks, 3 * chunks_per_product(512));
  EXPECT_EQ(s.checks, 0u);
  EXPECT_EQ(s.yields, 0u);
}

TEST_F(Products, SetFlagYieldsAtEveryCheck) {
  std::atomic<int> flag{1};
  const std::atomic<int>* flags[] = {&flag};
  const ProductStats s = run(ThrottleCheck{flags, 4}, 512);
  const std::uint64_t per_product = (chunks_per_product(512) + 3) / 4;  // chunks 0, 4, 8, ...
  EXPECT_GT(s.checks, 0u);
  EXPECT_EQ(s.checks, 3 * per_product);
  EXPECT_EQ(s.yields, s.checks);
  EXPECT_EQ(s.chunks, 3 * chunks_per_product(512));
}

TEST_F(Products, ClearFlagsAreCheckedButDoNotYield) {
  std::atomic<int> f0{0}, f1{0};
  const std::atomic<int>* flags[] = {&f0, &f1};
  const ProductStats s = run(ThrottleCheck{flags, 64}, 256);
  EXPECT_EQ(s.checks, 3 * ((chunks_per_product(256) + 63) / 64));
  EXPECT_EQ(s.yields, 0u);
}

TEST_F(Products, AnyDeviceFlagYields) {
  std::atomic<int> f0{0}, f1{2};
  const std::atomic<int>* flags[] = {&f0, &f1};
  const ProductStats s = run(ThrottleCheck{flags, 1}, 8192);
  EXPECT_EQ(s.checks, 3 * chunks_per_product(8192));
  EXPECT_EQ(s.yields, s.checks);
}

TEST_F(Products, RejectsBadArguments) {
  const auto w = random_fr_vector(shape_->witness_len(), 1);
  std::vector<Fr> a(shape_->constraints), b(shape_->constraints), c(shape_->constraints);
  EXPECT_THROW(evaluate_products(*pce_, w, a, b, c, pool_, {}, 0), std::invalid_argument);
  std::atomic<int> flag{0};
  const std::atomic<int>* flags[] = {&flag};
  EXPECT_THROW(evaluate_products(*pce_, w, a, b, c, pool_, {flags, 0}), std::invalid_argument);
  const std::atomic<int>* null_flags[] = {nullptr};
  EXPECT_THROW(evaluate_products(*pce_, w, a, b, c, pool_, {null_flags, 1}), std::invalid_argument);
  std::vector<Fr> short_c(shape_->constraints - 1);
  EXPECT_THROW(evaluate_products(*pce_, w, a, b, short_c, pool_, {}), std::invalid_argument);
}

// ---- density ----

std::size_t popcount(const std::vector<std::uint64_t>& bits) {
  std::size_t n = 0;
  for (auto w : bits) n += static_cast<std::size_t>(std::popcount(w));
  return n;
}
bool bit(const std::vector<std::uint64_t>& bits, std::uint64_t i) { return (bits[i / 64] >> (i % 64)) & 1; }

TEST(Density, SpreadsTheSectionsEvenlyOverAux) {
  const PartitionShape s = scale_shape(FullScaleShape{}, 1e-4);
  const std::size_t words = density_words(s.aux);
  EXPECT_EQ(words, (s.aux + 63) / 64);
  std::vector<std::uint64_t> a(words, ~std::uint64_t{0}), b(words, 0x5555);  // stale bits must go
  build_density(s, a, b);
  EXPECT_EQ(popcount(a), s.srs_a);
  EXPECT_EQ(popcount(b), s.srs_b_g2);
  for (std::uint64_t k = 0; k < s.srs_b_g2; ++k) ASSERT_TRUE(bit(b, k * s.aux / s.srs_b_g2)) << k;
  for (std::uint64_t k = 0; k < s.srs_a; ++k) ASSERT_TRUE(bit(a, k * s.aux / s.srs_a)) << k;
  for (std::uint64_t i = s.aux; i < words * 64; ++i) ASSERT_FALSE(bit(a, i)) << "bit past aux: " << i;
}

TEST(Density, FullSectionSetsEveryAuxBit) {
  PartitionShape s;
  s.aux = 100;
  s.srs_a = 100;
  s.srs_b_g2 = 1;
  std::vector<std::uint64_t> a(density_words(100)), b(density_words(100));
  ASSERT_EQ(a.size(), 2u);
  build_density(s, a, b);
  EXPECT_EQ(a[0], ~std::uint64_t{0});
  EXPECT_EQ(a[1], (std::uint64_t{1} << 36) - 1);
  EXPECT_EQ(b[0], 1u);
  EXPECT_EQ(b[1], 0u);
}

TEST(Density, RejectsShortBitmaps) {
  PartitionShape s;
  s.aux = 129;
  s.srs_a = 10;
  s.srs_b_g2 = 10;
  std::vector<std::uint64_t> ok(3), short_map(2);
  EXPECT_THROW(build_density(s, short_map, ok), std::invalid_argument);
  EXPECT_THROW(build_density(s, ok, short_map), std::invalid_argument);
  EXPECT_NO_THROW(build_density(s, ok, ok));
  s.srs_a = 130;
  EXPECT_THROW(build_density(s, ok, ok), std::invalid_argument);
}

}  // namespace
}  // namespace zkc::workloads
