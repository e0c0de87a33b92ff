// The device G1 MSM and batch addition (cuda_kernels.hpp): scratch layout, the kernel sequence of
// msm_body.cuh / batch_add_body.cuh, and the host-side finish (Horner over the window sums).
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "kernels/cuda/batch_add_body.cuh"
#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/cuda_kernels.hpp"
#include "kernels/cuda/dev_convert.hpp"
#include "kernels/cuda/kernel_launch.hpp"
#include "kernels/cuda/msm_body.cuh"

namespace zkc::cuda {
namespace {

using dev::G1XyzzDev;

constexpr std::size_t kAlign = 256;

std::size_t aligned(std::size_t bytes) { return (bytes + kAlign - 1) / kAlign * kAlign; }

// Hands out consecutive aligned pieces of one scratch buffer; sizing and carving share the code.
class Carver {
 public:
  explicit Carver(void* base = nullptr) : base_(static_cast<char*>(base)) {}
  template <class T>
  T* take(std::size_t count) {
    T* p = base_ == nullptr ? nullptr : reinterpret_cast<T*>(base_ + used_);
    used_ += aligned(count * sizeof(T));
    return p;
  }
  std::size_t used() const { return used_; }

 private:
  char* base_;
  std::size_t used_ = 0;
};

struct MsmScratch {
  std::uint32_t *keys = nullptr, *idx = nullptr, *sorted_keys = nullptr, *sorted_idx = nullptr;
  void* sort_temp = nullptr;
  std::size_t sort_temp_bytes = 0;
  G1XyzzDev *buckets = nullptr, *head = nullptr, *tail = nullptr;
  G1XyzzDev *range_totals = nullptr, *range_sums = nullptr, *window_sums = nullptr;
};

MsmScratch carve_msm(const dev::MsmConfig& cfg, std::size_t sort_temp_bytes, Carver& c) {
  MsmScratch s;
  s.keys = c.take<std::uint32_t>(cfg.points);
  s.idx = c.take<std::uint32_t>(cfg.points);
  s.sorted_keys = c.take<std::uint32_t>(cfg.points);
  s.sorted_idx = c.take<std::uint32_t>(cfg.points);
  s.sort_temp = c.take<char>(sort_temp_bytes);
  s.sort_temp_bytes = sort_temp_bytes;
  s.buckets = c.take<G1XyzzDev>(cfg.windows * cfg.buckets);
  s.head = c.take<G1XyzzDev>(cfg.segments);
  s.tail = c.take<G1XyzzDev>(cfg.segments);
  s.range_totals = c.take<G1XyzzDev>(cfg.windows * cfg.ranges);
  s.range_sums = c.take<G1XyzzDev>(cfg.windows * cfg.ranges);
  s.window_sums = c.take<G1XyzzDev>(cfg.windows);
  return s;
}

std::size_t sort_temp_bytes(std::size_t n) {
  std::size_t bytes = 0;
  check(launch::msm_sort_temp_bytes(n, bytes), "cub::DeviceRadixSort::SortPairs (temp size)");
  return bytes;
}

void check_msm_size(std::size_t n) {
  if (n > std::numeric_limits<std::uint32_t>::max()) {
    throw std::invalid_argument("msm_g1: " + std::to_string(n) + " points; at most 2^32 - 1 per call");
  }
}

}  // namespace

std::size_t msm_g1_scratch_bytes(std::size_t n) {
  if (n == 0) return 0;
  check_msm_size(n);
  Carver sizer;
  carve_msm(dev::msm_config(n), sort_temp_bytes(n), sizer);
  return sizer.used();
}

G1Jacobian msm_g1(const G1Affine* d_bases, const Scalar256* d_scalars, std::size_t n, const Stream& stream) {
  if (n == 0) return G1Jacobian::identity();
  check_msm_size(n);
  if (d_bases == nullptr || d_scalars == nullptr) throw std::invalid_argument("msm_g1: device input is null");
  const dev::MsmConfig cfg = dev::msm_config(n);
  const std::size_t temp_bytes = sort_temp_bytes(n);
  Carver sizer;
  carve_msm(cfg, temp_bytes, sizer);
  DeviceBuffer scratch(sizer.used(), stream);
  Carver carver(scratch.data());
  const MsmScratch s = carve_msm(cfg, temp_bytes, carver);

  const auto* points = reinterpret_cast<const dev::G1AffineDev*>(d_bases);
  const auto* scalars = reinterpret_cast<const dev::ScalarDev*>(d_scalars);
  cudaStream_t h = stream.handle();
  for (unsigned w = 0; w < cfg.windows; ++w) {
    G1XyzzDev* buckets = s.buckets + w * cfg.buckets;
    check(launch::msm_digits(scalars, cfg, w, s.keys, s.idx, h), "msm_digits kernel launch");
    check(launch::msm_sort(s.sort_temp, s.sort_temp_bytes, s.keys, s.sorted_keys, s.idx, s.sorted_idx, n,
                           dev::msm_window_width(cfg, w), h),
          "cub::DeviceRadixSort::SortPairs");
    check(launch::msm_segments(cfg, s.sorted_keys, s.sorted_idx, points, buckets, s.head, s.tail, h),
          "msm_segments kernel launch");
    check(launch::msm_resolve(cfg, s.sorted_keys, s.head, s.tail, buckets, h), "msm_resolve kernel launch");
  }
  check(launch::msm_ranges(cfg, s.buckets, s.range_totals, s.range_sums, h), "msm_ranges kernel launch");
  check(launch::msm_windows(cfg, s.range_totals, s.range_sums, s.window_sums, h), "msm_windows kernel launch");

  std::vector<G1XyzzDev> windows(cfg.windows);
  copy_to_host(windows.data(), s.window_sums, windows.size() * sizeof(G1XyzzDev), stream);
  stream.synchronize();
  scratch.reset();
  return to_host(dev::msm_combine_windows(cfg, windows.data())).to_jacobian();
}

namespace {

// Partials of the first level, and of the second (the levels after it ping-pong between the two).
std::size_t batch_level0(std::size_t n) { return dev::level_outputs(n, dev::kBatchSegment); }
std::size_t batch_level1(std::size_t n) { return dev::level_outputs(batch_level0(n), dev::kSumFanIn); }

}  // namespace

std::size_t batch_add_g1_scratch_bytes(std::size_t n) {
  if (n == 0) return 0;
  return aligned(batch_level0(n) * sizeof(G1XyzzDev)) + aligned(batch_level1(n) * sizeof(G1XyzzDev));
}

G1Jacobian batch_add_g1(const G1Affine* d_bases, const std::uint64_t* d_bits, std::size_t n, const Stream& stream) {
  if (n == 0) return G1Jacobian::identity();
  if (d_bases == nullptr || d_bits == nullptr) throw std::invalid_argument("batch_add_g1: device input is null");
  DeviceBuffer scratch(batch_add_g1_scratch_bytes(n), stream);
  Carver carver(scratch.data());
  G1XyzzDev* cur = carver.take<G1XyzzDev>(batch_level0(n));
  G1XyzzDev* other = carver.take<G1XyzzDev>(batch_level1(n));
  cudaStream_t h = stream.handle();
  check(launch::batch_add_segments(n, reinterpret_cast<const dev::G1AffineDev*>(d_bases), d_bits, cur, h),
        "batch_add_segments kernel launch");
  // Each level writes fewer outputs than the one before read, so two buffers suffice.
  for (std::size_t count = batch_level0(n); count > 1; count = dev::level_outputs(count, dev::kSumFanIn)) {
    check(launch::xyzz_sum(cur, count, other, h), "xyzz_sum kernel launch");
    std::swap(cur, other);
  }
  G1XyzzDev sum;
  copy_to_host(&sum, cur, sizeof sum, stream);
  stream.synchronize();
  scratch.reset();
  return to_host(sum).to_jacobian();
}

}  // namespace zkc::cuda
