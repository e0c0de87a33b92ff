// Internal: turning CUDA runtime statuses into CudaError (throwing) or a stderr report (destructors).
#pragma once

#include <cuda_runtime_api.h>

#include <cstdio>

#include "kernels/cuda/cuda_kernels.hpp"

namespace zkc::cuda {

// Throws CudaError naming `call` unless err is cudaSuccess. A non-sticky error is also cleared
// from the thread's last-error slot, so a later launch check does not report it again.
inline void check(cudaError_t err, const char* call) {
  if (err == cudaSuccess) return;
  static_cast<void>(cudaGetLastError());
  throw CudaError(call, static_cast<int>(err), cudaGetErrorString(err));
}

// For destructors, which must not throw.
inline void report(cudaError_t err, const char* call) {
  if (err == cudaSuccess) return;
  static_cast<void>(cudaGetLastError());
  std::fprintf(stderr, "zkcontend: %s: %s (CUDA error %d)\n", call, cudaGetErrorString(err), static_cast<int>(err));
}

}  // namespace zkc::cuda
