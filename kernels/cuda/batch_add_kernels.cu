// The G1 batch addition kernels: thin __global__ wrappers over batch_add_body.cuh.
#include <cuda_runtime.h>

#include "kernels/cuda/batch_add_body.cuh"
#include "kernels/cuda/kernel_launch.hpp"
#include "kernels/cuda/launch_grid.cuh"

namespace zkc::cuda::launch {
namespace {

using dev::u64;

__global__ void segments_kernel(u64 n, u64 count, const G1AffineDev* bases, const u64* bits, G1XyzzDev* partials) {
  const u64 t = thread_index();
  if (t < count) dev::batch_add_segment_body(t, n, bases, bits, partials);
}

__global__ void sum_kernel(const G1XyzzDev* in, u64 count, u64 outputs, G1XyzzDev* out) {
  const u64 t = thread_index();
  if (t < outputs) dev::xyzz_sum_body(t, in, count, out);
}

}  // namespace

cudaError_t batch_add_segments(std::uint64_t n, const G1AffineDev* bases, const std::uint64_t* bits,
                               G1XyzzDev* partials, cudaStream_t stream) {
  const u64 count = dev::level_outputs(n, dev::kBatchSegment);
  if (count == 0) return cudaSuccess;
  segments_kernel<<<blocks_for(count, kCurveThreads), kCurveThreads, 0, stream>>>(n, count, bases, bits, partials);
  return cudaGetLastError();
}

cudaError_t xyzz_sum(const G1XyzzDev* in, std::uint64_t count, G1XyzzDev* out, cudaStream_t stream) {
  const u64 outputs = dev::level_outputs(count, dev::kSumFanIn);
  if (outputs == 0) return cudaSuccess;
  sum_kernel<<<blocks_for(outputs, kCurveThreads), kCurveThreads, 0, stream>>>(in, count, outputs, out);
  return cudaGetLastError();
}

}  // namespace zkc::cuda::launch
