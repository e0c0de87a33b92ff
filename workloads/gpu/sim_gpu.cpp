#include "workloads/gpu/sim_gpu.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <thread>
#include <utility>

#include <sys/prctl.h>

namespace zkc::workloads {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kPage = 4096;

// Device memory held across a stage, released on every path out of prove_partition (an OOM in a
// later allocation or a throwing wait_for_prep must not leak device memory).
class DeviceAllocation {
 public:
  DeviceAllocation(VramModel& vram, std::string_view what, std::uint64_t bytes) : vram_(vram) {
    vram_.allocate(what, bytes);
    bytes_ = bytes;
  }
  ~DeviceAllocation() {
    try {
      release();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "zkcontend: %s\n", e.what());
    }
  }
  DeviceAllocation(const DeviceAllocation&) = delete;
  DeviceAllocation& operator=(const DeviceAllocation&) = delete;

  void release() {
    if (bytes_ != 0) vram_.release(std::exchange(bytes_, 0));
  }

 private:
  VramModel& vram_;
  std::uint64_t bytes_ = 0;
};

// Copies into the staging buffer in staging-sized pieces, wrapping around: the bytes moved are the
// real upload's even when the buffer is smaller than the upload.
class StagingWriter {
 public:
  explicit StagingWriter(std::span<std::byte> staging) : staging_(staging) {}

  void copy(std::span<const std::byte> src) {
    while (!src.empty()) {
      if (cursor_ == staging_.size()) cursor_ = 0;
      const std::size_t n = std::min(src.size(), staging_.size() - cursor_);
      std::memcpy(staging_.data() + cursor_, src.data(), n);
      cursor_ += n;
      src = src.subspan(n);
    }
  }
  template <class T>
  void copy(const T* data, std::size_t count) {
    copy(std::as_bytes(std::span<const T>(data, count)));
  }

 private:
  std::span<std::byte> staging_;
  std::size_t cursor_ = 0;
};

// A modelled wait lasts what it models: sleep to just before the deadline, then spin (as a CUDA
// stream synchronize spins or yields), so a 0.2 ms stage is not a 1-7 ms sleep wake-up. The timer
// slack of the calling thread is cut to 1 us once, so the sleep itself ends close to its target.
void model_kernel(double ms) {
  if (ms <= 0) return;
  constexpr auto kSpin = std::chrono::microseconds(300);
  thread_local const bool slack_set = prctl(PR_SET_TIMERSLACK, 1000UL, 0, 0, 0) == 0;
  static_cast<void>(slack_set);  // best effort: without it the sleep only ends later, the spin covers it
  // Rounded up: a stage must never undercut its model.
  const auto deadline = Clock::now() + std::chrono::ceil<std::chrono::nanoseconds>(std::chrono::duration<double, std::milli>(ms));
  if (deadline - Clock::now() > kSpin) std::this_thread::sleep_until(deadline - kSpin);
  while (Clock::now() < deadline) {
#if defined(__x86_64__)
    __builtin_ia32_pause();
#endif
  }
}

// One volatile read in every page the span covers, as cudaHostRegister faults them in to pin them.
void touch_span(std::span<const std::byte> region) {
  if (region.empty()) return;
  const volatile std::byte* p = region.data();
  const auto addr = reinterpret_cast<std::uintptr_t>(region.data());
  for (std::size_t off = 0; off < region.size(); off = (addr + off) / kPage * kPage + kPage - addr) {
    const std::byte b = p[off];
    static_cast<void>(b);
  }
}

SimGpuParams validated(const SimGpuParams& p) {
  if (p.staging_bytes == 0) throw std::invalid_argument("SimGpuParams.staging_bytes must be >= 1");
  for (const auto& [name, ms] : {std::pair{"ntt_msm_h_ms", p.ntt_msm_h_ms}, std::pair{"batch_add_ms", p.batch_add_ms},
                                 std::pair{"tail_msm_ms", p.tail_msm_ms},
                                 std::pair{"register_ns_per_byte", p.register_ns_per_byte}}) {
    if (!(std::isfinite(ms) && ms >= 0)) {
      throw std::invalid_argument(fmt::format("SimGpuParams.{} = {} must be finite and >= 0", name, ms));
    }
  }
  return p;
}

void check_input(const GpuPartitionInput& in) {
  if (in.a.size() != in.b.size() || in.a.size() != in.c.size()) {
    throw std::invalid_argument(
        fmt::format("SimGpu: a, b, c have {}, {}, {} elements; they must match", in.a.size(), in.b.size(), in.c.size()));
  }
  if (in.domain_size < in.a.size()) {
    throw std::invalid_argument(
        fmt::format("SimGpu: domain_size {} is below the {} constraints", in.domain_size, in.a.size()));
  }
  if (in.split == nullptr) throw std::invalid_argument("SimGpu: input.split is null");
}

void check_split(const SplitVectors& s) {
  if (s.a_tail_count > s.a_tail_scalars.size() || s.a_tail_count > s.a_tail_bases.size() ||
      s.b_tail_count > s.b_tail_scalars.size() || s.b_tail_count > s.b_g1_tail_bases.size() ||
      s.b_tail_count > s.b_g2_tail_bases.size()) {
    throw std::invalid_argument(fmt::format("SimGpu: tail counts (A {}, B {}) exceed the split vectors' arrays",
                                            s.a_tail_count, s.b_tail_count));
  }
}

std::uint64_t tail_device_bytes(const SplitVectors& s) {
  return s.b_tail_count * (sizeof(Scalar256) + sizeof(G1Affine) + sizeof(G2Affine)) +
         s.a_tail_count * (sizeof(Scalar256) + sizeof(G1Affine));
}

}  // namespace

SimGpu::SimGpu(const SimGpuParams& params)
    : params_(validated(params)), vram_(params.vram_bytes), staging_(params.staging_bytes, "gpu staging") {
  vram_.set_device_index(params_.index);
  // cudaHostAlloc commits the pinned pages up front; writing them keeps first-use faults out of
  // the first partition's upload.
  std::memset(staging_.data(), 0, staging_.bytes());
}

void SimGpu::register_host(std::span<const std::byte> region) {
  touch_span(region);
  model_kernel(params_.register_ns_per_byte * static_cast<double>(region.size()) / 1e6);
}

// Unpinning has no host-side memory traffic to model.
void SimGpu::unregister_host(std::span<const std::byte> /*region*/) {}

GpuStageTimes SimGpu::prove_partition(const GpuPartitionInput& input, const std::function<void()>& wait_for_prep,
                                      const StageCallback& on_stage) {
  check_input(input);
  // Returns the stage's ms.
  auto run_stage = [&on_stage](model::Stage name, const auto& body) {
    const SteadyTime start = Clock::now();
    body();
    const SteadyTime end = Clock::now();
    if (on_stage) on_stage(name, start, end);
    return std::chrono::duration<double, std::milli>(end - start).count();
  };
  GpuStageTimes times;
  const SteadyTime first = Clock::now();
  StagingWriter staging(staging_.span());

  DeviceAllocation d_abc(vram_, "d_abc", 3 * input.domain_size * sizeof(Fr));
  times.upload_ms = run_stage(model::Stage::kUpload, [&] {
    staging.copy(input.a.data(), input.a.size());
    staging.copy(input.b.data(), input.b.size());
    staging.copy(input.c.data(), input.c.size());
  });
  times.ntt_msm_h_ms = run_stage(model::Stage::kNttMsmH, [&] { model_kernel(params_.ntt_msm_h_ms); });
  d_abc.release();

  run_stage(model::Stage::kPrepWait, [&] {
    if (wait_for_prep) wait_for_prep();
  });
  // Only now may the split vectors be read: prep_msm has filled them.
  const SplitVectors& split = *input.split;
  check_split(split);

  DeviceAllocation d_batch(vram_, "d_batch", split.one_bits.bytes() + split.tail_bits.bytes());
  times.batch_add_ms = run_stage(model::Stage::kBatchAdd, [&] {
    staging.copy(split.one_bits.data(), split.one_bits.size());
    staging.copy(split.tail_bits.data(), split.tail_bits.size());
    model_kernel(params_.batch_add_ms);
  });

  DeviceAllocation d_tail(vram_, "d_tail", tail_device_bytes(split));
  times.tail_msm_ms = run_stage(model::Stage::kTailMsm, [&] {
    staging.copy(split.a_tail_scalars.data(), split.a_tail_count);
    staging.copy(split.a_tail_bases.data(), split.a_tail_count);
    staging.copy(split.b_tail_scalars.data(), split.b_tail_count);
    staging.copy(split.b_g1_tail_bases.data(), split.b_tail_count);
    staging.copy(split.b_g2_tail_bases.data(), split.b_tail_count);
    model_kernel(params_.tail_msm_ms);
  });
  d_tail.release();
  d_batch.release();
  times.gpu_total_ms = std::chrono::duration<double, std::milli>(Clock::now() - first).count();
  return times;
}

}  // namespace zkc::workloads
