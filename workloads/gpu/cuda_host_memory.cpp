#include "workloads/gpu/cuda_host_memory.hpp"

#include <fmt/format.h>

#include <stdexcept>

#include "kernels/cuda/cuda_kernels.hpp"

namespace zkc::workloads {

RegionBlock CudaHostAllocator::allocate(std::size_t bytes, const std::string& what) {
  try {
    // Not zero-filled: cudaHostAlloc promises nothing about the contents.
    return {cuda::host_alloc(bytes), bytes, false};
  } catch (const cuda::CudaError& e) {
    throw std::runtime_error(fmt::format("{}: {} bytes of pinned memory: {}", what, bytes, e.what()));
  }
}

void CudaHostAllocator::free(const RegionBlock& block) { cuda::host_free(block.data); }

}  // namespace zkc::workloads
