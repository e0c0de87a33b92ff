// The pinned pool's buffers with the cuda backend: cudaHostAlloc / cudaFreeHost, as the real pool
// allocates them (cuzk-core pinned_pool.rs). A build without CUDA throws on allocate().
#pragma once

#include <string>
#include <string_view>

#include "workloads/memory/pinned_pool.hpp"

namespace zkc::workloads {

class CudaHostAllocator final : public PinnedAllocator {
 public:
  // Throws std::runtime_error naming the buffer and cudaHostAlloc (without CUDA: "this build has no CUDA").
  RegionBlock allocate(std::size_t bytes, const std::string& what) override;
  void free(const RegionBlock& block) override;
  std::string_view name() const override { return "cudaHostAlloc"; }
};

}  // namespace zkc::workloads
