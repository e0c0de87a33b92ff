#include "harness/kernels/self_check.hpp"

#include <fmt/core.h>

#include <exception>
#include <functional>
#include <random>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/curve/scalar_mul.hpp"
#include "kernels/field/fp2.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/pippenger.hpp"
#include "kernels/ntt/ntt.hpp"
#include "kernels/spmv/matrix_gen.hpp"
#include "kernels/spmv/spmv.hpp"

namespace zkc::harness {
namespace {

constexpr std::uint64_t kSeed = 0x5eed;

// r - 1 as little-endian limbs: [r-1]G = -G.
Scalar256 r_minus_one() {
  Scalar256 s = Fr::modulus();
  s[0] -= 1;
  return s;
}

std::string check_fields() {
  std::mt19937_64 rng(kSeed);
  for (int i = 0; i < 64; ++i) {
    const Fr a = Fr::random(rng), b = Fr::random(rng), c = Fr::random(rng);
    if (!(a * a.inverse()).is_one() && !a.is_zero()) return "Fr: a * a^-1 != 1";
    if ((a + b) * c != a * c + b * c) return "Fr: (a + b) c != ac + bc";
    if (Fr::mul_with<field::MulPath::kPortable>(a, b) != a * b) return "Fr: mul paths disagree";
    const Fp x = Fp::random(rng), y = Fp::random(rng);
    if (!(x * x.inverse()).is_one() && !x.is_zero()) return "Fp: x * x^-1 != 1";
    if (Fp::mul_with<field::MulPath::kPortable>(x, y) != x * y) return "Fp: mul paths disagree";
    const Fp2 u = Fp2::random(rng), v = Fp2::random(rng);
    if (!(u * u.inverse() == Fp2::one()) && !u.is_zero()) return "Fp2: u * u^-1 != 1";
    if (u.square() != u * u || (u * v) != (v * u)) return "Fp2: square/commutativity";
  }
  return {};
}

template <class Affine, class Jac>
std::string check_group(const char* name) {
  const Affine g = Affine::generator();
  if (!g.is_on_curve()) return fmt::format("{}: generator not on curve", name);
  const Jac gj = Jac::from_affine(g);
  if (!scalar_mul(gj, std::span<const std::uint64_t>(Fr::modulus())).is_identity())
    return fmt::format("{}: [r]G != 0", name);
  const Scalar256 rm1 = r_minus_one();
  if (scalar_mul(gj, std::span<const std::uint64_t>(rm1)) != gj.neg()) return fmt::format("{}: [r-1]G != -G", name);
  if (gj.dbl() != gj.add(gj) || gj.dbl() != gj.add_mixed(g)) return fmt::format("{}: 2G forms disagree", name);
  return {};
}

std::string check_g2_double() {
  // 2 * G2 from the BLS12-381 reference vectors.
  const auto fp = [](const char* hex) { return *Fp::from_hex(hex); };
  const Fp2 x{fp("1638533957d540a9d2370f17cc7ed5863bc0b995b8825e0ee1ea1e1e4d00dbae81f14b0bf3611b78c952aacab827a053"),
              fp("0a4edef9c1ed7f729f520e47730a124fd70662a904ba1074728114d1031e1572c6c886f6b57ec72a6178288c47c33577")};
  const Fp2 y{fp("0468fb440d82b0630aeb8dca2b5256789a66da69bf91009cbfe6bd221e47aa8ae88dece9764bf3bd999d95d71e4c9899"),
              fp("0f6d4552fa65dd2638b361543f887136a43253d9c66c411697003f7a13c308f5422e1aa0a59c8967acdefd8b6e36ccf3")};
  const G2Affine two_g = G2Jacobian::from_affine(G2Affine::generator()).dbl().to_affine();
  if (two_g.x != x || two_g.y != y) return "G2: 2*G2 differs from the reference vector";
  return {};
}

template <class P>
std::string check_msm(ThreadPool& pool, const char* name) {
  std::mt19937_64 rng(kSeed);
  const std::size_t n = 33;
  const auto points = generate_points<P>(n, kSeed);
  std::vector<Scalar256> scalars(n);
  auto expected = JacobianPoint<P>::identity();
  for (std::size_t i = 0; i < n; ++i) {
    scalars[i] = Fr::random(rng).to_canonical();
    expected = expected.add(scalar_mul(JacobianPoint<P>::from_affine(points[i]), std::span<const std::uint64_t>(scalars[i])));
  }
  if (msm<P>(points, scalars, pool) != expected) return fmt::format("{} MSM (n={}) != sum of scalar multiplications", name, n);
  return {};
}

std::string check_ntt(ThreadPool& pool) {
  std::mt19937_64 rng(kSeed);
  const NttDomain domain(10);
  std::vector<Fr> x(domain.size());
  for (auto& v : x) v = Fr::random(rng);
  auto y = x;
  ntt_forward(domain, y, &pool);
  ntt_inverse(domain, y, &pool);
  if (y != x) return "NTT 2^10: inverse(forward(x)) != x";
  const Fr shift = Fr::from_u64(kFrGenerator);
  coset_ntt_forward(domain, y, shift, &pool);
  coset_ntt_inverse(domain, y, shift, &pool);
  if (y != x) return "coset NTT 2^10: round trip failed";
  // Forward NTT of a delta at 0 is all ones.
  std::vector<Fr> delta(domain.size(), Fr::zero());
  delta[0] = Fr::one();
  ntt_forward(domain, delta, &pool);
  for (const Fr& v : delta)
    if (!v.is_one()) return "NTT 2^10: transform of a delta is not constant 1";
  return {};
}

std::string check_spmv(ThreadPool& pool) {
  MatrixGenParams params{};
  params.rows = 20000;
  params.cols = 20000;
  params.mean_nnz_per_row = 3;
  params.nnz_spread = 0.5;
  params.local_fraction = 0.7;
  params.local_window = 256;
  params.seed = kSeed;
  const CsrMatrix m = generate_r1cs_like(params, &pool);
  std::mt19937_64 rng(kSeed);
  std::vector<Fr> w(m.cols);
  for (auto& v : w) v = Fr::random(rng);
  std::vector<Fr> y(m.rows), ref(m.rows);
  SpmvOptions opts;
  opts.chunk_rows = 1000;
  spmv(m.view(), w, y, pool, opts);
  spmv_reference(m.view(), w, ref);
  if (y != ref) return "SpMV 20000 rows: parallel result differs from the naive reference";
  return {};
}

}  // namespace

std::vector<CheckResult> run_kernel_self_checks(ThreadPool& pool) {
  const std::vector<std::pair<std::string, std::function<std::string()>>> checks = {
      {"Fr, Fp, Fp2 arithmetic (both mul paths)", check_fields},
      {"G1 generator, [r]G = 0, [r-1]G = -G", [] { return check_group<G1Affine, G1Jacobian>("G1"); }},
      {"G2 generator, [r]G = 0, [r-1]G = -G", [] { return check_group<G2Affine, G2Jacobian>("G2"); }},
      {"G2 doubling matches the reference 2*G2", check_g2_double},
      {"G1 Pippenger MSM equals naive sum", [&] { return check_msm<G1Params>(pool, "G1"); }},
      {"G2 Pippenger MSM equals naive sum", [&] { return check_msm<G2Params>(pool, "G2"); }},
      {"NTT and coset NTT round trips", [&] { return check_ntt(pool); }},
      {"SpMV equals the naive reference", [&] { return check_spmv(pool); }},
  };
  std::vector<CheckResult> results;
  for (const auto& [name, fn] : checks) {
    CheckResult r{name, false, {}};
    try {
      r.detail = fn();
      r.passed = r.detail.empty();
    } catch (const std::exception& e) {
      r.detail = fmt::format("threw: {}", e.what());
    }
    results.push_back(std::move(r));
  }
  return results;
}

}  // namespace zkc::harness
