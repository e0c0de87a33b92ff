// GpuDevice: what the pipeline needs from a GPU, whatever runs it (the simulated device here, CUDA
// later). The pipeline owns the order and the locking: register_host before the device lock,
// prove_partition under it, unregister_host after it.
#pragma once

#include "model/stages.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "kernels/field/fr.hpp"
#include "workloads/prover/split_vectors.hpp"

namespace zkc::workloads {

struct GpuPartitionInput {
  std::span<const Fr> a, b, c;        // synthesis products, length = constraints
  std::uint64_t domain_size = 0;      // NTT domain (>= constraints)
  const SplitVectors* split = nullptr;  // valid to read once wait_for_prep has returned
  // Page-locked (registered, or from the pinned pool): uploaded at DMA speed. Unpinned a/b/c go
  // through the driver's bounce buffer, several times slower (the sim models it, CUDA does it).
  bool abc_pinned = true;
};

using SteadyTime = std::chrono::steady_clock::time_point;

// The device's own times for one partition, in ms: CUDA event times on the cuda backend, the
// observed stage times (modelled kernel time plus the real host-side copies) on sim. gpu_total_ms
// runs from the first upload to the end of the last kernel, prep wait included.
struct GpuStageTimes {
  double upload_ms = 0;
  double ntt_msm_h_ms = 0;
  double batch_add_ms = 0;
  double tail_msm_ms = 0;
  double gpu_total_ms = 0;
  // gpu.device_buffers = kept: the time taken by d_b's allocation from the device's pool, and whether
  // it grew the pool (the first on a device: the slow one). Zero and false per partition.
  double d_b_alloc_ms = 0;
  bool d_b_first = false;
};
// Reports one device stage ("upload", "ntt_msm_h", "prep_wait", "batch_add", "tail_msm") as it ends.
using StageCallback = std::function<void(model::Stage stage, SteadyTime start, SteadyTime end)>;

class GpuDevice {
 public:
  virtual ~GpuDevice() = default;
  virtual std::string_view backend() const = 0;  // "sim", "cuda"
  virtual int index() const = 0;
  // Page-locks a host region for DMA (cudaHostRegister), before the device lock is taken.
  virtual void register_host(std::span<const std::byte> region) = 0;
  virtual void unregister_host(std::span<const std::byte> region) = 0;
  // The partition's device sequence, called with the device lock held: check free memory,
  // allocate, upload a/b/c, ntt_msm_h, wait_for_prep(), batch_add, tail_msm, free. Throws
  // GpuOutOfMemory when an allocation does not fit (device memory is released again first).
  virtual GpuStageTimes prove_partition(const GpuPartitionInput& input, const std::function<void()>& wait_for_prep,
                                        const StageCallback& on_stage) = 0;
  virtual std::uint64_t vram_peak_bytes() const = 0;
};

}  // namespace zkc::workloads
