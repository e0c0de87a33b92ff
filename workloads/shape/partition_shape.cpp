#include "workloads/shape/partition_shape.hpp"

#include <fmt/format.h>

#include <bit>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"

namespace zkc::workloads {
namespace {

std::uint64_t scaled(std::uint64_t full, double scale) {
  const double v = std::llround(static_cast<double>(full) * scale);
  return v < 1 ? 1 : static_cast<std::uint64_t>(v);
}

std::uint32_t to_u32(std::uint64_t v, const char* what) {
  if (v > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument(fmt::format("{} = {} does not fit the u32 CSR indices", what, v));
  }
  return static_cast<std::uint32_t>(v);
}

}  // namespace

PartitionShape scale_shape(const FullScaleShape& full, double scale) {
  if (!(scale > 0 && scale <= 1)) {
    throw std::invalid_argument(fmt::format("workload.scale = {} is outside (0, 1]", scale));
  }
  if (full.constraints == 0 || full.aux == 0 || full.inputs == 0) {
    throw std::invalid_argument("full-scale constraints, aux and inputs must all be >= 1");
  }
  for (const auto& [name, n] : {std::pair{"srs_l", full.srs_l}, std::pair{"srs_a", full.srs_a},
                                std::pair{"srs_b_g1", full.srs_b_g1}, std::pair{"srs_b_g2", full.srs_b_g2}}) {
    if (n > full.aux) {
      throw std::invalid_argument(
          fmt::format("full-scale {} = {} exceeds the aux variable count {}", name, n, full.aux));
    }
  }
  if (full.domain_log2 > 40) throw std::invalid_argument("full-scale domain_log2 must be <= 40");

  PartitionShape s;
  s.constraints = to_u32(scaled(full.constraints, scale), "constraints");
  s.inputs = to_u32(full.inputs, "inputs");
  s.aux = to_u32(scaled(full.aux, scale), "aux");
  to_u32(std::uint64_t{s.inputs} + s.aux, "witness length");
  const std::uint64_t witness = s.witness_len();
  for (const auto& [name, full_nnz, out] :
       {std::tuple{"nnz_a", full.nnz_a, &s.nnz_a}, std::tuple{"nnz_b", full.nnz_b, &s.nnz_b},
        std::tuple{"nnz_c", full.nnz_c, &s.nnz_c}}) {
    *out = to_u32(scaled(full_nnz, scale), name);
    if (*out > std::uint64_t{s.constraints} * witness) {
      throw std::invalid_argument(fmt::format("{} = {} exceeds rows x columns", name, *out));
    }
  }
  const auto min_log2 = static_cast<unsigned>(std::bit_width(std::uint64_t{s.constraints} - 1));
  const double scaled_domain = std::ldexp(scale, static_cast<int>(full.domain_log2));
  const auto profile_log2 = static_cast<unsigned>(std::max(0.0, std::ceil(std::log2(scaled_domain))));
  s.domain_log2 = std::max(min_log2, profile_log2);
  s.srs_h = scaled(full.srs_h, scale);
  auto capped = [&](std::uint64_t n) { return std::min<std::uint64_t>(scaled(n, scale), s.aux); };
  s.srs_l = capped(full.srs_l);
  s.srs_a = capped(full.srs_a);
  s.srs_b_g1 = capped(full.srs_b_g1);
  s.srs_b_g2 = capped(full.srs_b_g2);
  return s;
}

ShapeBytes shape_bytes(const PartitionShape& s) {
  // In-memory sizes of the harness's types (affine points carry an infinity flag and padding).
  constexpr std::uint64_t kFr = sizeof(Fr), kG1 = sizeof(G1Affine), kG2 = sizeof(G2Affine),
                          kScalar = sizeof(Scalar256);
  ShapeBytes b{};
  const std::uint64_t nnz = s.nnz_a + s.nnz_b + s.nnz_c;
  b.csr_shared = 3 * (std::uint64_t{s.constraints} + 1) * 4 + nnz * (4 + kFr);
  b.witness = std::uint64_t{s.witness_len()} * kFr;
  b.aux = std::uint64_t{s.aux} * kFr;
  b.abc = 3 * std::uint64_t{s.constraints} * kFr;
  const std::uint64_t bitmap = (std::uint64_t{s.aux} + 63) / 64 * 8;
  b.density = 2 * bitmap;
  b.split_vectors = 2 * bitmap + s.srs_a * (kScalar + kG1) + s.srs_b_g2 * (kScalar + kG1 + kG2);
  b.srs_pinned = (s.srs_h + s.srs_l + s.srs_a + s.srs_b_g1) * kG1 + s.srs_b_g2 * kG2;
  b.gpu_staging = 3 * s.domain_size() * kFr;
  return b;
}

}  // namespace zkc::workloads
