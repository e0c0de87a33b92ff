// CudaGpu: the GpuDevice of a real NVIDIA GPU, running the partition's device sequence the way the
// real prover does: check free VRAM before each allocation, upload a/b/c on a stream with events,
// ntt_msm_h (the H polynomial by NTTs, then its MSM over the SRS H section), wait for prep_msm,
// batch_add (the L bases whose aux scalar is 1), tail_msm (the A and B_G1 tails), free, and
// optionally synchronize and trim the memory pool. Stage times come from CUDA events.
//
// Compiled in every build: it uses only kernels/cuda/cuda_kernels.hpp, which a build without nvcc
// links as stubs, so there the constructor throws ("this build has no CUDA ...").
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>

#include "kernels/cuda/cuda_kernels.hpp"
#include "kernels/curve/g1.hpp"
#include "workloads/gpu/gpu_device.hpp"
#include "workloads/srs/pinned_srs.hpp"

namespace zkc::workloads {

struct CudaGpuParams {
  int index = 0;
  const PinnedSrs* srs = nullptr;  // the H and L bases come from here; must outlive the device
  // After each partition: cudaDeviceSynchronize + cudaMemPoolTrimTo(0), as the real prover can.
  bool trim_after_partition = false;
  // 0: the device's memory. Lower, this device behaves as one with that much memory (tests use it to
  // reach the out-of-memory path).
  std::uint64_t vram_limit_bytes = 0;
  // Bases per device MSM / batch-add call: the SRS sections are streamed through a buffer this size
  // (x 112 bytes) instead of being held on the device whole (15 GiB for H at full scale).
  std::size_t msm_chunk_points = std::size_t{1} << 22;
  // gpu.device_buffers = kept (the real prover since b5962135): a persistent d_a (cudaMalloc, never
  // freed) and d_b (b and c) from the device's default pool with release threshold = max, so only the
  // first d_b is a real allocation. Leave trim_after_partition off with it: a trim hands d_b back.
  bool keep_device_buffers = false;
};

// The G1 points one partition computed, for tests.
struct CudaPartitionResult {
  G1Jacobian h;          // sum h_i H_i over the first min(n - 1, |H|) coefficients of h
  G1Jacobian l_ones;     // sum of L_j over the aux variables j < |L| whose scalar is 1 (one_bits)
  G1Jacobian a_tail;     // sum of the A tail: [a_tail_scalars_k] a_tail_bases_k
  G1Jacobian b_g1_tail;  // sum of the B_G1 tail: [b_tail_scalars_k] b_g1_tail_bases_k
};

class CudaGpu final : public GpuDevice {
 public:
  // Throws std::invalid_argument for a null srs or a zero chunk, CudaError when the device cannot
  // be used, std::runtime_error in a build without CUDA.
  explicit CudaGpu(const CudaGpuParams& params);
  ~CudaGpu() override;  // unregisters what is still registered

  std::string_view backend() const override { return "cuda"; }
  int index() const override { return params_.index; }
  // cudaHostRegister / cudaHostUnregister of one region, keyed by its start. Thread-safe; empty
  // regions are ignored; unregistering a region that is not registered throws std::logic_error.
  void register_host(std::span<const std::byte> region) override;
  void unregister_host(std::span<const std::byte> region) override;
  // Allocations (MiB in OOM messages): "d_abc" 3 x domain x 32 B (kept: "d_a" once and "d_b" 2 x
  // domain x 32 B, timed in d_b_alloc_ms) and "d_ntt_tables" for ntt_msm_h,
  // "d_h_msm" (H bases chunk + MSM scratch) after them, all released after the stage; "d_batch"
  // (one_bits + L bases chunk + scratch) for batch_add; "d_tail" (scalars + bases chunk + scratch)
  // for tail_msm. Throws GpuOutOfMemory when one does not fit (nothing stays allocated),
  // std::invalid_argument for inconsistent input, CudaError for a failed CUDA call.
  GpuStageTimes prove_partition(const GpuPartitionInput& input, const std::function<void()>& wait_for_prep,
                                const StageCallback& on_stage) override;
  std::uint64_t vram_peak_bytes() const override { return peak_.load(); }

  std::uint64_t vram_in_use_bytes() const { return used_.load(); }  // 0 between partitions
  CudaPartitionResult last_result() const;

 private:
  class Reservation;
  struct AbcDevice;
  Reservation reserve(std::string_view what, std::uint64_t bytes);
  AbcDevice abc_on_device(std::size_t n, const cuda::Stream& stream, GpuStageTimes& times);
  G1Jacobian chunked_msm(std::string_view what, std::span<const G1Affine> bases, std::span<const Scalar256> scalars,
                         const Scalar256* d_scalars, const cuda::Stream& stream);
  G1Jacobian chunked_batch_add(std::span<const G1Affine> bases, std::span<const std::uint64_t> bits,
                               const cuda::Stream& stream);

  CudaGpuParams params_;
  mutable std::mutex mutex_;  // registrations_ and last_
  std::map<const std::byte*, cuda::HostRegistration> registrations_;
  CudaPartitionResult last_;
  std::atomic<std::uint64_t> used_{0};
  std::atomic<std::uint64_t> peak_{0};
  // keep_device_buffers: touched under the device lock only (prove_partition's caller holds it).
  cuda::DeviceBuffer d_a_;
  std::unique_ptr<Reservation> kept_held_;  // d_a and the pool's d_b, for the free-memory checks
  bool d_b_seen_ = false;
};

}  // namespace zkc::workloads
