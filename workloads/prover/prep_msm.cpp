#include "workloads/prover/prep_msm.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <stdexcept>
#include <string>

#include "kernels/msm/pippenger.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"

namespace zkc::workloads {
namespace {

void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument("prep_msm: " + what);
}

void check_inputs(const PartitionShape& shape, std::span<const Fr> aux, std::span<const std::uint64_t> a_density,
                  std::span<const std::uint64_t> b_density, const SplitVectors& out) {
  const std::size_t words = density_words(shape.aux);
  require(aux.size() == shape.aux, fmt::format("aux has {} scalars, the shape {}", aux.size(), shape.aux));
  require(a_density.size() >= words, fmt::format("A density has {} words, {} needed", a_density.size(), words));
  require(b_density.size() >= words, fmt::format("B density has {} words, {} needed", b_density.size(), words));
  require(out.one_bits.size() >= words && out.tail_bits.size() >= words,
          fmt::format("split bitmaps have {} / {} words, {} needed", out.one_bits.size(), out.tail_bits.size(),
                      words));
  require(out.a_tail_scalars.size() >= shape.srs_a && out.a_tail_bases.size() >= shape.srs_a,
          fmt::format("A tail arrays hold fewer than srs_a = {} entries", shape.srs_a));
  require(out.b_tail_scalars.size() >= shape.srs_b_g2 && out.b_g1_tail_bases.size() >= shape.srs_b_g2 &&
              out.b_g2_tail_bases.size() >= shape.srs_b_g2,
          fmt::format("B tail arrays hold fewer than srs_b_g2 = {} entries", shape.srs_b_g2));
}

// Pass 1: one bit per aux scalar in one_bits (== 1) and tail_bits (neither 0 nor 1).
void classify(std::span<const Fr> aux, SplitVectors& out, PrepStats& stats) {
  const std::size_t words = density_words(static_cast<std::uint32_t>(aux.size()));
  for (std::size_t w = 0; w < words; ++w) {
    std::uint64_t ones = 0, tail = 0;
    const std::size_t end = std::min(aux.size(), (w + 1) * 64);
    for (std::size_t i = w * 64; i < end; ++i) {
      const std::uint64_t bit = std::uint64_t{1} << (i % 64);
      if (aux[i].is_one()) {
        ones |= bit;
      } else if (!aux[i].is_zero()) {
        tail |= bit;
      }
    }
    out.one_bits[w] = ones;
    out.tail_bits[w] = tail;
    stats.ones += static_cast<std::size_t>(std::popcount(ones));
    stats.tail += static_cast<std::size_t>(std::popcount(tail));
  }
}

// Pass 2 over one density: calls emit(var, k) for each density member var (the k-th one, so its
// SRS base index is k) whose scalar is in the tail; returns how many.
template <class Emit>
std::size_t walk_tail(std::span<const std::uint64_t> density, const SplitVectors& out, std::size_t aux,
                      const Emit& emit) {
  const std::size_t words = density_words(static_cast<std::uint32_t>(aux));
  std::size_t k = 0, count = 0;
  for (std::size_t w = 0; w < words; ++w) {
    std::uint64_t members = density[w];
    // Bits past aux in the last word are not variables.
    if (w + 1 == words && aux % 64 != 0) members &= (std::uint64_t{1} << (aux % 64)) - 1;
    const std::uint64_t tail = out.tail_bits[w];
    while (members != 0) {
      const unsigned bit = static_cast<unsigned>(std::countr_zero(members));
      members &= members - 1;
      if ((tail >> bit) & 1) emit(w * 64 + bit, k, count++);
      ++k;
    }
  }
  return count;
}

PrepStats prep_pass(const PinnedSrs& srs, std::span<const Fr> aux, std::span<const std::uint64_t> a_density,
                    std::span<const std::uint64_t> b_density, SplitVectors& out) {
  PrepStats stats;
  classify(aux, out, stats);

  const auto srs_a = srs.a();
  const std::size_t a_cap = out.a_tail_scalars.size();
  out.a_tail_count = walk_tail(a_density, out, aux.size(), [&](std::size_t var, std::size_t k, std::size_t n) {
    if (k >= srs_a.size() || n >= a_cap) {
      throw std::invalid_argument(
          fmt::format("prep_msm: the A density has more members than the SRS A section ({} points)", srs_a.size()));
    }
    out.a_tail_scalars[n] = aux[var].to_canonical();
    out.a_tail_bases[n] = srs_a[k];
  });

  const auto srs_b_g1 = srs.b_g1();
  const auto srs_b_g2 = srs.b_g2();
  const std::size_t b_cap = out.b_tail_scalars.size();
  out.b_tail_count = walk_tail(b_density, out, aux.size(), [&](std::size_t var, std::size_t k, std::size_t n) {
    if (k >= srs_b_g2.size() || srs_b_g1.empty() || n >= b_cap) {
      throw std::invalid_argument(
          fmt::format("prep_msm: the B density has more members than the SRS B sections ({} B_G2, {} B_G1 points)",
                      srs_b_g2.size(), srs_b_g1.size()));
    }
    out.b_tail_scalars[n] = aux[var].to_canonical();
    out.b_g2_tail_bases[n] = srs_b_g2[k];
    // B_G1 has as many points as B_G2 in the real key; the modulo keeps a smaller section usable.
    out.b_g1_tail_bases[n] = srs_b_g1[k % srs_b_g1.size()];
  });
  stats.a_tail = out.a_tail_count;
  stats.b_tail = out.b_tail_count;
  return stats;
}

}  // namespace

PrepStats prep_msm(const PartitionShape& shape, const PinnedSrs& srs, std::span<const Fr> aux,
                   std::span<const std::uint64_t> a_density, std::span<const std::uint64_t> b_density,
                   SplitVectors& out, double passes) {
  check_inputs(shape, aux, a_density, b_density, out);
  if (!(passes >= 1 && passes <= 1e6)) {
    throw std::invalid_argument(fmt::format("prep_msm: passes = {} must be in [1, 1e6]", passes));
  }
  const double whole = std::floor(passes);
  const std::size_t part_words =
      static_cast<std::size_t>((passes - whole) * static_cast<double>(density_words(shape.aux)));
  if (part_words > 0) {
    // The same work over a prefix: variables [0, 64 x part_words) of aux and the densities.
    const std::size_t vars = std::min(aux.size(), part_words * 64);
    prep_pass(srs, aux.first(vars), a_density.first(part_words), b_density.first(part_words), out);
  }
  PrepStats stats;
  for (double pass = 0; pass < whole; ++pass) stats = prep_pass(srs, aux, a_density, b_density, out);
  return stats;
}

G2Jacobian b_g2_msm(const SplitVectors& split, ThreadPool& pool, MsmPlan* plan_out, std::size_t max_points,
                    MsmTiming* timing, JobObserver* observer) {
  const std::size_t n = max_points > 0 ? std::min(split.b_tail_count, max_points) : split.b_tail_count;
  if (n > split.b_g2_tail_bases.size() || n > split.b_tail_scalars.size()) {
    throw std::invalid_argument(fmt::format("b_g2_msm: b_tail_count = {} exceeds the tail arrays ({} bases, {} scalars)",
                                            n, split.b_g2_tail_bases.size(), split.b_tail_scalars.size()));
  }
  return msm<G2Params>(std::span<const G2Affine>(split.b_g2_tail_bases.data(), n),
                       std::span<const Scalar256>(split.b_tail_scalars.data(), n), pool, plan_out, 255, timing,
                       observer);
}

}  // namespace zkc::workloads
