// batch_to_affine: converts many projective points to affine with ONE field inversion
// (Montgomery's trick: invert the product of all denominators, then peel the inverses off
// backwards at 3 multiplications per point). Identities are skipped and come out as identity.
#pragma once

#include <cstddef>
#include <span>
#include <stdexcept>
#include <vector>

namespace zkc {

template <class Proj>
void batch_to_affine(std::span<const Proj> in, std::span<typename Proj::Affine> out) {
  using Field = typename Proj::Field;
  if (in.size() != out.size()) {
    throw std::invalid_argument("batch_to_affine: input and output spans differ in size");
  }
  // prefix[i] = product of the non-zero denominators of in[0..i).
  std::vector<Field> prefix(in.size());
  Field acc = Field::one();
  for (std::size_t i = 0; i < in.size(); ++i) {
    prefix[i] = acc;
    if (!in[i].is_identity()) acc *= in[i].affine_denominator();
  }
  Field inv = acc.inverse();  // inverse of the whole product
  for (std::size_t i = in.size(); i-- > 0;) {
    if (in[i].is_identity()) {
      out[i] = Proj::Affine::identity();
      continue;
    }
    const Field di = inv * prefix[i];  // 1 / denominator(i)
    inv *= in[i].affine_denominator();   // now 1 / prefix[i]
    out[i] = in[i].to_affine_with_inverse(di);
  }
}

}  // namespace zkc
