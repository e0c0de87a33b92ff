#include "workloads/prover/split_vectors.hpp"

#include <exception>

#include "workloads/synthesis/synthesis_steps.hpp"

namespace zkc::workloads {

std::uint64_t SplitVectors::bytes() const {
  return one_bits.bytes() + tail_bits.bytes() + a_tail_scalars.bytes() + a_tail_bases.bytes() +
         b_tail_scalars.bytes() + b_g1_tail_bases.bytes() + b_g2_tail_bases.bytes();
}

void SplitVectors::release() {
  // Every array is released even when one munmap fails; the first failure is rethrown after.
  std::exception_ptr first;
  auto release_one = [&first](auto& array) {
    try {
      array.release();
    } catch (...) {
      if (!first) first = std::current_exception();
    }
  };
  release_one(one_bits);
  release_one(tail_bits);
  release_one(a_tail_scalars);
  release_one(a_tail_bases);
  release_one(b_tail_scalars);
  release_one(b_g1_tail_bases);
  release_one(b_g2_tail_bases);
  a_tail_count = 0;
  b_tail_count = 0;
  if (first) std::rethrow_exception(first);
}

SplitVectors allocate_split_vectors(const PartitionShape& shape, RegionSource* source) {
  const std::size_t words = density_words(shape.aux);
  SplitVectors v;
  v.one_bits = HostArray<std::uint64_t>(words, "split one_bits", source);
  v.tail_bits = HostArray<std::uint64_t>(words, "split tail_bits", source);
  v.a_tail_scalars = HostArray<Scalar256>(shape.srs_a, "split a_tail_scalars", source);
  v.a_tail_bases = HostArray<G1Affine>(shape.srs_a, "split a_tail_bases", source);
  // The B_G1 and B_G2 tails share their variables (the B density, shape.srs_b_g2 of them).
  v.b_tail_scalars = HostArray<Scalar256>(shape.srs_b_g2, "split b_tail_scalars", source);
  v.b_g1_tail_bases = HostArray<G1Affine>(shape.srs_b_g2, "split b_g1_tail_bases", source);
  v.b_g2_tail_bases = HostArray<G2Affine>(shape.srs_b_g2, "split b_g2_tail_bases", source);
  return v;
}

}  // namespace zkc::workloads
