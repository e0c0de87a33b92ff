// The NTT and Fr element-wise kernels: thin __global__ wrappers over ntt_body.cuh.
#include <cuda_runtime.h>

#include "kernels/cuda/kernel_launch.hpp"
#include "kernels/cuda/launch_grid.cuh"

namespace zkc::cuda::launch {
namespace {

using dev::u64;

__global__ void bit_reverse_kernel(FrDev* a, u64 n, unsigned log_n) {
  const u64 i = thread_index();
  if (i < n) dev::ntt_bit_reverse_body(a, i, log_n);
}

// One block per 2^block_log elements: load to shared memory, run the block's stages, store.
__global__ void block_stages_kernel(FrDev* a, unsigned block_log, const FrDev* stage_table) {
  __shared__ FrDev s[1u << dev::kNttBlockLog];
  const u64 m = u64{1} << block_log;
  FrDev* block = a + static_cast<u64>(blockIdx.x) * m;
  for (u64 i = threadIdx.x; i < m; i += blockDim.x) s[i] = block[i];
  __syncthreads();
  for (unsigned log_h = 0; log_h < block_log; ++log_h) {
    for (u64 k = threadIdx.x; k < m / 2; k += blockDim.x) dev::ntt_block_butterfly(s, stage_table, k, log_h);
    __syncthreads();
  }
  for (u64 i = threadIdx.x; i < m; i += blockDim.x) block[i] = s[i];
}

__global__ void global_stage_kernel(FrDev* a, u64 half, unsigned log_top, unsigned log_h, PowerTableDev top) {
  const u64 k = thread_index();
  if (k < half) dev::ntt_global_butterfly(a, top, log_top, k, log_h);
}

__global__ void scale_kernel(FrDev* a, u64 n, FrDev s) {
  const u64 i = thread_index();
  if (i < n) dev::fr_scale_body(a, i, s);
}

__global__ void scale_by_powers_kernel(FrDev* a, u64 n, PowerTableDev powers) {
  const u64 i = thread_index();
  if (i < n) dev::fr_scale_by_powers_body(a, i, powers);
}

__global__ void h_pointwise_kernel(FrDev* a, const FrDev* b, const FrDev* c, u64 n, FrDev z_inv) {
  const u64 i = thread_index();
  if (i < n) dev::ntt_h_pointwise_body(a, b, c, i, z_inv);
}

__global__ void to_canonical_kernel(FrDev* a, u64 n) {
  const u64 i = thread_index();
  if (i < n) dev::fr_to_canonical_body(a, i);
}

}  // namespace

cudaError_t ntt_bit_reverse(FrDev* a, unsigned log_n, cudaStream_t stream) {
  const u64 n = u64{1} << log_n;
  if (n < 2) return cudaSuccess;
  bit_reverse_kernel<<<blocks_for(n, kFieldThreads), kFieldThreads, 0, stream>>>(a, n, log_n);
  return cudaGetLastError();
}

cudaError_t ntt_block_stages(FrDev* a, unsigned log_n, const FrDev* stage_table, cudaStream_t stream) {
  const unsigned block_log = log_n < dev::kNttBlockLog ? log_n : dev::kNttBlockLog;
  if (block_log == 0) return cudaSuccess;
  const unsigned blocks = static_cast<unsigned>((u64{1} << log_n) >> block_log);
  const unsigned threads = 1u << (block_log - 1);  // one butterfly per thread and stage
  block_stages_kernel<<<blocks, threads, 0, stream>>>(a, block_log, stage_table);
  return cudaGetLastError();
}

cudaError_t ntt_global_stage(FrDev* a, unsigned log_n, unsigned log_h, PowerTableDev top, cudaStream_t stream) {
  const u64 half = (u64{1} << log_n) / 2;
  if (half == 0) return cudaSuccess;
  global_stage_kernel<<<blocks_for(half, kFieldThreads), kFieldThreads, 0, stream>>>(a, half, log_n - 1, log_h, top);
  return cudaGetLastError();
}

cudaError_t fr_scale(FrDev* a, std::uint64_t n, FrDev s, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  scale_kernel<<<blocks_for(n, kFieldThreads), kFieldThreads, 0, stream>>>(a, n, s);
  return cudaGetLastError();
}

cudaError_t fr_scale_by_powers(FrDev* a, std::uint64_t n, PowerTableDev powers, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  scale_by_powers_kernel<<<blocks_for(n, kFieldThreads), kFieldThreads, 0, stream>>>(a, n, powers);
  return cudaGetLastError();
}

cudaError_t ntt_h_pointwise(FrDev* a, const FrDev* b, const FrDev* c, std::uint64_t n, FrDev z_inv,
                            cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  h_pointwise_kernel<<<blocks_for(n, kFieldThreads), kFieldThreads, 0, stream>>>(a, b, c, n, z_inv);
  return cudaGetLastError();
}

cudaError_t fr_to_canonical(FrDev* a, std::uint64_t n, cudaStream_t stream) {
  if (n == 0) return cudaSuccess;
  to_canonical_kernel<<<blocks_for(n, kFieldThreads), kFieldThreads, 0, stream>>>(a, n);
  return cudaGetLastError();
}

}  // namespace zkc::cuda::launch
