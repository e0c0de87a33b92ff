// Internal, .cu only: grid sizing for one-thread-per-index kernels and the thread's index.
#pragma once

#include <cstdint>

#include "kernels/cuda/hd.cuh"

namespace zkc::cuda::launch {

// Threads per block for the field kernels (memory bound) and the curve kernels (register heavy:
// an XYZZ point alone is 48 registers).
constexpr unsigned kFieldThreads = 256;
constexpr unsigned kCurveThreads = 128;

inline unsigned blocks_for(std::uint64_t count, unsigned threads) {
  return static_cast<unsigned>((count + threads - 1) / threads);
}

__device__ __forceinline__ std::uint64_t thread_index() {
  return static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
}

}  // namespace zkc::cuda::launch
