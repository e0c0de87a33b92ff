// Conversions between the host arithmetic types (zkc::Fr, zkc::Fp, zkc::G1Affine, zkc::G1Xyzz) and
// their device twins (fr_dev.cuh, fp_dev.cuh, g1_dev.cuh). The layouts are identical, so each is a
// byte copy; the static_asserts here are the host side of that promise.
#pragma once

#include <bit>
#include <cstddef>
#include <cstring>
#include <span>
#include <type_traits>
#include <vector>

#include "kernels/cuda/fr_dev.cuh"
#include "kernels/cuda/g1_dev.cuh"
#include "kernels/curve/g1.hpp"
#include "kernels/field/fp.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"

namespace zkc::cuda {

static_assert(sizeof(dev::FrDev) == sizeof(Fr) && alignof(dev::FrDev) == alignof(Fr));
static_assert(sizeof(dev::FpDev) == sizeof(Fp) && alignof(dev::FpDev) == alignof(Fp));
static_assert(sizeof(dev::ScalarDev) == sizeof(Scalar256));
static_assert(sizeof(dev::G1AffineDev) == sizeof(G1Affine) && alignof(dev::G1AffineDev) == alignof(G1Affine));
static_assert(offsetof(G1Affine, x) == offsetof(dev::G1AffineDev, x) &&
              offsetof(G1Affine, y) == offsetof(dev::G1AffineDev, y) &&
              offsetof(G1Affine, infinity) == offsetof(dev::G1AffineDev, infinity));
static_assert(std::is_trivially_copyable_v<Fr> && std::is_trivially_copyable_v<G1Affine>);

inline dev::FrDev to_dev(const Fr& a) { return std::bit_cast<dev::FrDev>(a); }
inline dev::FpDev to_dev(const Fp& a) { return std::bit_cast<dev::FpDev>(a); }
inline dev::ScalarDev to_dev(const Scalar256& s) { return std::bit_cast<dev::ScalarDev>(s); }
inline dev::G1AffineDev to_dev(const G1Affine& p) {
  dev::G1AffineDev d{};
  d.x = to_dev(p.x);
  d.y = to_dev(p.y);
  d.infinity = p.infinity;
  return d;
}

inline Fr to_host(const dev::FrDev& a) { return std::bit_cast<Fr>(a); }
inline Fp to_host(const dev::FpDev& a) { return std::bit_cast<Fp>(a); }
inline G1Xyzz to_host(const dev::G1XyzzDev& p) {
  G1Xyzz r;
  r.x = to_host(p.x);
  r.y = to_host(p.y);
  r.zz = to_host(p.zz);
  r.zzz = to_host(p.zzz);
  return r;
}

template <class Host>
auto to_dev(std::span<const Host> in) {
  std::vector<decltype(to_dev(in[0]))> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = to_dev(in[i]);
  return out;
}

inline std::vector<Fr> to_host(std::span<const dev::FrDev> in) {
  std::vector<Fr> out(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = to_host(in[i]);
  return out;
}

}  // namespace zkc::cuda
