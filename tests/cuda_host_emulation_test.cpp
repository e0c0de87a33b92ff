// The CUDA kernels' arithmetic and per-index bodies (kernels/cuda/*.cuh), run on the host in plain
// loops that follow the kernels' launch sequence, against the CPU references: field constants and
// operations against zkc::Fr / zkc::Fp, XYZZ formulas against zkc::G1Xyzz limb for limb, the NTT
// schedule against kernels/ntt, the MSM pipeline against zkc::msm, batch addition against a naive
// sum. Needs no GPU: this is how the device algorithms are verified on machines without one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <cstdint>
#include <numeric>
#include <random>
#include <span>
#include <vector>

#include "kernels/cuda/batch_add_body.cuh"
#include "kernels/cuda/dev_convert.hpp"
#include "kernels/cuda/msm_body.cuh"
#include "kernels/cuda/ntt_body.cuh"
#include "kernels/cuda/ntt_tables.hpp"
#include "kernels/curve/g1.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/curve/scalar_mul.hpp"
#include "kernels/field/fp.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/pippenger.hpp"
#include "kernels/ntt/ntt.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "tests/support/random_fr.hpp"

namespace zkc::cuda {
namespace {

using dev::FpDev;
using dev::FpDevParams;
using dev::FrDev;
using dev::FrDevParams;
using dev::G1AffineDev;
using dev::G1XyzzDev;
using test_support::random_fr_vector;

constexpr Scalar256 kRMinus1 = {0xffffffff00000000ULL, 0x53bda402fffe5bfeULL, 0x3339d80809a1d805ULL,
                                0x73eda753299d7d48ULL};

template <class Field>
std::vector<Field> edge_and_random(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Field> v = {Field::zero(), Field::one(), -Field::one(), Field::from_u64(2), -Field::from_u64(2)};
  while (v.size() < n) v.push_back(Field::random(rng));
  return v;
}

// Limb-exact equality of an XYZZ result with the host formula's result.
void expect_same_limbs(const G1XyzzDev& got, const G1Xyzz& want, const char* what) {
  const G1Xyzz h = to_host(got);
  EXPECT_EQ(h.x, want.x) << what;
  EXPECT_EQ(h.y, want.y) << what;
  EXPECT_EQ(h.zz, want.zz) << what;
  EXPECT_EQ(h.zzz, want.zzz) << what;
}

G1XyzzDev to_dev_xyzz(const G1Xyzz& p) {
  return {to_dev(p.x), to_dev(p.y), to_dev(p.zz), to_dev(p.zzz)};
}

// ---- Field constants and arithmetic ----

TEST(CudaFieldDev, ConstantsMatchTheHostFields) {
  for (int i = 0; i < 4; ++i) EXPECT_EQ(FrDevParams::modulus(i), Fr::modulus()[static_cast<std::size_t>(i)]) << i;
  for (int i = 0; i < 6; ++i) EXPECT_EQ(FpDevParams::modulus(i), Fp::modulus()[static_cast<std::size_t>(i)]) << i;
  EXPECT_EQ(to_host(dev::field_one<FrDevParams>()), Fr::one());
  EXPECT_EQ(to_host(dev::field_one<FpDevParams>()), Fp::one());
  // -m^-1 mod 2^64, and R^2 as the Montgomery form of R.
  EXPECT_EQ(FrDevParams::kInv * FrDevParams::modulus(0), ~std::uint64_t{0});
  EXPECT_EQ(FpDevParams::kInv * FpDevParams::modulus(0), ~std::uint64_t{0});
  FrDev r2;
  for (int i = 0; i < 4; ++i) r2.v[i] = FrDevParams::r2(i);
  EXPECT_EQ(to_host(dev::from_montgomery(r2)), Fr::one()) << "R^2 / R must be R, the Montgomery one";
  FpDev p2;
  for (int i = 0; i < 6; ++i) p2.v[i] = FpDevParams::r2(i);
  EXPECT_EQ(to_host(dev::from_montgomery(p2)), Fp::one());
}

template <class Field, class Dev>
void check_field_ops(std::uint64_t seed) {
  const auto xs = edge_and_random<Field>(300, seed);
  const auto ys = edge_and_random<Field>(300, seed + 1);
  for (std::size_t i = 0; i < xs.size(); ++i) {
    for (std::size_t j : {i, (i * 7 + 3) % ys.size()}) {
      const Field& a = xs[i];
      const Field& b = ys[j];
      const Dev da = to_dev(a), db = to_dev(b);
      ASSERT_EQ(to_host(da + db), a + b) << i << "," << j;
      ASSERT_EQ(to_host(da - db), a - b) << i << "," << j;
      ASSERT_EQ(to_host(da * db), a * b) << i << "," << j;
      ASSERT_EQ(to_host(dev::sqr(da)), a.square()) << i;
      ASSERT_EQ(to_host(dev::dbl(da)), a.dbl()) << i;
      ASSERT_EQ(to_host(-da), -a) << i;
      ASSERT_EQ(dev::is_zero(da), a.is_zero()) << i;
      ASSERT_EQ(da == db, a == b) << i << "," << j;
    }
  }
  for (std::size_t i = 0; i < 20; ++i) {
    ASSERT_EQ(to_host(dev::inverse(to_dev(xs[i]))), xs[i].inverse()) << i;
  }
  // Canonical round trip: from_montgomery gives the canonical limbs, to_montgomery takes them back.
  for (std::size_t i = 0; i < xs.size(); ++i) {
    const auto canonical = xs[i].to_canonical();
    const Dev c = dev::from_montgomery(to_dev(xs[i]));
    for (std::size_t k = 0; k < canonical.size(); ++k) ASSERT_EQ(c.v[k], canonical[k]) << i;
    ASSERT_EQ(to_host(dev::to_montgomery(c)), xs[i]) << i;
  }
}

TEST(CudaFieldDev, FrOperationsMatchZkcFr) { check_field_ops<Fr, FrDev>(11); }
TEST(CudaFieldDev, FpOperationsMatchZkcFp) { check_field_ops<Fp, FpDev>(12); }

// ---- G1 ----

TEST(CudaG1Dev, LayoutMatchesG1Affine) {
  const auto pts = generate_points<G1Params>(3, 7);
  for (const auto& p : pts) {
    G1AffineDev d;
    std::memcpy(&d, &p, sizeof d);  // what a host-to-device copy does
    EXPECT_EQ(to_host(d.x), p.x);
    EXPECT_EQ(to_host(d.y), p.y);
    EXPECT_FALSE(d.infinity);
  }
  const G1Affine id = G1Affine::identity();
  G1AffineDev d;
  std::memcpy(&d, &id, sizeof d);
  EXPECT_TRUE(d.infinity);
}

TEST(CudaG1Dev, XyzzFormulasMatchTheHostLimbForLimb) {
  auto pts = generate_points<G1Params>(40, 3);
  pts.push_back(G1Affine::identity());
  pts.push_back(pts[0]);        // P + P through the mixed add
  pts.push_back(pts[1].neg());  // P + (-P)
  G1Xyzz host_acc;
  G1XyzzDev dev_acc = dev::xyzz_identity();
  for (std::size_t i = 0; i < pts.size(); ++i) {
    host_acc.add_mixed_inplace(pts[i]);
    dev::xyzz_add_mixed_inplace(dev_acc, to_dev(pts[i]));
    expect_same_limbs(dev_acc, host_acc, "add_mixed");
  }
  // Mixed add of a point onto itself and onto its negation, from a one-point accumulator.
  for (const G1Affine& q : {pts[2], pts[2].neg()}) {
    G1Xyzz h = G1Xyzz::from_affine(pts[2]);
    G1XyzzDev d = to_dev_xyzz(h);
    h.add_mixed_inplace(q);
    dev::xyzz_add_mixed_inplace(d, to_dev(q));
    expect_same_limbs(d, h, "add_mixed of P or -P onto P");
  }
  // Projective additions, doubling, P + P, P + (-P), identities.
  G1Xyzz a = host_acc;
  G1Xyzz b = G1Xyzz::from_affine(pts[5]).dbl();
  G1XyzzDev da = to_dev_xyzz(a), db = to_dev_xyzz(b);
  for (int round = 0; round < 10; ++round) {
    a.add_inplace(b);
    dev::xyzz_add_inplace(da, db);
    expect_same_limbs(da, a, "add");
    b.dbl_inplace();
    dev::xyzz_dbl_inplace(db);
    expect_same_limbs(db, b, "dbl");
  }
  G1Xyzz s = a;
  G1XyzzDev ds = da;
  s.add_inplace(a);
  dev::xyzz_add_inplace(ds, da);
  expect_same_limbs(ds, s, "P + P");
  s.add_inplace(s.neg());
  dev::xyzz_add_inplace(ds, to_dev_xyzz(to_host(ds).neg()));
  EXPECT_TRUE(dev::is_identity(ds));
  EXPECT_TRUE(s.is_identity());
  dev::xyzz_add_inplace(ds, da);
  expect_same_limbs(ds, a, "identity + P");
  dev::xyzz_add_inplace(ds, dev::xyzz_identity());
  expect_same_limbs(ds, a, "P + identity");
}

// ---- NTT: the kernels' launch sequence (ntt_kernels.cu / cuda_ntt.cpp) as host loops ----

// bit reverse; the first kNttBlockLog stages per block (the shared-memory kernel); one pass per
// remaining stage (the global kernel).
void emulate_transform(std::vector<FrDev>& a, const NttTables& t, bool inverse) {
  const unsigned log_n = t.log_n;
  const std::size_t n = a.size();
  for (std::size_t i = 0; i < n; ++i) dev::ntt_bit_reverse_body(a.data(), i, log_n);
  const auto stages = to_dev(std::span<const Fr>(inverse ? t.inverse_stages : t.forward_stages));
  const unsigned block_log = std::min(log_n, dev::kNttBlockLog);
  const std::size_t block = std::size_t{1} << block_log;
  for (std::size_t b = 0; b < n / block; ++b) {
    for (unsigned log_h = 0; log_h < block_log; ++log_h) {
      for (std::size_t k = 0; k < block / 2; ++k) {
        dev::ntt_block_butterfly(a.data() + b * block, stages.data(), k, log_h);
      }
    }
  }
  const PowerTable& top = inverse ? t.inverse_top : t.forward_top;
  const auto lo = to_dev(std::span<const Fr>(top.lo));
  const auto hi = to_dev(std::span<const Fr>(top.hi));
  const dev::PowerTableDev top_dev{lo.data(), hi.data(), top.lo_bits};
  for (unsigned log_h = block_log; log_h < log_n; ++log_h) {
    for (std::size_t k = 0; k < n / 2; ++k) dev::ntt_global_butterfly(a.data(), top_dev, t.log_top(), k, log_h);
  }
}

void emulate_scale_by_powers(std::vector<FrDev>& a, const PowerTable& p) {
  const auto lo = to_dev(std::span<const Fr>(p.lo));
  const auto hi = to_dev(std::span<const Fr>(p.hi));
  const dev::PowerTableDev table{lo.data(), hi.data(), p.lo_bits};
  for (std::size_t i = 0; i < a.size(); ++i) dev::fr_scale_by_powers_body(a.data(), i, table);
}

enum class Op { kForward, kInverse, kCosetForward, kCosetInverse };

void emulate_ntt(std::vector<FrDev>& a, const NttTables& t, Op op) {
  if (op == Op::kCosetForward) emulate_scale_by_powers(a, t.shift_powers);
  emulate_transform(a, t, op == Op::kInverse || op == Op::kCosetInverse);
  if (op == Op::kInverse || op == Op::kCosetInverse) {
    const FrDev s = to_dev(t.size_inverse);
    for (std::size_t i = 0; i < a.size(); ++i) dev::fr_scale_body(a.data(), i, s);
  }
  if (op == Op::kCosetInverse) emulate_scale_by_powers(a, t.shift_inverse_powers);
}

void cpu_ntt(std::vector<Fr>& a, const NttDomain& d, Op op) {
  switch (op) {
    case Op::kForward: ntt_forward(d, a); break;
    case Op::kInverse: ntt_inverse(d, a); break;
    case Op::kCosetForward: coset_ntt_forward(d, a); break;
    case Op::kCosetInverse: coset_ntt_inverse(d, a); break;
  }
}

TEST(CudaNttTables, RootsAndStageTablesMatchNttDomain) {
  for (unsigned log_n = 0; log_n <= 16; ++log_n) {
    const NttDomain d(log_n);
    EXPECT_EQ(fr_root_of_unity(log_n), d.root()) << log_n;
    const NttTables t = build_ntt_tables(log_n, default_coset_shift());
    EXPECT_EQ(t.size_inverse, d.size_inverse());
    const std::size_t m = t.forward_stages.size();
    EXPECT_EQ(m, std::min<std::size_t>(d.size(), std::size_t{1} << dev::kNttBlockLog));
    for (std::size_t i = 1; i < m; ++i) {
      ASSERT_EQ(t.forward_stages[i], d.forward_twiddles()[i]) << log_n << ":" << i;
      ASSERT_EQ(t.inverse_stages[i], d.inverse_twiddles()[i]) << log_n << ":" << i;
    }
    // Every top-stage twiddle from the two-level table.
    for (std::size_t j = 0; j < d.size() / 2; ++j) {
      ASSERT_EQ(t.forward_top(j), d.forward_twiddles()[d.size() / 2 + j]) << log_n << ":" << j;
      ASSERT_EQ(t.inverse_top(j), d.inverse_twiddles()[d.size() / 2 + j]) << log_n << ":" << j;
    }
    const Fr g = default_coset_shift();
    EXPECT_EQ(t.vanishing_inverse * (g.pow(static_cast<std::uint64_t>(d.size())) - Fr::one()), Fr::one());
    EXPECT_EQ(t.shift_powers(d.size() - 1), g.pow(static_cast<std::uint64_t>(d.size() - 1)));
    EXPECT_EQ(t.shift_inverse_powers(d.size() - 1) * t.shift_powers(d.size() - 1), Fr::one());
  }
  // The full-scale domain's root without an n-entry NttDomain: order exactly 2^27.
  const Fr w27 = fr_root_of_unity(27);
  EXPECT_EQ(w27.pow(std::uint64_t{1} << 26), -Fr::one());
  EXPECT_THROW(build_ntt_tables(dev::kNttMaxLog + 1, default_coset_shift()), std::invalid_argument);
  EXPECT_THROW(build_ntt_tables(4, Fr::zero()), std::invalid_argument);
}

TEST(CudaNttBodies, MatchTheCpuNttBitForBit) {
  std::vector<unsigned> logs;
  for (unsigned log_n = 0; log_n <= 12; ++log_n) logs.push_back(log_n);
  logs.push_back(16);
  for (const unsigned log_n : logs) {
    const NttDomain d(log_n);
    const NttTables t = build_ntt_tables(log_n, default_coset_shift());
    for (const Op op : {Op::kForward, Op::kInverse, Op::kCosetForward, Op::kCosetInverse}) {
      std::vector<Fr> want = random_fr_vector(d.size(), 100 + log_n * 4 + static_cast<unsigned>(op));
      auto got = to_dev(std::span<const Fr>(want));
      cpu_ntt(want, d, op);
      emulate_ntt(got, t, op);
      ASSERT_EQ(to_host(got), want) << "log_n " << log_n << " op " << static_cast<int>(op);
    }
  }
}

// The ntt_msm_h sequence: iNTT and coset NTT of a, b, c; h = (a b - c) / Z on the coset; coset
// iNTT. With c = a * b on the domain, A B - C is divisible by Z, so h has degree <= n - 2.
TEST(CudaNttBodies, QuotientPolynomialMatchesTheCpuAndVanishesAtTheTop) {
  for (const unsigned log_n : {1u, 5u, 11u, 12u}) {
    const std::size_t n = std::size_t{1} << log_n;
    const NttDomain d(log_n);
    const NttTables t = build_ntt_tables(log_n, default_coset_shift());
    std::vector<Fr> a = random_fr_vector(n, 7 + log_n), b = random_fr_vector(n, 8 + log_n), c(n);
    for (std::size_t i = 0; i < n; ++i) c[i] = a[i] * b[i];
    auto da = to_dev(std::span<const Fr>(a)), db = to_dev(std::span<const Fr>(b)), dc = to_dev(std::span<const Fr>(c));
    for (auto* v : {&a, &b, &c}) {
      ntt_inverse(d, *v);
      coset_ntt_forward(d, *v);
    }
    for (auto* v : {&da, &db, &dc}) {
      emulate_ntt(*v, t, Op::kInverse);
      emulate_ntt(*v, t, Op::kCosetForward);
    }
    const FrDev z_inv = to_dev(t.vanishing_inverse);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = (a[i] * b[i] - c[i]) * t.vanishing_inverse;
      dev::ntt_h_pointwise_body(da.data(), db.data(), dc.data(), i, z_inv);
    }
    coset_ntt_inverse(d, a);
    emulate_ntt(da, t, Op::kCosetInverse);
    ASSERT_EQ(to_host(da), a) << log_n;
    EXPECT_TRUE(a[n - 1].is_zero()) << "h must have degree <= n - 2, log_n " << log_n;
    if (n >= 4) {
      EXPECT_FALSE(a[n - 2].is_zero()) << log_n;
    }

    // Then the H MSM's scalars: canonical form in place.
    for (std::size_t i = 0; i < n; ++i) dev::fr_to_canonical_body(da.data(), i);
    for (std::size_t i = 0; i < n; ++i) {
      const auto canonical = a[i].to_canonical();
      for (std::size_t k = 0; k < 4; ++k) ASSERT_EQ(da[i].v[k], canonical[k]) << i;
    }
  }
}

// ---- MSM: msm_kernels.cu / cuda_msm.cpp's sequence as host loops ----

G1Jacobian emulate_msm(std::span<const G1Affine> points, std::span<const Scalar256> scalars) {
  const std::size_t n = points.size();
  if (n == 0) return G1Jacobian::identity();
  const dev::MsmConfig cfg = dev::msm_config(n);
  const auto pts = to_dev(points);
  const auto sc = to_dev(scalars);
  std::vector<G1XyzzDev> buckets(cfg.windows * cfg.buckets), head(cfg.segments), tail(cfg.segments);
  std::vector<std::uint32_t> keys(n), idx(n), sorted_keys(n), sorted_idx(n);
  for (unsigned w = 0; w < cfg.windows; ++w) {
    for (std::size_t i = 0; i < n; ++i) {
      dev::msm_digit_body(i, sc.data(), w * cfg.window_bits, dev::msm_window_width(cfg, w), keys.data(), idx.data());
    }
    // The radix sort is stable: equal keys keep their index order.
    std::vector<std::uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t x, std::uint32_t y) { return keys[x] < keys[y]; });
    for (std::size_t i = 0; i < n; ++i) {
      sorted_keys[i] = keys[order[i]];
      sorted_idx[i] = idx[order[i]];
    }
    G1XyzzDev* wb = buckets.data() + w * cfg.buckets;
    for (std::size_t s = 0; s < cfg.segments; ++s) {
      dev::msm_segment_body(s, cfg, sorted_keys.data(), sorted_idx.data(), pts.data(), wb, head.data(), tail.data());
    }
    for (std::size_t b = 0; b < cfg.buckets; ++b) {
      dev::msm_resolve_body(b, cfg, sorted_keys.data(), head.data(), tail.data(), wb);
    }
  }
  std::vector<G1XyzzDev> totals(cfg.windows * cfg.ranges), sums(cfg.windows * cfg.ranges), windows(cfg.windows);
  for (unsigned w = 0; w < cfg.windows; ++w) {
    for (std::size_t r = 0; r < cfg.ranges; ++r) {
      dev::msm_range_body(w, r, cfg, buckets.data(), totals.data(), sums.data());
    }
  }
  for (unsigned w = 0; w < cfg.windows; ++w) dev::msm_window_body(w, cfg, totals.data(), sums.data(), windows.data());
  return to_host(dev::msm_combine_windows(cfg, windows.data())).to_jacobian();
}

std::vector<Scalar256> mixed_scalars(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Scalar256> s(n);
  for (std::size_t i = 0; i < n; ++i) {
    switch (i % 9) {
      case 2: s[i] = {}; break;
      case 4: s[i] = kRMinus1; break;
      case 6: s[i] = {i % 5, 0, 0, 0}; break;
      default: s[i] = Fr::random(rng).to_canonical(); break;
    }
  }
  return s;
}

std::vector<G1Affine> points_with_identities(std::size_t n, std::uint64_t seed) {
  auto pts = generate_points<G1Params>(n, seed);
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 17 == 3) pts[i] = G1Affine::identity();
    if (i % 13 == 5) pts[i] = pts[i / 2];
  }
  return pts;
}

TEST(CudaMsmBodies, ConfigCoversTheScalarAndTheBuckets) {
  for (std::uint64_t n : {1ull, 2ull, 3ull, 100ull, 4096ull, 1ull << 16, 1ull << 20, 1ull << 27}) {
    const dev::MsmConfig cfg = dev::msm_config(n);
    EXPECT_GE(cfg.window_bits, 1u);
    EXPECT_LE(cfg.window_bits, dev::kMsmMaxWindowBits);
    EXPECT_GE(cfg.windows * cfg.window_bits, dev::kMsmScalarBits) << n;
    EXPECT_LT((cfg.windows - 1) * cfg.window_bits, dev::kMsmScalarBits) << "empty top window, n " << n;
    EXPECT_EQ(cfg.buckets, std::uint64_t{1} << cfg.window_bits);
    EXPECT_GE(cfg.ranges * cfg.range_buckets + 1, cfg.buckets) << "ranges cover every nonzero digit, n " << n;
    EXPECT_LT((cfg.ranges - 1) * cfg.range_buckets + 1, cfg.buckets) << "no empty range, n " << n;
    EXPECT_EQ(cfg.segments * cfg.segment >= n, true);
    EXPECT_EQ(dev::msm_window_width(cfg, cfg.windows - 1) + (cfg.windows - 1) * cfg.window_bits, dev::kMsmScalarBits);
  }
}

TEST(CudaMsmBodies, DigitsMatchTheCpuPippenger) {
  const auto scalars = mixed_scalars(200, 4);
  for (unsigned width : {1u, 2u, 7u, 13u, 16u}) {
    for (unsigned bit0 = 0; bit0 + width <= 255; bit0 += 5) {
      for (const auto& s : scalars) {
        ASSERT_EQ(dev::msm_window_digit(to_dev(s), bit0, width), msm_detail::window_digit(s, bit0, width));
      }
    }
  }
}

TEST(CudaMsmBodies, MatchTheCpuPippenger) {
  ThreadPool pool("msm-ref", 2);
  for (std::size_t n : {1, 2, 3, 31, 32, 33, 100, 1000, 4096, 5000}) {
    const auto pts = points_with_identities(n, 30 + n);
    const auto sc = mixed_scalars(n, 40 + n);
    const G1Jacobian want = msm<G1Params>(pts, sc, pool);
    EXPECT_EQ(emulate_msm(pts, sc), want) << "n " << n;
  }
}

// The widest window (2^16 buckets, ranges of 256): too many points to emulate a whole MSM, so the
// bucket reduction runs on buckets filled directly, against sum_d [d] B_d.
TEST(CudaMsmBodies, BucketReductionAtTheWidestWindow) {
  const dev::MsmConfig cfg = dev::msm_config(std::uint64_t{1} << 20);
  ASSERT_EQ(cfg.window_bits, dev::kMsmMaxWindowBits);
  ASSERT_GT(cfg.range_log, 0u);
  const auto pts = generate_points<G1Params>(64, 12);
  std::vector<G1XyzzDev> buckets(cfg.buckets, dev::xyzz_identity());
  std::vector<std::uint64_t> digits = {1, 2, 255, 256, 257, 511, 512, 30000, 65534, 65535};
  std::mt19937_64 rng(5);
  while (digits.size() < pts.size()) digits.push_back(1 + rng() % (cfg.buckets - 1));
  G1Jacobian want;
  for (std::size_t k = 0; k < pts.size(); ++k) {
    G1Xyzz b = to_host(buckets[digits[k]]);
    b.add_mixed_inplace(pts[k]);  // digits may repeat: a bucket of two points
    buckets[digits[k]] = to_dev_xyzz(b);
    want.add_inplace(scalar_mul(G1Jacobian::from_affine(pts[k]), std::span<const std::uint64_t>(&digits[k], 1)));
  }
  std::vector<G1XyzzDev> totals(cfg.ranges), sums(cfg.ranges), window(1);
  for (std::size_t r = 0; r < cfg.ranges; ++r) {
    dev::msm_range_body(0, r, cfg, buckets.data(), totals.data(), sums.data());
  }
  dev::msm_window_body(0, cfg, totals.data(), sums.data(), window.data());
  EXPECT_EQ(to_host(window[0]).to_jacobian(), want);
}

TEST(CudaMsmBodies, EdgeCases) {
  ThreadPool pool("msm-ref", 2);
  const auto pts = generate_points<G1Params>(700, 9);
  // All zero scalars, all identity points, an empty input.
  EXPECT_TRUE(emulate_msm(pts, std::vector<Scalar256>(700)).is_identity());
  const std::vector<G1Affine> ids(50, G1Affine::identity());
  EXPECT_TRUE(emulate_msm(ids, mixed_scalars(50, 1)).is_identity());
  EXPECT_TRUE(emulate_msm({}, {}).is_identity());
  // One point: [s]P.
  const Scalar256 s1 = Fr::from_u64(123456789).to_canonical();
  EXPECT_EQ(emulate_msm(std::span(pts).first(1), std::span(&s1, 1)),
            scalar_mul(G1Jacobian::from_affine(pts[0]), std::span<const std::uint64_t>(s1)));
  // Equal scalars: one long run per window crossing many segments (the resolve path), and P + P
  // inside a bucket (repeated points).
  std::vector<G1Affine> repeated(pts.begin(), pts.end());
  for (std::size_t i = 0; i < repeated.size(); i += 3) repeated[i] = pts[0];
  for (const Scalar256& s : {Scalar256{5, 0, 0, 0}, kRMinus1, Scalar256{1, 1, 1, 1}}) {
    const std::vector<Scalar256> same(repeated.size(), s);
    EXPECT_EQ(emulate_msm(repeated, same), msm<G1Params>(repeated, same, pool));
  }
  // Runs whose lengths straddle segment edges by one: keys 1 for the first S + 1 points, then 2.
  std::vector<Scalar256> runs(3 * dev::kMsmSegment + 1);
  for (std::size_t i = 0; i < runs.size(); ++i) runs[i] = {i <= dev::kMsmSegment ? 1u : 2u, 0, 0, 0};
  const auto rp = std::span(pts).first(runs.size());
  EXPECT_EQ(emulate_msm(rp, runs), msm<G1Params>(rp, runs, pool));
}

// ---- Batch addition: batch_add_kernels.cu / cuda_msm.cpp's levels as host loops ----

G1Jacobian emulate_batch_add(std::span<const G1Affine> bases, std::span<const std::uint64_t> bits) {
  const std::size_t n = bases.size();
  if (n == 0) return G1Jacobian::identity();
  const auto pts = to_dev(bases);
  std::size_t count = dev::level_outputs(n, dev::kBatchSegment);
  std::vector<G1XyzzDev> level(count);
  for (std::size_t t = 0; t < count; ++t) dev::batch_add_segment_body(t, n, pts.data(), bits.data(), level.data());
  while (count > 1) {
    const std::size_t next = dev::level_outputs(count, dev::kSumFanIn);
    std::vector<G1XyzzDev> out(next);
    for (std::size_t t = 0; t < next; ++t) dev::xyzz_sum_body(t, level.data(), count, out.data());
    level.swap(out);
    count = next;
  }
  return to_host(level.at(0)).to_jacobian();
}

TEST(CudaBatchAddBodies, MatchANaiveSum) {
  std::mt19937_64 rng(77);
  for (std::size_t n : {1, 2, 63, 64, 65, 1000, 5000, 70000}) {
    const auto distinct = generate_points<G1Params>(std::min<std::size_t>(n, 2048), n);
    std::vector<G1Affine> pts(n);
    for (std::size_t i = 0; i < n; ++i) pts[i] = distinct[i % distinct.size()];  // repeats: P + P in a sum
    pts[n / 2] = G1Affine::identity();
    std::vector<std::uint64_t> bits((n + 63) / 64);
    for (auto& w : bits) w = rng() & rng();  // about a quarter set
    bits.at(0) |= 1;
    G1Jacobian want;
    for (std::size_t i = 0; i < n; ++i) {
      if ((bits[i / 64] >> (i % 64)) & 1) want.add_mixed_inplace(pts[i]);
    }
    EXPECT_EQ(emulate_batch_add(pts, bits), want) << "n " << n;
  }
  const auto pts = generate_points<G1Params>(100, 1);
  EXPECT_TRUE(emulate_batch_add(pts, std::vector<std::uint64_t>(2, 0)).is_identity());
  EXPECT_EQ(emulate_batch_add(pts, std::vector<std::uint64_t>(2, ~std::uint64_t{0})),
            emulate_msm(pts, std::vector<Scalar256>(100, Scalar256{1, 0, 0, 0})));
}

}  // namespace
}  // namespace zkc::cuda
