// Fr, Fp and Fp2 arithmetic against GMP (mpz_class mod m on the canonical values) as an
// independent reference, on random inputs plus edge values, for both multiplication paths.
#include <gmpxx.h>
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "kernels/field/fp.hpp"
#include "kernels/field/fp2.hpp"
#include "kernels/field/fr.hpp"

namespace {

using zkc::Fp;
using zkc::Fp2;
using zkc::Fr;
using zkc::field::MulPath;

constexpr int kRandomCases = 2000;

template <std::size_t N>
mpz_class to_mpz(const std::array<std::uint64_t, N>& l) {
  mpz_class v;
  mpz_import(v.get_mpz_t(), N, -1, sizeof(std::uint64_t), 0, 0, l.data());
  return v;
}

template <class F>
mpz_class modulus_mpz() {
  return to_mpz(F::modulus());
}

template <class F>
mpz_class val(const F& x) {
  return to_mpz(x.to_canonical());
}

template <class F>
F from_mpz(const mpz_class& v) {
  typename F::Limbs l{};
  size_t count = 0;
  mpz_export(l.data(), &count, -1, sizeof(std::uint64_t), 0, 0, v.get_mpz_t());
  EXPECT_LE(count, F::kLimbs);
  const auto r = F::from_canonical(l);
  EXPECT_TRUE(r.has_value());
  return r.value_or(F::zero());
}

template <class F>
mpz_class mod(const mpz_class& v) {
  const mpz_class m = modulus_mpz<F>();
  mpz_class r = v % m;
  if (r < 0) r += m;
  return r;
}

// 0, 1, 2, m-1, m-2, (m-1)/2, and values whose limbs are all ones wherever that stays below m.
template <class F>
std::vector<F> edge_values() {
  const mpz_class m = modulus_mpz<F>();
  std::vector<mpz_class> v = {0, 1, 2, m - 1, m - 2, (m - 1) / 2, (m + 1) / 2};
  typename F::Limbs ones;
  ones.fill(~std::uint64_t{0});
  ones[F::kLimbs - 1] = F::modulus()[F::kLimbs - 1] - 1;
  v.push_back(to_mpz(ones));
  for (std::size_t i = 0; i < F::kLimbs; ++i) {
    typename F::Limbs one_limb{};
    one_limb[i] = i + 1 == F::kLimbs ? F::modulus()[i] - 1 : ~std::uint64_t{0};
    v.push_back(to_mpz(one_limb));
  }
  v.push_back(m - mpz_class("18446744073709551616"));  // m - 2^64
  std::vector<F> out;
  for (const auto& x : v) out.push_back(from_mpz<F>(x));
  return out;
}

template <class F>
std::vector<F> test_values(std::uint64_t seed) {
  std::vector<F> out = edge_values<F>();
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kRandomCases; ++i) out.push_back(F::random(rng));
  return out;
}

template <class F>
class FieldTest : public ::testing::Test {};
using FieldTypes = ::testing::Types<Fr, Fp>;
class FieldNames {
 public:
  template <class T>
  static std::string GetName(int) {
    return T::name();
  }
};
TYPED_TEST_SUITE(FieldTest, FieldTypes, FieldNames);

TYPED_TEST(FieldTest, EdgeValuesRoundTrip) {
  using F = TypeParam;
  const mpz_class m = modulus_mpz<F>();
  for (const F& x : edge_values<F>()) EXPECT_LT(val(x), m);
  EXPECT_EQ(val(F::zero()), 0);
  EXPECT_EQ(val(F::one()), 1);
  EXPECT_TRUE(F::one().is_one());
  EXPECT_TRUE(F::zero().is_zero());
  EXPECT_EQ(val(F::from_u64(12345)), 12345);
  EXPECT_EQ(to_mpz(F::one().montgomery_limbs()), mpz_class(mpz_class(1) << (64 * F::kLimbs)) % m);
}

TYPED_TEST(FieldTest, AddSubNegDblMatchGmp) {
  using F = TypeParam;
  const auto xs = test_values<F>(11);
  const auto ys = test_values<F>(12);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    for (std::size_t j : {i, (i * 7 + 3) % ys.size(), (i + 1) % ys.size()}) {
      const F& a = xs[i];
      const F& b = ys[j];
      const mpz_class A = val(a), B = val(b);
      ASSERT_EQ(val(a + b), mod<F>(A + B)) << a.to_hex() << " + " << b.to_hex();
      ASSERT_EQ(val(a - b), mod<F>(A - B)) << a.to_hex() << " - " << b.to_hex();
      ASSERT_EQ(val(b - a), mod<F>(B - A));
    }
    const F& a = xs[i];
    ASSERT_EQ(val(-a), mod<F>(-val(a))) << a.to_hex();
    ASSERT_EQ(val(a.dbl()), mod<F>(2 * val(a))) << a.to_hex();
    F c = a;
    c += xs[(i + 5) % xs.size()];
    ASSERT_EQ(c, a + xs[(i + 5) % xs.size()]);
    c -= a;
    ASSERT_EQ(c, xs[(i + 5) % xs.size()]);
  }
}

template <class F, MulPath Path>
void check_mul_path(std::uint64_t seed) {
  const auto xs = test_values<F>(seed);
  const auto ys = test_values<F>(seed + 1);
  // Every edge value against every edge value, then the random ones pairwise.
  const auto edges = edge_values<F>();
  for (const F& a : edges) {
    for (const F& b : edges) {
      const F p = F::template mul_with<Path>(a, b);
      ASSERT_EQ(val(p), mod<F>(val(a) * val(b))) << a.to_hex() << " * " << b.to_hex();
    }
  }
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const F& a = xs[i];
    const F& b = ys[(i * 13 + 1) % ys.size()];
    const F p = F::template mul_with<Path>(a, b);
    ASSERT_EQ(val(p), mod<F>(val(a) * val(b))) << a.to_hex() << " * " << b.to_hex();
    // Montgomery words are fully reduced, not merely congruent.
    ASSERT_LT(to_mpz(p.montgomery_limbs()), modulus_mpz<F>());
  }
}

TYPED_TEST(FieldTest, MulPortableMatchesGmp) { check_mul_path<TypeParam, MulPath::kPortable>(21); }

TYPED_TEST(FieldTest, MulAdxMatchesGmp) {
  if (!zkc::field::kAdxAvailable) {
    GTEST_SKIP() << "the build target lacks BMI2/ADX (e.g. ZKC_NATIVE=OFF): ADX path not compiled";
  }
  check_mul_path<TypeParam, MulPath::kAdx>(22);
}

TYPED_TEST(FieldTest, MulPathsAgree) {
  using F = TypeParam;
  if (!zkc::field::kAdxAvailable) GTEST_SKIP() << "ADX path not compiled for this target";
  // Also on raw Montgomery words near the top of the range, where carries are longest.
  std::mt19937_64 rng(23);
  for (int i = 0; i < 5000; ++i) {
    const F a = F::random(rng), b = F::random(rng);
    ASSERT_EQ(F::template mul_with<MulPath::kPortable>(a, b), F::template mul_with<MulPath::kAdx>(a, b));
  }
  const auto edges = edge_values<F>();
  for (const F& a : edges) {
    for (const F& b : edges) {
      ASSERT_EQ(F::template mul_with<MulPath::kPortable>(a, b), F::template mul_with<MulPath::kAdx>(a, b));
    }
  }
}

TYPED_TEST(FieldTest, MulOperatorAndSquareMatchGmp) {
  using F = TypeParam;
  const auto xs = test_values<F>(31);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const F& a = xs[i];
    const F& b = xs[(i * 5 + 2) % xs.size()];
    ASSERT_EQ(val(a * b), mod<F>(val(a) * val(b)));
    ASSERT_EQ(val(a.square()), mod<F>(val(a) * val(a))) << a.to_hex();
    F c = a;
    c *= b;
    ASSERT_EQ(c, a * b);
  }
}

TYPED_TEST(FieldTest, PowMatchesGmp) {
  using F = TypeParam;
  const mpz_class m = modulus_mpz<F>();
  std::mt19937_64 rng(41);
  const auto xs = test_values<F>(42);
  for (std::size_t i = 0; i < xs.size(); i += 7) {
    const std::uint64_t e = i == 0 ? 0 : rng() >> (i % 64);
    mpz_class expect;
    mpz_class base = val(xs[i]), ez = to_mpz(std::array<std::uint64_t, 1>{e});
    mpz_powm(expect.get_mpz_t(), base.get_mpz_t(), ez.get_mpz_t(), m.get_mpz_t());
    ASSERT_EQ(val(xs[i].pow(e)), expect) << xs[i].to_hex() << "^" << e;
    std::array<std::uint64_t, 3> big = {rng(), rng(), rng() >> 3};
    const mpz_class bz = to_mpz(big);
    mpz_powm(expect.get_mpz_t(), base.get_mpz_t(), bz.get_mpz_t(), m.get_mpz_t());
    ASSERT_EQ(val(xs[i].pow(std::span<const std::uint64_t>(big))), expect);
  }
  EXPECT_EQ(F::zero().pow(0), F::one());
}

TYPED_TEST(FieldTest, InverseMatchesGmp) {
  using F = TypeParam;
  const mpz_class m = modulus_mpz<F>();
  const auto xs = test_values<F>(51);
  for (std::size_t i = 0; i < xs.size(); i += 3) {
    const F& a = xs[i];
    if (a.is_zero()) continue;
    mpz_class expect;
    const mpz_class A = val(a);
    ASSERT_NE(mpz_invert(expect.get_mpz_t(), A.get_mpz_t(), m.get_mpz_t()), 0);
    const F inv = a.inverse();
    ASSERT_EQ(val(inv), expect) << a.to_hex();
    ASSERT_TRUE((a * inv).is_one());
  }
  EXPECT_TRUE(F::zero().inverse().is_zero());
  EXPECT_TRUE(F::one().inverse().is_one());
}

TYPED_TEST(FieldTest, FieldLaws) {
  using F = TypeParam;
  const auto xs = test_values<F>(61);
  const std::size_t n = xs.size();
  for (std::size_t i = 0; i < n; ++i) {
    const F& a = xs[i];
    const F& b = xs[(i * 3 + 1) % n];
    const F& c = xs[(i * 11 + 5) % n];
    ASSERT_EQ(a * b, b * a);
    ASSERT_EQ(a + b, b + a);
    ASSERT_EQ((a * b) * c, a * (b * c));
    ASSERT_EQ((a + b) + c, a + (b + c));
    ASSERT_EQ(a * (b + c), a * b + a * c);
    ASSERT_EQ(a * F::one(), a);
    ASSERT_TRUE((a * F::zero()).is_zero());
    ASSERT_EQ(a + F::zero(), a);
    ASSERT_TRUE((a + (-a)).is_zero());
    ASSERT_EQ(a - b, a + (-b));
    ASSERT_EQ(a.dbl(), a + a);
    ASSERT_EQ(a.square(), a * a);
  }
}

TYPED_TEST(FieldTest, BytesRoundTripAndMatchGmpExport) {
  using F = TypeParam;
  constexpr std::size_t nb = F::kBytes;
  for (const F& a : test_values<F>(71)) {
    std::array<std::uint8_t, nb> le{}, be{}, expect_le{}, expect_be{};
    a.to_bytes_le(le);
    a.to_bytes_be(be);
    const mpz_class A = val(a);
    // GMP export writes only the significant bytes; place them at the right end.
    size_t count = 0;
    std::array<std::uint8_t, nb> tmp{};
    mpz_export(tmp.data(), &count, -1, 1, 0, 0, A.get_mpz_t());
    for (size_t k = 0; k < count; ++k) expect_le[k] = tmp[k];
    for (size_t k = 0; k < nb; ++k) expect_be[k] = expect_le[nb - 1 - k];
    ASSERT_EQ(le, expect_le) << a.to_hex();
    ASSERT_EQ(be, expect_be) << a.to_hex();
    ASSERT_EQ(F::from_bytes_le(le), a);
    ASSERT_EQ(F::from_bytes_be(be), a);
  }
}

TYPED_TEST(FieldTest, FromBytesRejectsNonCanonical) {
  using F = TypeParam;
  constexpr std::size_t nb = F::kBytes;
  const mpz_class m = modulus_mpz<F>();
  const mpz_class top = mpz_class(mpz_class(1) << (64 * F::kLimbs)) - 1;
  for (const mpz_class& v : {m, mpz_class(m + 1), mpz_class(2 * m - 1), top}) {
    std::array<std::uint8_t, nb> le{}, be{};
    size_t count = 0;
    mpz_export(le.data(), &count, -1, 1, 0, 0, v.get_mpz_t());
    ASSERT_EQ(count, nb);
    for (size_t k = 0; k < nb; ++k) be[k] = le[nb - 1 - k];
    EXPECT_FALSE(F::from_bytes_le(le).has_value());
    EXPECT_FALSE(F::from_bytes_be(be).has_value());
    typename F::Limbs l{};
    mpz_export(l.data(), &count, -1, 8, 0, 0, v.get_mpz_t());
    EXPECT_FALSE(F::from_canonical(l).has_value());
  }
}

TYPED_TEST(FieldTest, HexRoundTripAndRejects) {
  using F = TypeParam;
  for (const F& a : test_values<F>(81)) {
    const std::string h = a.to_hex();
    ASSERT_EQ(h.size(), 2 + 2 * F::kBytes);
    ASSERT_EQ(F::from_hex(h), a);
    std::string upper = h.substr(2);
    for (char& ch : upper) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    ASSERT_EQ(F::from_hex(upper), a);
    ASSERT_EQ(mpz_class(h.substr(2), 16), val(a));
  }
  EXPECT_EQ(F::from_hex("0x1"), F::one());
  EXPECT_EQ(F::from_hex("00ff"), F::from_u64(255));
  EXPECT_FALSE(F::from_hex("").has_value());
  EXPECT_FALSE(F::from_hex("0x").has_value());
  EXPECT_FALSE(F::from_hex("0x12g4").has_value());
  EXPECT_FALSE(F::from_hex("-1").has_value());
  EXPECT_FALSE(F::from_hex(" 1").has_value());
  EXPECT_FALSE(F::from_hex("0x" + std::string(2 * F::kBytes + 1, '0')).has_value());
  EXPECT_TRUE(F::from_hex("0x" + std::string(2 * F::kBytes, '0')).has_value());
  const mpz_class m = modulus_mpz<F>();
  EXPECT_FALSE(F::from_hex(m.get_str(16)).has_value());
  EXPECT_EQ(F::from_hex(mpz_class(m - 1).get_str(16)), -F::one());
}

TYPED_TEST(FieldTest, RandomIsReducedAndDeterministic) {
  using F = TypeParam;
  const mpz_class m = modulus_mpz<F>();
  std::mt19937_64 r1(91), r2(91), r3(92);
  bool any_diff = false;
  for (int i = 0; i < 1000; ++i) {
    const F a = F::random(r1), b = F::random(r2), c = F::random(r3);
    ASSERT_EQ(a, b);
    ASSERT_LT(val(a), m);
    ASSERT_LT(to_mpz(a.montgomery_limbs()), m);
    any_diff |= a != c;
  }
  EXPECT_TRUE(any_diff);
}

// ---- Fp2 = Fp[u]/(u^2 + 1) against a by-hand GMP reference ----

struct Ref2 {
  mpz_class c0, c1;
};

Ref2 ref(const Fp2& a) { return {val(a.c0), val(a.c1)}; }
Ref2 ref_mul(const Ref2& a, const Ref2& b) {
  // (a0 + a1 u)(b0 + b1 u) = (a0 b0 - a1 b1) + (a0 b1 + a1 b0) u, since u^2 = -1.
  return {mod<Fp>(a.c0 * b.c0 - a.c1 * b.c1), mod<Fp>(a.c0 * b.c1 + a.c1 * b.c0)};
}
void expect_eq(const Fp2& got, const Ref2& want) {
  ASSERT_EQ(val(got.c0), want.c0);
  ASSERT_EQ(val(got.c1), want.c1);
}

std::vector<Fp2> fp2_values(std::uint64_t seed) {
  const auto e = edge_values<Fp>();
  std::vector<Fp2> out;
  for (std::size_t i = 0; i < e.size(); ++i) {
    out.push_back({e[i], e[(i + 3) % e.size()]});
    out.push_back({e[i], e[i]});
    out.push_back({e[i], Fp::zero()});
  }
  std::mt19937_64 rng(seed);
  for (int i = 0; i < kRandomCases; ++i) out.push_back(Fp2::random(rng));
  return out;
}

TEST(Fp2Test, MulSquareMatchGmp) {
  const auto xs = fp2_values(101);
  const auto ys = fp2_values(102);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Fp2& a = xs[i];
    for (const Fp2& b : {ys[i], ys[(i * 7 + 1) % ys.size()], a}) {
      expect_eq(a * b, ref_mul(ref(a), ref(b)));
      Fp2 c = a;
      c *= b;
      ASSERT_EQ(c, a * b);
    }
    expect_eq(a.square(), ref_mul(ref(a), ref(a)));
  }
}

// operator* may take the lazy-reduction path; the three-Montgomery-product Karatsuba is the
// fallback on targets without it and must agree.
TEST(Fp2Test, KaratsubaFallbackMatchesGmp) {
  const auto xs = fp2_values(141);
  const auto ys = fp2_values(142);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Fp2& a = xs[i];
    const Fp2& b = ys[(i * 3 + 2) % ys.size()];
    expect_eq(Fp2::mul_karatsuba(a, b), ref_mul(ref(a), ref(b)));
    ASSERT_EQ(Fp2::mul_karatsuba(a, b), a * b);
  }
}

// Extremes for the lazy path's bounds: a0*b0 - a1*b1 as negative as possible (borrow, + m*2^384)
// and a0*b1 + a1*b0 as large as possible (unreduced sums of m-1).
TEST(Fp2Test, MulExtremes) {
  const Fp big = -Fp::one();  // m - 1
  const Fp2 cases[] = {{big, big}, {Fp::zero(), big}, {big, Fp::zero()}, {Fp::one(), big},
                       {big, Fp::one()}, {Fp::zero(), Fp::zero()}};
  for (const Fp2& a : cases) {
    for (const Fp2& b : cases) expect_eq(a * b, ref_mul(ref(a), ref(b)));
  }
}

TEST(Fp2Test, AddSubNegConjugateNonresidueMatchGmp) {
  const auto xs = fp2_values(111);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const Fp2& a = xs[i];
    const Fp2& b = xs[(i * 5 + 2) % xs.size()];
    const Ref2 A = ref(a), B = ref(b);
    expect_eq(a + b, {mod<Fp>(A.c0 + B.c0), mod<Fp>(A.c1 + B.c1)});
    expect_eq(a - b, {mod<Fp>(A.c0 - B.c0), mod<Fp>(A.c1 - B.c1)});
    expect_eq(-a, {mod<Fp>(-A.c0), mod<Fp>(-A.c1)});
    expect_eq(a.dbl(), {mod<Fp>(2 * A.c0), mod<Fp>(2 * A.c1)});
    expect_eq(a.conjugate(), {A.c0, mod<Fp>(-A.c1)});
    expect_eq(a.mul_by_nonresidue(), ref_mul(A, {1, 1}));
    expect_eq(a.mul_by_fp(b.c0), {mod<Fp>(A.c0 * B.c0), mod<Fp>(A.c1 * B.c0)});
  }
}

TEST(Fp2Test, InverseMatchesGmp) {
  const mpz_class p = modulus_mpz<Fp>();
  const auto xs = fp2_values(121);
  for (std::size_t i = 0; i < xs.size(); i += 4) {
    const Fp2& a = xs[i];
    if (a.is_zero()) continue;
    const Ref2 A = ref(a);
    // 1/(a0 + a1 u) = (a0 - a1 u) / (a0^2 + a1^2)
    mpz_class norm = mod<Fp>(A.c0 * A.c0 + A.c1 * A.c1), inv;
    ASSERT_NE(mpz_invert(inv.get_mpz_t(), norm.get_mpz_t(), p.get_mpz_t()), 0);
    const Fp2 got = a.inverse();
    expect_eq(got, {mod<Fp>(A.c0 * inv), mod<Fp>(-A.c1 * inv)});
    ASSERT_EQ(a * got, Fp2::one());
  }
  EXPECT_TRUE(Fp2::zero().inverse().is_zero());
  EXPECT_EQ(Fp2::one().inverse(), Fp2::one());
}

TEST(Fp2Test, FieldLaws) {
  const auto xs = fp2_values(131);
  const std::size_t n = xs.size();
  const Fp2 u{Fp::zero(), Fp::one()};
  EXPECT_EQ(u * u, -Fp2::one());
  for (std::size_t i = 0; i < n; ++i) {
    const Fp2& a = xs[i];
    const Fp2& b = xs[(i * 3 + 1) % n];
    const Fp2& c = xs[(i * 11 + 5) % n];
    ASSERT_EQ(a * b, b * a);
    ASSERT_EQ((a * b) * c, a * (b * c));
    ASSERT_EQ(a * (b + c), a * b + a * c);
    ASSERT_EQ(a * Fp2::one(), a);
    ASSERT_TRUE((a + (-a)).is_zero());
    ASSERT_EQ(a.square(), a * a);
    ASSERT_EQ(a * a.conjugate(), (Fp2{a.c0.square() + a.c1.square(), Fp::zero()}));
    ASSERT_EQ(a.mul_by_nonresidue(), (a * Fp2{Fp::one(), Fp::one()}));
  }
}

}  // namespace
