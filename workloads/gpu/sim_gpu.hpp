// SimGpu: the simulated GPU for machines without one. Kernel time is modelled (a sleep of the
// profile's duration, scaled), but the host-side work the real device path does on the CPU is real:
// registering a/b/c touches every page, uploads are memcpy into a pinned staging buffer, and the
// batch_add / tail_msm inputs (bitmaps, tail scalars and bases) are copied too, so device-side time
// inflates under memory contention as the real one does. Device memory follows the real allocation
// sequence against a VramModel budget.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "workloads/gpu/gpu_device.hpp"
#include "workloads/gpu/vram_model.hpp"
#include "workloads/memory/host_array.hpp"

namespace zkc::workloads {

struct SimGpuParams {
  int index = 0;
  std::uint64_t vram_bytes = 0;
  std::uint64_t staging_bytes = 0;  // pinned staging buffer, >= the largest upload (3 x domain x 32 B)
  // Modelled kernel time per stage, added after the stage's real host-side copies.
  double ntt_msm_h_ms = 0;
  double batch_add_ms = 0;
  double tail_msm_ms = 0;
  // Modelled cudaHostRegister time per byte registered (pinning cost grows with the bytes).
  double register_ns_per_byte = 0;
  // Unpinned a/b/c (input.abc_pinned false) go through the driver's bounce buffer: the modelled time
  // per byte they add to the upload (a pinned upload's own time is inside ntt_msm_h_ms, as in the seed).
  double unpinned_upload_ns_per_byte = 0;
  // gpu.device_buffers = kept: a persistent d_a, and d_b, d_batch, d_tail from a pool that keeps what
  // is freed into it (VramPool); growing the pool costs this much per byte (the first d_b's allocation).
  bool keep_device_buffers = false;
  double pool_growth_ns_per_byte = 0;
};

class SimGpu final : public GpuDevice {
 public:
  explicit SimGpu(const SimGpuParams& params);

  std::string_view backend() const override { return "sim"; }
  int index() const override { return params_.index; }
  void register_host(std::span<const std::byte> region) override;
  void unregister_host(std::span<const std::byte> region) override;
  // Allocation sequence (bytes): "d_abc" 3 x domain x 32 for ntt_msm_h, released after it;
  // "d_batch" one_bits + split-vector bitmaps for batch_add; "d_tail" tail scalars + bases for
  // tail_msm; all released at the end. With keep_device_buffers: "d_a" domain x 32 once, kept;
  // "d_b" 2 x domain x 32 (b and c) from the pool in ntt_msm_h, as the real CUZK_NTT_H d_b_alloc;
  // d_batch and d_tail from the pool too. Called under the device lock (the state below relies on it).
  GpuStageTimes prove_partition(const GpuPartitionInput& input, const std::function<void()>& wait_for_prep,
                                const StageCallback& on_stage) override;
  std::uint64_t vram_peak_bytes() const override { return vram_.peak(); }
  const VramModel& vram() const { return vram_; }

 private:
  void hold_d_a(std::uint64_t bytes);

  SimGpuParams params_;
  VramModel vram_;
  HostArray<std::byte> staging_;
  std::unique_ptr<VramPool> pool_;  // keep_device_buffers only
  std::uint64_t d_a_bytes_ = 0;     // the persistent d_a (keep_device_buffers)
};

}  // namespace zkc::workloads
