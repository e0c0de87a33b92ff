#include "kernels/cuda/device_info.hpp"

#include <cuda_runtime.h>

namespace zkc::gpu {

Probe probe_devices() {
  Probe p;
  p.built_with_cuda = true;
  int count = 0;
  if (const cudaError_t err = cudaGetDeviceCount(&count); err != cudaSuccess) {
    p.status = std::string("no usable CUDA device: ") + cudaGetErrorString(err);
    return p;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (const cudaError_t err = cudaGetDeviceProperties(&prop, i); err != cudaSuccess) {
      p.status = std::string("cudaGetDeviceProperties failed: ") + cudaGetErrorString(err);
      continue;
    }
    p.devices.push_back({i, prop.name, prop.totalGlobalMem, prop.major, prop.minor, prop.multiProcessorCount});
  }
  if (p.devices.empty() && p.status.empty()) p.status = "no CUDA device present";
  return p;
}

}  // namespace zkc::gpu
