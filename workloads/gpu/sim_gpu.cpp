#include "workloads/gpu/sim_gpu.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <exception>
#include <optional>
#include <stdexcept>
#include <thread>
#include <utility>

#include <sys/prctl.h>

namespace zkc::workloads {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kPage = 4096;

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

// Device memory held across a stage, released on every path out of prove_partition (an OOM in a
// later allocation or a throwing wait_for_prep must not leak device memory). Per partition it is a
// device allocation of its own; with kept device buffers a block of the device's pool, whose growth
// (a real allocation, the slow first one) is waited for as modelled time.
class DeviceBlock {
 public:
  DeviceBlock(VramModel& vram, VramPool* pool, std::string_view what, std::uint64_t bytes, double growth_ns_per_byte)
      : vram_(vram), pool_(pool) {
    if (pool_ == nullptr) {
      vram_.allocate(what, bytes);
    } else {
      grown_ = pool_->allocate(what, bytes);
      model_kernel(growth_ns_per_byte * static_cast<double>(grown_) / 1e6);
    }
    bytes_ = bytes;
  }
  ~DeviceBlock() {
    try {
      release();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "zkcontend: %s\n", e.what());
    }
  }
  DeviceBlock(const DeviceBlock&) = delete;
  DeviceBlock& operator=(const DeviceBlock&) = delete;

  void release() {
    if (bytes_ == 0) return;
    const std::uint64_t b = std::exchange(bytes_, 0);
    if (pool_ != nullptr) {
      pool_->release(b);  // freed into the pool: still reserved on the device
    } else {
      vram_.release(b);
    }
  }
  bool grew() const { return grown_ != 0; }

 private:
  VramModel& vram_;
  VramPool* pool_;
  std::uint64_t bytes_ = 0;
  std::uint64_t grown_ = 0;
};

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
                                 std::pair{"register_ns_per_byte", p.register_ns_per_byte},
                                 std::pair{"unpinned_upload_ns_per_byte", p.unpinned_upload_ns_per_byte},
                                 std::pair{"pool_growth_ns_per_byte", p.pool_growth_ns_per_byte}}) {
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
  if (params_.keep_device_buffers) pool_ = std::make_unique<VramPool>(vram_);
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

// The real prover's d_a cache: allocated on first use (again only if the size changes), never freed.
void SimGpu::hold_d_a(std::uint64_t bytes) {
  if (d_a_bytes_ == bytes) return;
  if (d_a_bytes_ != 0) vram_.release(std::exchange(d_a_bytes_, 0));
  vram_.allocate("d_a", bytes);
  d_a_bytes_ = bytes;
}

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
  VramPool* const pool = pool_.get();
  const double growth_ns = params_.pool_growth_ns_per_byte;
  const std::uint64_t domain_bytes = input.domain_size * sizeof(Fr);

  std::optional<DeviceBlock> d_abc;
  if (pool != nullptr) {
    hold_d_a(domain_bytes);
  } else {
    d_abc.emplace(vram_, nullptr, "d_abc", 3 * domain_bytes, 0.0);
  }
  times.upload_ms = run_stage(model::Stage::kUpload, [&] {
    staging.copy(input.a.data(), input.a.size());
    staging.copy(input.b.data(), input.b.size());
    staging.copy(input.c.data(), input.c.size());
    if (!input.abc_pinned) {
      const auto bytes = static_cast<double>(3 * input.a.size() * sizeof(Fr));
      model_kernel(params_.unpinned_upload_ns_per_byte * bytes / 1e6);
    }
  });
  times.ntt_msm_h_ms = run_stage(model::Stage::kNttMsmH, [&] {
    std::optional<DeviceBlock> d_b;  // kept: b and c, freed into the pool after the stage
    if (pool != nullptr) {
      const SteadyTime a0 = Clock::now();
      d_b.emplace(vram_, pool, "d_b", 2 * domain_bytes, growth_ns);
      times.d_b_alloc_ms = std::chrono::duration<double, std::milli>(Clock::now() - a0).count();
      times.d_b_first = d_b->grew();
    }
    model_kernel(params_.ntt_msm_h_ms);
  });
  if (d_abc) d_abc->release();

  run_stage(model::Stage::kPrepWait, [&] {
    if (wait_for_prep) wait_for_prep();
  });
  // Only now may the split vectors be read: prep_msm has filled them.
  const SplitVectors& split = *input.split;
  check_split(split);

  DeviceBlock d_batch(vram_, pool, "d_batch", split.one_bits.bytes() + split.tail_bits.bytes(), growth_ns);
  times.batch_add_ms = run_stage(model::Stage::kBatchAdd, [&] {
    staging.copy(split.one_bits.data(), split.one_bits.size());
    staging.copy(split.tail_bits.data(), split.tail_bits.size());
    model_kernel(params_.batch_add_ms);
  });

  DeviceBlock d_tail(vram_, pool, "d_tail", tail_device_bytes(split), growth_ns);
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
