// CUDA kernel throughput: forward NTT of 2^20..2^24 Fr and the G1 MSM of 2^20..2^22 points, data
// already on the device (wall time per call, the stream synchronized). Items = elements or points;
// bytes = the device data each call reads. Without a device every benchmark is skipped with the
// reason (no CUDA in this build, no device, no driver).
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "kernels/cuda/cuda_kernels.hpp"
#include "kernels/cuda/device_info.hpp"
#include "kernels/curve/g1.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/field/fr.hpp"

namespace {

using namespace zkc;

// True (and the benchmark marked skipped) when there is no usable device.
bool skipped_without_device(benchmark::State& state) {
  static const std::string why = [] {
    const gpu::Probe p = gpu::probe_devices();
    return p.devices.empty() ? p.status : std::string();
  }();
  if (why.empty()) return false;
  state.SkipWithError(why.c_str());
  return true;
}

void BM_CudaNttForward(benchmark::State& state) {
  if (skipped_without_device(state)) return;
  const auto log_n = static_cast<unsigned>(state.range(0));
  const std::size_t n = std::size_t{1} << log_n;
  cuda::Stream stream(0);
  const cuda::DeviceNttDomain domain(log_n, stream);
  // Any values do: an arithmetic progression is cheap to make at 2^24.
  std::vector<Fr> host(n);
  const Fr step = Fr::from_u64(0x9e3779b97f4a7c15ULL);
  for (std::size_t i = 1; i < n; ++i) host[i] = host[i - 1] + step;
  cuda::DeviceBuffer data(n * sizeof(Fr), stream);
  cuda::copy_to_device(data.data(), host.data(), n * sizeof(Fr), stream);
  for (auto _ : state) {
    cuda::ntt_forward(domain, data.as<Fr>(), stream);
    stream.synchronize();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * sizeof(Fr)));
}
BENCHMARK(BM_CudaNttForward)->DenseRange(20, 24)->ArgNames({"log_n"})->UseRealTime()->Unit(benchmark::kMillisecond);

void BM_CudaMsmG1(benchmark::State& state) {
  if (skipped_without_device(state)) return;
  const auto n = static_cast<std::size_t>(state.range(0));
  cuda::Stream stream(0);
  // 2^14 distinct bases repeated (as PinnedSrs does), random 254-bit scalars (below r).
  const auto distinct = generate_points<G1Params>(std::size_t{1} << 14, 7);
  std::vector<G1Affine> bases(n);
  for (std::size_t i = 0; i < n; ++i) bases[i] = distinct[i % distinct.size()];
  std::mt19937_64 rng(n);
  std::vector<Scalar256> scalars(n);
  for (auto& s : scalars) s = {rng(), rng(), rng(), rng() >> 2};
  cuda::DeviceBuffer d_bases(n * sizeof(G1Affine), stream);
  cuda::DeviceBuffer d_scalars(n * sizeof(Scalar256), stream);
  cuda::copy_to_device(d_bases.data(), bases.data(), n * sizeof(G1Affine), stream);
  cuda::copy_to_device(d_scalars.data(), scalars.data(), n * sizeof(Scalar256), stream);
  for (auto _ : state) {
    benchmark::DoNotOptimize(cuda::msm_g1(d_bases.as<const G1Affine>(), d_scalars.as<const Scalar256>(), n, stream));
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(n));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(n * (sizeof(G1Affine) + sizeof(Scalar256))));
}
BENCHMARK(BM_CudaMsmG1)
    ->RangeMultiplier(2)
    ->Range(1 << 20, 1 << 22)
    ->ArgNames({"points"})
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
