#include "harness/engine/sim_device_fit.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "harness/config/config_loader.hpp"
#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/msm/msm_plan.hpp"

namespace zkc::harness {
namespace {

// Device bytes per tail point, as the sim allocates them (sim_gpu.cpp tail_device_bytes): a scalar and
// a G1 base for A; a scalar, a G1 and a G2 base for B.
constexpr double kScalar = sizeof(Scalar256), kG1 = sizeof(G1Affine), kG2 = sizeof(G2Affine);

// Tail points of a section of n: Binomial(n, f) as the witness draws them, bounded by n.
double tail_points(std::uint64_t n, double f) {
  const double m = static_cast<double>(n);
  return std::min(m, std::ceil(m * f + 4 * std::sqrt(m * f * (1 - f)) + 4));
}

}  // namespace

std::uint64_t sim_vram_bytes(const SimDeviceInputs& in, double scale) {
  const workloads::PartitionShape s = workloads::scale_shape(in.full, scale);
  const double domain_ratio =
      std::ldexp(1.0, static_cast<int>(s.domain_log2) - static_cast<int>(in.full.domain_log2));
  return static_cast<std::uint64_t>(in.vram_gib * std::max(scale, domain_ratio) * double(1ull << 30));
}

std::uint64_t sim_partition_bytes(const SimDeviceInputs& in, double scale) {
  const workloads::PartitionShape s = workloads::scale_shape(in.full, scale);
  const double domain = static_cast<double>(s.domain_size()) * kScalar;
  const double bitmaps = 2.0 * std::ceil(static_cast<double>(s.aux) / 64) * 8;
  const double tails = tail_points(s.srs_a, in.tail_fraction) * (kScalar + kG1) +
                       tail_points(s.srs_b_g2, in.tail_fraction) * (kScalar + kG1 + kG2);
  if (in.kept_device_buffers) return static_cast<std::uint64_t>(domain + std::max(2 * domain, bitmaps + tails));
  return static_cast<std::uint64_t>(std::max(3 * domain, bitmaps + tails));
}

void check_sim_device_fits(const SimDeviceInputs& in, double scale) {
  const auto fits = [&](double s) {
    try {
      return sim_partition_bytes(in, s) <= sim_vram_bytes(in, s);
    } catch (const std::invalid_argument&) {  // a shape the profile cannot have at this scale
      return false;
    }
  };
  // A device too small at full scale too is the profile's choice (gpu.vram_gib), and the run fails
  // with the real OOM message as the real device would; only the scale's own rounding is refused here.
  if (fits(scale) || !fits(1.0)) return;
  // The smallest scale from which every larger one fits, on a grid of 20 steps per decade.
  double smallest = 1;
  for (int k = 0; k <= 20 * 9; ++k) {
    const double s = std::pow(10.0, -k / 20.0);
    if (!fits(s)) break;
    smallest = s;
  }
  throw config::ConfigError(fmt::format(
      "workload.scale = {:g}: one partition needs about {} bytes of the simulated device (d_batch + d_tail, or d_abc), "
      "but gpu.vram_gib = {:g} scaled to this size leaves {} bytes (below some scale the domain and the SRS "
      "sections stop shrinking); accepted: workload.scale >= {:.3g}, the smallest that fits, or a larger "
      "gpu.vram_gib",
      scale, sim_partition_bytes(in, scale), in.vram_gib, sim_vram_bytes(in, scale), smallest));
}

}  // namespace zkc::harness
