// Elliptic-curve kernels: known generator values, group-order identities, agreement of every point
// form (affine / Jacobian / XYZZ) on random points and special cases, batch conversion and point
// generation. Typed over G1 and G2.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "kernels/curve/batch_affine.hpp"
#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/curve/scalar_mul.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"

namespace {

using namespace zkc;

// r, the subgroup order, little-endian.
constexpr std::array<std::uint64_t, 4> kR = {0xffffffff00000001ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                             0x73eda753299d7d48ULL};
constexpr std::array<std::uint64_t, 4> kRMinus1 = {0xffffffff00000000ULL, 0x53bda402fffe5bfeULL,
                                                   0x3339d80809a1d805ULL, 0x73eda753299d7d48ULL};

Fp hex(const char* h) {
  const auto v = Fp::from_hex(h);
  EXPECT_TRUE(v.has_value()) << h;
  return v.value_or(Fp::zero());
}

G2Affine g2_from_hex(const char* x0, const char* x1, const char* y0, const char* y1) {
  return {{hex(x0), hex(x1)}, {hex(y0), hex(y1)}, false};
}

template <class P>
class CurveTest : public ::testing::Test {
 protected:
  using AffineT = AffinePoint<P>;
  using JacT = JacobianPoint<P>;
  using XyzzT = XyzzPoint<P>;

  // A random subgroup point in affine form.
  AffineT random_point() { return scalar_mul(JacT::from_affine(AffineT::generator()), Fr::random(rng_)).to_affine(); }
  // The same point scaled into a non-trivial projective representation.
  JacT random_jacobian(const AffineT& a) {
    const auto l = P::Field::random(rng_);
    const auto l2 = l.square();
    return {a.x * l2, a.y * (l2 * l), l};
  }
  XyzzT random_xyzz(const AffineT& a) {
    const auto l = P::Field::random(rng_);
    const auto l2 = l.square();
    const auto l3 = l2 * l;
    return {a.x * l2, a.y * l3, l2, l3};
  }

  std::mt19937_64 rng_{42};
};

using Groups = ::testing::Types<G1Params, G2Params>;
TYPED_TEST_SUITE(CurveTest, Groups);

TEST(CurveKnownValues, G1Generator) {
  const auto g = G1Affine::generator();
  EXPECT_TRUE(g.is_on_curve());
  EXPECT_EQ(g.x, hex("17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb"));
  EXPECT_EQ(g.y, hex("08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1"));
}

TEST(CurveKnownValues, G2GeneratorAndDouble) {
  const auto g = G2Affine::generator();
  EXPECT_TRUE(g.is_on_curve());
  EXPECT_EQ(g, g2_from_hex(
                   "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8",
                   "13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e",
                   "0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801",
                   "0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be"));
  const G2Affine two = g2_from_hex(
      "1638533957d540a9d2370f17cc7ed5863bc0b995b8825e0ee1ea1e1e4d00dbae81f14b0bf3611b78c952aacab827a053",
      "0a4edef9c1ed7f729f520e47730a124fd70662a904ba1074728114d1031e1572c6c886f6b57ec72a6178288c47c33577",
      "0468fb440d82b0630aeb8dca2b5256789a66da69bf91009cbfe6bd221e47aa8ae88dece9764bf3bd999d95d71e4c9899",
      "0f6d4552fa65dd2638b361543f887136a43253d9c66c411697003f7a13c308f5422e1aa0a59c8967acdefd8b6e36ccf3");
  EXPECT_TRUE(two.is_on_curve());
  const auto gj = G2Jacobian::from_affine(g);
  const auto gx = G2Xyzz::from_affine(g);
  EXPECT_EQ(gj.dbl().to_affine(), two);
  EXPECT_EQ(gj.add(gj).to_affine(), two);
  EXPECT_EQ(gj.add_mixed(g).to_affine(), two);
  EXPECT_EQ(gx.dbl().to_affine(), two);
  EXPECT_EQ(gx.add(gx).to_affine(), two);
  EXPECT_EQ(gx.add_mixed(g).to_affine(), two);
  const std::uint64_t k2 = 2;
  EXPECT_EQ(scalar_mul(g, std::span<const std::uint64_t>(&k2, 1)), two);
  EXPECT_EQ(scalar_mul(gj, Fr::from_u64(2)).to_affine(), two);
  EXPECT_EQ(scalar_mul(gx, Fr::from_u64(2)).to_affine(), two);
}

TYPED_TEST(CurveTest, GroupOrder) {
  using Affine = typename TestFixture::AffineT;
  using Jac = typename TestFixture::JacT;
  using Xyzz = typename TestFixture::XyzzT;
  const auto g = Affine::generator();
  EXPECT_TRUE(scalar_mul(Jac::from_affine(g), std::span<const std::uint64_t>(kR)).is_identity());
  EXPECT_TRUE(scalar_mul(Xyzz::from_affine(g), std::span<const std::uint64_t>(kR)).is_identity());
  EXPECT_TRUE(scalar_mul(g, std::span<const std::uint64_t>(kR)).is_identity());
  EXPECT_EQ(scalar_mul(Jac::from_affine(g), std::span<const std::uint64_t>(kRMinus1)).to_affine(), g.neg());
  EXPECT_EQ(scalar_mul(Xyzz::from_affine(g), std::span<const std::uint64_t>(kRMinus1)).to_affine(), g.neg());
  EXPECT_EQ(scalar_mul(Jac::from_affine(g), -Fr::one()).to_affine(), g.neg());
  EXPECT_TRUE(scalar_mul(Jac::from_affine(g), Fr::zero()).is_identity());
}

TYPED_TEST(CurveTest, ScalarMulIsLinear) {
  using Affine = typename TestFixture::AffineT;
  using Jac = typename TestFixture::JacT;
  const auto g = Jac::from_affine(Affine::generator());
  for (int i = 0; i < 4; ++i) {
    const Fr a = Fr::random(this->rng_);
    const Fr b = Fr::random(this->rng_);
    EXPECT_EQ(scalar_mul(g, a).add(scalar_mul(g, b)), scalar_mul(g, a + b));
    EXPECT_EQ(scalar_mul(scalar_mul(g, a), b), scalar_mul(g, a * b));
  }
}

TYPED_TEST(CurveTest, FormsAgreeOnRandomPoints) {
  using Affine = typename TestFixture::AffineT;
  for (int i = 0; i < 16; ++i) {
    const Affine p = this->random_point();
    const Affine q = this->random_point();
    ASSERT_TRUE(p.is_on_curve());
    const auto pj = this->random_jacobian(p);
    const auto qj = this->random_jacobian(q);
    const auto px = this->random_xyzz(p);
    const auto qx = this->random_xyzz(q);
    ASSERT_TRUE(pj.is_on_curve());
    ASSERT_TRUE(px.is_on_curve());
    EXPECT_EQ(pj.to_affine(), p);
    EXPECT_EQ(px.to_affine(), p);
    EXPECT_EQ(px.to_jacobian(), pj);

    const Affine sum = pj.add(qj).to_affine();
    EXPECT_TRUE(sum.is_on_curve());
    EXPECT_EQ(pj.add_mixed(q).to_affine(), sum);
    EXPECT_EQ(qj.add_mixed(p).to_affine(), sum);
    EXPECT_EQ(px.add(qx).to_affine(), sum);
    EXPECT_EQ(px.add_mixed(q).to_affine(), sum);
    EXPECT_EQ(qx.add_mixed(p).to_affine(), sum);
    EXPECT_TRUE(px.add(qx).is_on_curve());
    EXPECT_TRUE(px.add_mixed(q).is_on_curve());

    const Affine twice = pj.dbl().to_affine();
    EXPECT_EQ(px.dbl().to_affine(), twice);
    EXPECT_TRUE(px.dbl().is_on_curve());
    EXPECT_EQ(pj.add(pj.dbl()).to_affine(), px.add(px.dbl()).to_affine());

    EXPECT_EQ(pj.neg().to_affine(), p.neg());
    EXPECT_EQ(px.neg().to_affine(), p.neg());
    EXPECT_EQ(pj, this->random_jacobian(p));
    EXPECT_EQ(px, this->random_xyzz(p));
    EXPECT_FALSE(pj == qj);
    EXPECT_FALSE(px == qx);
  }
}

TYPED_TEST(CurveTest, SpecialCases) {
  using Affine = typename TestFixture::AffineT;
  using Jac = typename TestFixture::JacT;
  using Xyzz = typename TestFixture::XyzzT;
  const Affine p = this->random_point();
  const auto pj = this->random_jacobian(p);
  const auto pj2 = this->random_jacobian(p);  // same point, different representation
  const auto px = this->random_xyzz(p);
  const auto px2 = this->random_xyzz(p);
  const Affine twice = pj.dbl().to_affine();
  const Affine id = Affine::identity();

  EXPECT_TRUE(id.is_on_curve());
  EXPECT_EQ(id.neg(), id);
  EXPECT_FALSE(p == id);
  // P + P doubles.
  EXPECT_EQ(pj.add(pj2).to_affine(), twice);
  EXPECT_EQ(pj.add_mixed(p).to_affine(), twice);
  EXPECT_EQ(px.add(px2).to_affine(), twice);
  EXPECT_EQ(px.add_mixed(p).to_affine(), twice);
  // P + (-P) is the identity.
  EXPECT_TRUE(pj.add(pj2.neg()).is_identity());
  EXPECT_TRUE(pj.add_mixed(p.neg()).is_identity());
  EXPECT_TRUE(px.add(px2.neg()).is_identity());
  EXPECT_TRUE(px.add_mixed(p.neg()).is_identity());
  // Identity operands.
  EXPECT_EQ(Jac::identity().add(pj), pj);
  EXPECT_EQ(pj.add(Jac::identity()), pj);
  EXPECT_EQ(Jac::identity().add_mixed(p).to_affine(), p);
  EXPECT_EQ(pj.add_mixed(id), pj);
  EXPECT_TRUE(Jac::identity().dbl().is_identity());
  EXPECT_TRUE(Jac::identity().add_mixed(id).is_identity());
  EXPECT_EQ(Xyzz::identity().add(px), px);
  EXPECT_EQ(px.add(Xyzz::identity()), px);
  EXPECT_EQ(Xyzz::identity().add_mixed(p).to_affine(), p);
  EXPECT_EQ(px.add_mixed(id), px);
  EXPECT_TRUE(Xyzz::identity().dbl().is_identity());
  EXPECT_TRUE(Xyzz::identity().neg().is_identity());
  EXPECT_TRUE(Jac::identity().is_on_curve());
  EXPECT_TRUE(Xyzz::identity().is_on_curve());
  EXPECT_TRUE(Jac::identity().to_affine().is_identity());
  EXPECT_TRUE(Xyzz::identity().to_affine().is_identity());
  EXPECT_TRUE(Xyzz::identity().to_jacobian().is_identity());
  EXPECT_TRUE(Jac::from_affine(id).is_identity());
  EXPECT_TRUE(Xyzz::from_affine(id).is_identity());
  EXPECT_EQ(Jac::identity(), Jac::identity());
  EXPECT_FALSE(Jac::identity() == pj);
  EXPECT_FALSE(px == Xyzz::identity());
  // A point off the curve is detected.
  Affine bad = p;
  bad.y = bad.y + Affine::Field::one();
  EXPECT_FALSE(bad.is_on_curve());
}

TYPED_TEST(CurveTest, BatchToAffineMatchesPerPoint) {
  using Affine = typename TestFixture::AffineT;
  using Jac = typename TestFixture::JacT;
  using Xyzz = typename TestFixture::XyzzT;
  std::vector<Jac> jac;
  std::vector<Xyzz> xyzz;
  for (int i = 0; i < 20; ++i) {
    if (i % 7 == 0) {
      jac.push_back(Jac::identity());
      xyzz.push_back(Xyzz::identity());
    } else {
      const Affine p = this->random_point();
      jac.push_back(this->random_jacobian(p));
      xyzz.push_back(this->random_xyzz(p));
    }
  }
  std::vector<Affine> out_j(jac.size());
  std::vector<Affine> out_x(xyzz.size());
  batch_to_affine<Jac>(jac, out_j);
  batch_to_affine<Xyzz>(xyzz, out_x);
  for (std::size_t i = 0; i < jac.size(); ++i) {
    EXPECT_EQ(out_j[i], jac[i].to_affine()) << i;
    EXPECT_EQ(out_x[i], xyzz[i].to_affine()) << i;
  }
  std::vector<Affine> empty;
  batch_to_affine<Jac>(std::span<const Jac>(), empty);
  std::vector<Affine> wrong(3);
  EXPECT_THROW(batch_to_affine<Jac>(jac, wrong), std::invalid_argument);
}

TYPED_TEST(CurveTest, GeneratedPointsAreInSubgroupAndDeterministic) {
  using Affine = typename TestFixture::AffineT;
  ThreadPool pool("gen", 3);
  const std::size_t n = 9000;  // several chunks
  const auto a = generate_points<TypeParam>(n, 7, nullptr);
  const auto b = generate_points<TypeParam>(n, 7, &pool);
  ASSERT_EQ(a.size(), n);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, generate_points<TypeParam>(n, 8, nullptr));
  for (const Affine& p : a) {
    ASSERT_FALSE(p.is_identity());
    ASSERT_TRUE(p.is_on_curve());
  }
  for (std::size_t i : {std::size_t{0}, std::size_t{1}, std::size_t{4096}, n - 1}) {
    EXPECT_TRUE(scalar_mul(a[i], std::span<const std::uint64_t>(kR)).is_identity()) << i;
  }
  EXPECT_NE(a[0], a[1]);
  EXPECT_TRUE(generate_points<TypeParam>(0, 7, &pool).empty());
}

}  // namespace
