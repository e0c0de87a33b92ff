// synthesis.path = direct: a/b/c as the real prover has computed them since curio 7ea7488d, which
// passes no PCE cache, so every partition takes bellperson's standard path: the circuit's
// synthesize() runs on one thread, and each enforce() evaluates the constraint's three linear
// combinations against the assignment there and then, pushing one value each to a, b and c
// (preallocated from a capacity hint). No matrix is read from memory; each term costs more work
// than a SpMV nonzero (the linear combination is built, then evaluated).
//
// Here the constraints are the ones the shared CSR was built from: each row's terms are drawn
// again, as the evaluation goes, by the same row generator (kernels/spmv/matrix_gen's
// RowGenerator, from pce_matrix_params), constraint by constraint (A, B, C of row r, then row r+1),
// reading the witness where it is (inputs, aux: no unified copy). So a/b/c equal the PCE path's
// bit for bit on the same witness. The I3 flag has no reader here: nothing checks it, nothing yields.
#pragma once

#include <cstdint>
#include <span>

#include "kernels/field/fr.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::workloads {

struct DirectEvalParams {
  // The linear combination's construction beyond drawing and evaluating its terms, as this many
  // more Fr multiplications per term (a chain by one: the values do not change). The balance fit
  // sizes it (balance.direct_over_pce); 0 = the terms' own cost only.
  unsigned muls_per_term = 0;
};

struct DirectEvalStats {
  std::uint64_t constraints = 0;
  std::uint64_t terms = 0;  // nonzeros of A, B and C evaluated
};

// a[r], b[r], c[r] = row r of A, B, C times the witness inputs ++ aux, for every constraint r, on the
// calling thread. Throws std::invalid_argument when inputs + aux is not the shape's witness length or
// a, b, c do not have one element per constraint.
DirectEvalStats evaluate_direct(const PartitionShape& shape, const PceParams& pce, std::span<const Fr> inputs,
                                std::span<const Fr> aux, std::span<Fr> a, std::span<Fr> b, std::span<Fr> c,
                                const DirectEvalParams& params = {});

}  // namespace zkc::workloads
