// NTT correctness: round trips, agreement with a naive DFT, cosets, pool independence, domain checks.
#include "kernels/ntt/ntt.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "tests/support/random_fr.hpp"

namespace zkc {
namespace {

using test_support::random_fr_vector;

// a(x) evaluated at x by Horner's rule.
Fr evaluate(const std::vector<Fr>& coeffs, const Fr& x) {
  Fr acc = Fr::zero();
  for (std::size_t i = coeffs.size(); i-- > 0;) acc = acc * x + coeffs[i];
  return acc;
}

TEST(NttDomain, RootHasExactOrder) {
  // Domains above 2^20 are not built here (their tables need gigabytes). Every root is the 2^32-nd
  // root squared down, so w_{2^20}^(2^19) == -1 also proves that root has order exactly 2^32.
  for (unsigned log_n = 0; log_n <= 20; ++log_n) {
    NttDomain d(log_n);
    EXPECT_EQ(d.size(), std::size_t{1} << log_n);
    EXPECT_EQ(d.log_size(), log_n);
    const Fr& w = d.root();
    EXPECT_EQ(w.pow(static_cast<std::uint64_t>(d.size())), Fr::one()) << "log_n " << log_n;
    if (log_n > 0) {
      EXPECT_NE(w.pow(static_cast<std::uint64_t>(d.size() / 2)), Fr::one()) << "log_n " << log_n;
      EXPECT_EQ(w.pow(static_cast<std::uint64_t>(d.size() / 2)), -Fr::one());
    }
    EXPECT_EQ(w * d.root_inverse(), Fr::one());
    EXPECT_EQ(d.size_inverse() * Fr::from_u64(d.size()), Fr::one());
  }
}

TEST(NttDomain, RejectsTooLargeLog) {
  EXPECT_THROW(NttDomain(33), std::invalid_argument);
  EXPECT_THROW(NttDomain(64), std::invalid_argument);
}

TEST(Ntt, RejectsSizeMismatch) {
  NttDomain d(4);
  std::vector<Fr> v(15);
  EXPECT_THROW(ntt_forward(d, v), std::invalid_argument);
  EXPECT_THROW(ntt_inverse(d, v), std::invalid_argument);
  EXPECT_THROW(coset_ntt_forward(d, v), std::invalid_argument);
  EXPECT_THROW(coset_ntt_inverse(d, v), std::invalid_argument);
  std::vector<Fr> ok(16);
  EXPECT_THROW(coset_ntt_forward(d, ok, Fr::zero()), std::invalid_argument);
  try {
    ntt_forward(d, v);
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("15"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("16"), std::string::npos) << e.what();
  }
}

TEST(Ntt, ForwardMatchesNaiveDft) {
  for (unsigned log_n = 0; log_n <= 6; ++log_n) {
    NttDomain d(log_n);
    const auto coeffs = random_fr_vector(d.size(), 100 + log_n);
    auto evals = coeffs;
    ntt_forward(d, evals);
    Fr x = Fr::one();
    for (std::size_t i = 0; i < d.size(); ++i, x *= d.root()) {
      ASSERT_EQ(evals[i], evaluate(coeffs, x)) << "n=" << d.size() << " i=" << i;
    }
  }
}

TEST(Ntt, CosetForwardMatchesNaiveAndInverts) {
  const Fr shifts[] = {default_coset_shift(), Fr::from_u64(5), Fr::from_u64(123456789)};
  for (const Fr& shift : shifts) {
    for (unsigned log_n = 0; log_n <= 6; ++log_n) {
      NttDomain d(log_n);
      const auto coeffs = random_fr_vector(d.size(), 200 + log_n);
      auto evals = coeffs;
      coset_ntt_forward(d, evals, shift);
      Fr x = shift;
      for (std::size_t i = 0; i < d.size(); ++i, x *= d.root()) {
        ASSERT_EQ(evals[i], evaluate(coeffs, x)) << "n=" << d.size() << " i=" << i;
      }
      coset_ntt_inverse(d, evals, shift);
      EXPECT_EQ(evals, coeffs) << "n=" << d.size();
    }
  }
}

TEST(Ntt, DefaultShiftIsGenerator) {
  NttDomain d(5);
  const auto coeffs = random_fr_vector(d.size(), 7);
  auto a = coeffs;
  auto b = coeffs;
  coset_ntt_forward(d, a);
  coset_ntt_forward(d, b, Fr::from_u64(7));
  EXPECT_EQ(a, b);
}

TEST(Ntt, RoundTripWithAndWithoutPool) {
  std::vector<std::unique_ptr<ThreadPool>> pools;
  for (unsigned t : {1u, 2u, 3u}) pools.push_back(std::make_unique<ThreadPool>("ntt-test", t));
  for (unsigned log_n = 0; log_n <= 14; ++log_n) {
    NttDomain d(log_n);
    const auto coeffs = random_fr_vector(d.size(), 300 + log_n);
    auto ref = coeffs;
    ntt_forward(d, ref);
    auto back = ref;
    ntt_inverse(d, back);
    ASSERT_EQ(back, coeffs) << "no pool, log_n " << log_n;

    for (auto& pool : pools) {
      auto v = coeffs;
      ntt_forward(d, v, pool.get());
      ASSERT_EQ(v, ref) << "pool " << pool->size() << " log_n " << log_n;
      ntt_inverse(d, v, pool.get());
      ASSERT_EQ(v, coeffs) << "pool " << pool->size() << " log_n " << log_n;
    }
  }
}

TEST(Ntt, CosetPoolMatchesNoPool) {
  ThreadPool pool("ntt-test", 3);
  for (unsigned log_n : {0u, 1u, 9u, 13u, 15u}) {
    NttDomain d(log_n);
    const auto coeffs = random_fr_vector(d.size(), 400 + log_n);
    auto a = coeffs;
    auto b = coeffs;
    coset_ntt_forward(d, a);
    coset_ntt_forward(d, b, &pool);
    ASSERT_EQ(a, b) << "log_n " << log_n;
    coset_ntt_inverse(d, b, &pool);
    ASSERT_EQ(b, coeffs) << "log_n " << log_n;
  }
}

TEST(Ntt, TwiddleTablesAreConsistent) {
  NttDomain d(6);
  const auto fwd = d.forward_twiddles();
  const auto inv = d.inverse_twiddles();
  ASSERT_EQ(fwd.size(), d.size());
  for (std::size_t h = 1; h < d.size(); h *= 2) {
    const Fr w = d.root().pow(static_cast<std::uint64_t>(d.size() / (2 * h)));
    for (std::size_t j = 0; j < h; ++j) {
      EXPECT_EQ(fwd[h + j], w.pow(j));
      EXPECT_EQ(fwd[h + j] * inv[h + j], Fr::one());
    }
  }
}

}  // namespace
}  // namespace zkc
