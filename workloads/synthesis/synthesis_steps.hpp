// The steps of a partition's synthesis after witness generation, as the real prover runs them:
// the unified witness copy, the three products a = A*w, b = B*w, c = C*w on the shared synthesis
// pool (8192-row chunks, with the membw throttle check of intervention I3), and the density bitmaps
// of the assignment.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <span>

#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/shape/partition_shape.hpp"

namespace zkc::workloads {

// out = inputs ++ aux (a real copy: the prover builds one witness vector for the SpMV).
// Throws std::invalid_argument when out.size() != inputs.size() + aux.size().
void unify_witness(std::span<const Fr> inputs, std::span<const Fr> aux, std::span<Fr> out);

// Intervention I3's check: every `check_every` chunks a SpMV worker loads the flags (one per GPU
// device) and, when any is > 0, calls sched_yield once. No flags = no check (the baseline).
struct ThrottleCheck {
  std::span<const std::atomic<int>* const> flags = {};
  std::size_t check_every = 64;  // >= 1
};

struct ProductStats {
  std::uint64_t chunks = 0;  // chunks processed over the three products
  std::uint64_t checks = 0;  // throttle flag loads
  std::uint64_t yields = 0;  // loads that saw the flag set and yielded
};

// a = A*w, b = B*w, c = C*w, one after the other, each with spmv() over `pool`; observer (optional)
// sees each worker's share of each product (per-task counters).
// Throws std::invalid_argument on size mismatches (as spmv does) or chunk_rows == 0.
ProductStats evaluate_products(const SharedPce& pce, std::span<const Fr> w, std::span<Fr> a, std::span<Fr> b,
                               std::span<Fr> c, ThreadPool& pool, const ThrottleCheck& throttle,
                               std::size_t chunk_rows = 8192, JobObserver* observer = nullptr);

// Which aux variables have a base in the SRS sections A and B (B_G1 / B_G2): `count` variables
// spread evenly over aux, variable floor(k * aux / count) for k in [0, count).
std::size_t density_words(std::uint32_t aux);  // 64-bit words of one bitmap
// Writes the A density (shape.srs_a variables) and B density (shape.srs_b_g2 variables) bitmaps.
// Throws std::invalid_argument when a span has fewer than density_words(shape.aux) words.
void build_density(const PartitionShape& shape, std::span<std::uint64_t> a_density,
                   std::span<std::uint64_t> b_density);

}  // namespace zkc::workloads
