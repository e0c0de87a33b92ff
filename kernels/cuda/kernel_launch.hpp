// Internal: the launchers of the __global__ kernels in ntt_kernels.cu, msm_kernels.cu and
// batch_add_kernels.cu, for the host code in cuda_ntt.cpp / cuda_msm.cpp. C++17 and CUDA runtime
// types only, so both nvcc and the host compiler read it. Each launcher queues one kernel (or one
// CUB call) on the stream and returns the launch status (cudaGetLastError), which the caller checks.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

#include "kernels/cuda/fr_dev.cuh"
#include "kernels/cuda/g1_dev.cuh"
#include "kernels/cuda/msm_body.cuh"
#include "kernels/cuda/ntt_body.cuh"

namespace zkc::cuda::launch {

using dev::FrDev;
using dev::G1AffineDev;
using dev::G1XyzzDev;
using dev::MsmConfig;
using dev::PowerTableDev;
using dev::ScalarDev;

// ---- NTT (ntt_kernels.cu) ----
cudaError_t ntt_bit_reverse(FrDev* a, unsigned log_n, cudaStream_t stream);
// Stages 0 .. min(log_n, kNttBlockLog) - 1 of every block, in shared memory.
cudaError_t ntt_block_stages(FrDev* a, unsigned log_n, const FrDev* stage_table, cudaStream_t stream);
// Stage log_h (>= kNttBlockLog) over the whole array.
cudaError_t ntt_global_stage(FrDev* a, unsigned log_n, unsigned log_h, PowerTableDev top, cudaStream_t stream);
cudaError_t fr_scale(FrDev* a, std::uint64_t n, FrDev s, cudaStream_t stream);
cudaError_t fr_scale_by_powers(FrDev* a, std::uint64_t n, PowerTableDev powers, cudaStream_t stream);
cudaError_t ntt_h_pointwise(FrDev* a, const FrDev* b, const FrDev* c, std::uint64_t n, FrDev z_inv,
                            cudaStream_t stream);
cudaError_t fr_to_canonical(FrDev* a, std::uint64_t n, cudaStream_t stream);

// ---- MSM (msm_kernels.cu), steps as numbered in msm_body.cuh ----
// Temporary storage CUB's pair sort needs for n items.
cudaError_t msm_sort_temp_bytes(std::uint64_t n, std::size_t& bytes);
cudaError_t msm_digits(const ScalarDev* scalars, const MsmConfig& cfg, unsigned window, std::uint32_t* keys,
                       std::uint32_t* idx, cudaStream_t stream);
cudaError_t msm_sort(void* temp, std::size_t temp_bytes, const std::uint32_t* keys_in, std::uint32_t* keys_out,
                     const std::uint32_t* idx_in, std::uint32_t* idx_out, std::uint64_t n, unsigned key_bits,
                     cudaStream_t stream);
cudaError_t msm_segments(const MsmConfig& cfg, const std::uint32_t* keys, const std::uint32_t* idx,
                         const G1AffineDev* points, G1XyzzDev* buckets, G1XyzzDev* head, G1XyzzDev* tail,
                         cudaStream_t stream);
cudaError_t msm_resolve(const MsmConfig& cfg, const std::uint32_t* keys, const G1XyzzDev* head,
                        const G1XyzzDev* tail, G1XyzzDev* buckets, cudaStream_t stream);
cudaError_t msm_ranges(const MsmConfig& cfg, const G1XyzzDev* buckets, G1XyzzDev* range_totals,
                       G1XyzzDev* range_sums, cudaStream_t stream);
cudaError_t msm_windows(const MsmConfig& cfg, const G1XyzzDev* range_totals, const G1XyzzDev* range_sums,
                        G1XyzzDev* window_sums, cudaStream_t stream);

// ---- Batch addition (batch_add_kernels.cu) ----
cudaError_t batch_add_segments(std::uint64_t n, const G1AffineDev* bases, const std::uint64_t* bits,
                               G1XyzzDev* partials, cudaStream_t stream);
cudaError_t xyzz_sum(const G1XyzzDev* in, std::uint64_t count, G1XyzzDev* out, cudaStream_t stream);

}  // namespace zkc::cuda::launch
