// The G1 MSM kernels: thin __global__ wrappers over msm_body.cuh, and CUB's radix sort of the
// (digit, point index) pairs.
#include <cub/device/device_radix_sort.cuh>
#include <cuda_runtime.h>

#include "kernels/cuda/kernel_launch.hpp"
#include "kernels/cuda/launch_grid.cuh"

namespace zkc::cuda::launch {
namespace {

using dev::u32;
using dev::u64;

__global__ void digits_kernel(const ScalarDev* scalars, u64 n, unsigned bit0, unsigned width, u32* keys, u32* idx) {
  const u64 i = thread_index();
  if (i < n) dev::msm_digit_body(i, scalars, bit0, width, keys, idx);
}

__global__ void segments_kernel(MsmConfig cfg, const u32* keys, const u32* idx, const G1AffineDev* points,
                                G1XyzzDev* buckets, G1XyzzDev* head, G1XyzzDev* tail) {
  const u64 t = thread_index();
  if (t < cfg.segments) dev::msm_segment_body(t, cfg, keys, idx, points, buckets, head, tail);
}

__global__ void resolve_kernel(MsmConfig cfg, const u32* keys, const G1XyzzDev* head, const G1XyzzDev* tail,
                               G1XyzzDev* buckets) {
  const u64 b = thread_index();
  if (b < cfg.buckets) dev::msm_resolve_body(b, cfg, keys, head, tail, buckets);
}

__global__ void ranges_kernel(MsmConfig cfg, const G1XyzzDev* buckets, G1XyzzDev* totals, G1XyzzDev* sums) {
  const u64 t = thread_index();
  if (t < cfg.windows * cfg.ranges) dev::msm_range_body(t / cfg.ranges, t % cfg.ranges, cfg, buckets, totals, sums);
}

__global__ void windows_kernel(MsmConfig cfg, const G1XyzzDev* totals, const G1XyzzDev* sums, G1XyzzDev* out) {
  const u64 w = thread_index();
  if (w < cfg.windows) dev::msm_window_body(w, cfg, totals, sums, out);
}

}  // namespace

cudaError_t msm_sort_temp_bytes(std::uint64_t n, std::size_t& bytes) {
  bytes = 0;
  return cub::DeviceRadixSort::SortPairs(nullptr, bytes, static_cast<const u32*>(nullptr), static_cast<u32*>(nullptr),
                                         static_cast<const u32*>(nullptr), static_cast<u32*>(nullptr), n, 0,
                                         static_cast<int>(dev::kMsmMaxWindowBits));
}

cudaError_t msm_digits(const ScalarDev* scalars, const MsmConfig& cfg, unsigned window, u32* keys, u32* idx,
                       cudaStream_t stream) {
  if (cfg.points == 0) return cudaSuccess;
  digits_kernel<<<blocks_for(cfg.points, kFieldThreads), kFieldThreads, 0, stream>>>(
      scalars, cfg.points, window * cfg.window_bits, dev::msm_window_width(cfg, window), keys, idx);
  return cudaGetLastError();
}

cudaError_t msm_sort(void* temp, std::size_t temp_bytes, const u32* keys_in, u32* keys_out, const u32* idx_in,
                     u32* idx_out, std::uint64_t n, unsigned key_bits, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  const cudaError_t err = cub::DeviceRadixSort::SortPairs(temp, temp_bytes, keys_in, keys_out, idx_in, idx_out, n, 0,
                                                          static_cast<int>(key_bits), stream);
  return err != cudaSuccess ? err : cudaGetLastError();
}

cudaError_t msm_segments(const MsmConfig& cfg, const u32* keys, const u32* idx, const G1AffineDev* points,
                         G1XyzzDev* buckets, G1XyzzDev* head, G1XyzzDev* tail, cudaStream_t stream) {
  if (cfg.segments == 0) return cudaSuccess;
  segments_kernel<<<blocks_for(cfg.segments, kCurveThreads), kCurveThreads, 0, stream>>>(cfg, keys, idx, points,
                                                                                          buckets, head, tail);
  return cudaGetLastError();
}

cudaError_t msm_resolve(const MsmConfig& cfg, const u32* keys, const G1XyzzDev* head, const G1XyzzDev* tail,
                        G1XyzzDev* buckets, cudaStream_t stream) {
  resolve_kernel<<<blocks_for(cfg.buckets, kCurveThreads), kCurveThreads, 0, stream>>>(cfg, keys, head, tail, buckets);
  return cudaGetLastError();
}

cudaError_t msm_ranges(const MsmConfig& cfg, const G1XyzzDev* buckets, G1XyzzDev* range_totals,
                       G1XyzzDev* range_sums, cudaStream_t stream) {
  const u64 threads = cfg.windows * cfg.ranges;
  ranges_kernel<<<blocks_for(threads, kCurveThreads), kCurveThreads, 0, stream>>>(cfg, buckets, range_totals,
                                                                                   range_sums);
  return cudaGetLastError();
}

cudaError_t msm_windows(const MsmConfig& cfg, const G1XyzzDev* range_totals, const G1XyzzDev* range_sums,
                        G1XyzzDev* window_sums, cudaStream_t stream) {
  windows_kernel<<<blocks_for(cfg.windows, 32), 32, 0, stream>>>(cfg, range_totals, range_sums, window_sums);
  return cudaGetLastError();
}

}  // namespace zkc::cuda::launch
