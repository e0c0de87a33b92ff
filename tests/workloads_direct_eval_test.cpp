// synthesis.path = direct: the constraints evaluated one by one, their terms drawn again by the row
// generator the shared CSR was built with, give the PCE path's a/b/c bit for bit on the same witness,
// for shapes of every kind (odd row counts, one input, rows denser than half the witness, a window
// wider than the matrix), and the extra work per term changes no value.
#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "tests/support/random_fr.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/synthesis/direct_eval.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::workloads {
namespace {

using test_support::random_fr_vector;

PartitionShape shape_of(std::uint32_t constraints, std::uint32_t inputs, std::uint32_t aux, std::uint64_t nnz_a,
                        std::uint64_t nnz_b, std::uint64_t nnz_c) {
  PartitionShape s;
  s.constraints = constraints;
  s.inputs = inputs;
  s.aux = aux;
  s.nnz_a = nnz_a;
  s.nnz_b = nnz_b;
  s.nnz_c = nnz_c;
  return s;
}

struct Abc {
  std::vector<Fr> a, b, c;
  explicit Abc(std::uint32_t n) : a(n), b(n), c(n) {}
};

// The PCE path as the pipeline runs it: the unified witness, then SpMV on a pool, in chunks.
Abc pce_path(const PartitionShape& s, const PceParams& params, const std::vector<Fr>& inputs,
             const std::vector<Fr>& aux) {
  ThreadPool pool("direct-test", 2);
  const SharedPce pce = build_shared_pce(s, params, &pool);
  std::vector<Fr> w(s.witness_len());
  unify_witness(inputs, aux, w);
  Abc out(s.constraints);
  evaluate_products(pce, w, out.a, out.b, out.c, pool, {}, 1000);
  return out;
}

Abc direct_path(const PartitionShape& s, const PceParams& params, const std::vector<Fr>& inputs,
                const std::vector<Fr>& aux, unsigned muls = 0, DirectEvalStats* stats = nullptr) {
  Abc out(s.constraints);
  const DirectEvalStats st = evaluate_direct(s, params, inputs, aux, out.a, out.b, out.c, {muls});
  if (stats != nullptr) *stats = st;
  return out;
}

void expect_same(const Abc& x, const Abc& y) {
  EXPECT_TRUE(x.a == y.a) << "a";
  EXPECT_TRUE(x.b == y.b) << "b";
  EXPECT_TRUE(x.c == y.c) << "c";
}

struct Case {
  std::string name;
  PartitionShape shape;
  PceParams params;
};

std::vector<Case> cases() {
  PceParams narrow;
  narrow.local_window = 3;
  narrow.seed = 7;
  PceParams wide;
  wide.local_window = 1u << 30;  // wider than the matrix
  wide.nnz_spread = 1.5;          // clamped at 0: rows without terms
  wide.seed = 11;
  return {
      {"one constraint", shape_of(1, 1, 4, 2, 1, 2), PceParams{}},
      {"odd rows across block ends", shape_of(4097 * 2 + 3, 3, 9001, 19'700, 8'200, 18'000), PceParams{}},
      {"rows denser than half the witness", shape_of(37, 1, 6, 180, 37, 150), narrow},
      {"narrow window", shape_of(5003, 2, 4999, 12'000, 5'003, 11'000), narrow},
      {"wide window, spread rows", shape_of(4099, 5, 3001, 9'800, 4'099, 9'000), wide},
      {"the seed's shape scaled", scale_shape(FullScaleShape{}, 3e-5), PceParams{}},
  };
}

TEST(DirectEval, EqualsThePcePathOnTheSameWitness) {
  for (const Case& k : cases()) {
    SCOPED_TRACE(k.name);
    const PartitionShape& s = k.shape;
    const auto inputs = random_fr_vector(s.inputs, 3);
    const auto aux = random_fr_vector(s.aux, 5);
    DirectEvalStats stats;
    expect_same(direct_path(s, k.params, inputs, aux, 0, &stats), pce_path(s, k.params, inputs, aux));
    EXPECT_EQ(stats.constraints, s.constraints);
    const SharedPce pce = build_shared_pce(s, k.params, nullptr);
    EXPECT_EQ(stats.terms, pce.a.nnz() + pce.b.nnz() + pce.c.nnz());
  }
}

// With the pipeline's own witness (mostly 0 and 1, the first input 1), as a partition sees it.
TEST(DirectEval, EqualsThePcePathOnAGeneratedWitness) {
  const PartitionShape s = scale_shape(FullScaleShape{}, 2e-5);
  WitnessParams wp;
  wp.seed = 9;
  std::vector<Fr> inputs(s.inputs), aux(s.aux);
  generate_witness(wp, 42, inputs, aux);
  expect_same(direct_path(s, PceParams{}, inputs, aux), pce_path(s, PceParams{}, inputs, aux));
}

TEST(DirectEval, ExtraWorkPerTermLeavesTheValuesAsTheyWere) {
  const PartitionShape s = shape_of(4100, 2, 3000, 9'000, 4'100, 8'000);
  const auto inputs = random_fr_vector(s.inputs, 1);
  const auto aux = random_fr_vector(s.aux, 2);
  expect_same(direct_path(s, PceParams{}, inputs, aux, 5), direct_path(s, PceParams{}, inputs, aux, 0));
}

TEST(DirectEval, DependsOnTheMatrixSeed) {
  const PartitionShape s = shape_of(500, 2, 700, 1'200, 500, 1'100);
  const auto inputs = random_fr_vector(s.inputs, 1);
  const auto aux = random_fr_vector(s.aux, 2);
  PceParams other;
  other.seed = 2;
  const Abc x = direct_path(s, PceParams{}, inputs, aux), y = direct_path(s, other, inputs, aux);
  EXPECT_FALSE(x.a == y.a);
}

TEST(DirectEval, RejectsMismatchedSizes) {
  const PartitionShape s = shape_of(10, 2, 20, 30, 10, 25);
  const auto inputs = random_fr_vector(2, 1);
  const auto aux = random_fr_vector(20, 2);
  Abc out(10);
  std::vector<Fr> short_aux(19), short_c(9);
  EXPECT_THROW(evaluate_direct(s, PceParams{}, inputs, short_aux, out.a, out.b, out.c), std::invalid_argument);
  EXPECT_THROW(evaluate_direct(s, PceParams{}, inputs, aux, out.a, out.b, short_c), std::invalid_argument);
  EXPECT_NO_THROW(evaluate_direct(s, PceParams{}, inputs, aux, out.a, out.b, out.c));
}

}  // namespace
}  // namespace zkc::workloads
