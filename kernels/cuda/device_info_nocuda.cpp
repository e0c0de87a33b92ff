// Stand-in for device_info.cu when the build has no CUDA compiler.
#include "kernels/cuda/device_info.hpp"

namespace zkc::gpu {

Probe probe_devices() {
  Probe p;
  p.status = "built without CUDA (nvcc was not found at configure time)";
  return p;
}

}  // namespace zkc::gpu
