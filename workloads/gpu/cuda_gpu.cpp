#include "workloads/gpu/cuda_gpu.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <utility>

#include "workloads/gpu/vram_model.hpp"

namespace zkc::workloads {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kBitsPerWord = 64;

CudaGpuParams validated(const CudaGpuParams& p) {
  if (p.srs == nullptr) throw std::invalid_argument("CudaGpuParams.srs is null");
  if (p.msm_chunk_points == 0) throw std::invalid_argument("CudaGpuParams.msm_chunk_points must be >= 1");
  return p;
}

void check_input(const GpuPartitionInput& in) {
  if (in.a.size() != in.b.size() || in.a.size() != in.c.size()) {
    throw std::invalid_argument(fmt::format("CudaGpu: a, b, c have {}, {}, {} elements; they must match",
                                            in.a.size(), in.b.size(), in.c.size()));
  }
  if (in.domain_size < in.a.size() || !std::has_single_bit(in.domain_size) ||
      in.domain_size > (std::uint64_t{1} << 31)) {
    throw std::invalid_argument(fmt::format(
        "CudaGpu: domain_size {} must be a power of two in [{} constraints, 2^31]", in.domain_size, in.a.size()));
  }
  if (in.split == nullptr) throw std::invalid_argument("CudaGpu: input.split is null");
}

void check_split(const SplitVectors& s) {
  if (s.a_tail_count > s.a_tail_scalars.size() || s.a_tail_count > s.a_tail_bases.size() ||
      s.b_tail_count > s.b_tail_scalars.size() || s.b_tail_count > s.b_g1_tail_bases.size()) {
    throw std::invalid_argument(fmt::format("CudaGpu: tail counts (A {}, B {}) exceed the split vectors' arrays",
                                            s.a_tail_count, s.b_tail_count));
  }
}

// Async copies read host memory until the stream reaches them: on a failure, wait for the queued
// work (frees included) before the caller may release a, b, c or the split vectors.
template <class Body>
auto drain_on_failure(const cuda::Stream& stream, const Body& body) {
  try {
    return body();
  } catch (...) {
    try {
      stream.synchronize();
    } catch (...) {
      // The original failure is the one to report.
    }
    throw;
  }
}

}  // namespace

// Bytes of this device's budget held for one allocation (or a group used together), given back on
// destruction.
class CudaGpu::Reservation {
 public:
  Reservation(std::atomic<std::uint64_t>& used, std::uint64_t bytes) : used_(&used), bytes_(bytes) {}
  ~Reservation() {
    if (used_ != nullptr) used_->fetch_sub(bytes_);
  }
  Reservation(Reservation&& o) noexcept : used_(std::exchange(o.used_, nullptr)), bytes_(o.bytes_) {}
  Reservation& operator=(Reservation&&) = delete;
  Reservation(const Reservation&) = delete;
  Reservation& operator=(const Reservation&) = delete;

 private:
  std::atomic<std::uint64_t>* used_;
  std::uint64_t bytes_;
};

CudaGpu::CudaGpu(const CudaGpuParams& params) : params_(validated(params)) {
  cuda::set_device(params_.index);  // fails here, not in the first partition, when the device is unusable
  if (params_.keep_device_buffers) cuda::keep_pool_memory(params_.index);
}

// a, b and c over the domain on the device: one stream-ordered d_abc per partition, or (kept) the
// persistent d_a and a pooled d_b holding b and c, allocated on the stream and synchronized as the
// real Dmalloc is, its time and whether it was this device's first in `times`.
struct CudaGpu::AbcDevice {
  std::optional<Reservation> held;
  cuda::DeviceBuffer d_abc, d_bc;
  Fr* v[3] = {nullptr, nullptr, nullptr};
};

CudaGpu::AbcDevice CudaGpu::abc_on_device(std::size_t n, const cuda::Stream& stream, GpuStageTimes& times) {
  AbcDevice abc;
  const std::uint64_t domain_bytes = n * sizeof(Fr);
  if (!params_.keep_device_buffers) {
    abc.held.emplace(reserve("d_abc", 3 * domain_bytes));
    abc.d_abc = cuda::DeviceBuffer(3 * domain_bytes, stream);
    abc.v[0] = abc.d_abc.as<Fr>();
    abc.v[1] = abc.v[0] + n;
    abc.v[2] = abc.v[0] + 2 * n;
    return abc;
  }
  if (d_a_.bytes() != domain_bytes) {
    kept_held_.reset();
    d_a_ = cuda::DeviceBuffer();
    // Both stay: d_a here, d_b in the pool after its first allocation.
    kept_held_ = std::make_unique<Reservation>(reserve("d_a + d_b", 3 * domain_bytes));
    d_a_ = cuda::DeviceBuffer(domain_bytes);
    d_b_seen_ = false;
  }
  const SteadyTime a0 = Clock::now();
  abc.d_bc = cuda::DeviceBuffer(2 * domain_bytes, stream);
  stream.synchronize();
  times.d_b_alloc_ms = std::chrono::duration<double, std::milli>(Clock::now() - a0).count();
  times.d_b_first = !std::exchange(d_b_seen_, true);
  abc.v[0] = d_a_.as<Fr>();
  abc.v[1] = abc.d_bc.as<Fr>();
  abc.v[2] = abc.v[1] + n;
  return abc;
}

CudaGpu::~CudaGpu() = default;

void CudaGpu::register_host(std::span<const std::byte> region) {
  if (region.empty()) return;
  cuda::set_device(params_.index);
  cuda::HostRegistration reg(region.data(), region.size());
  const std::lock_guard lock(mutex_);
  if (!registrations_.emplace(region.data(), std::move(reg)).second) {
    throw std::logic_error(fmt::format("CudaGpu: a region at {} is already registered", fmt::ptr(region.data())));
  }
}

void CudaGpu::unregister_host(std::span<const std::byte> region) {
  if (region.empty()) return;
  cuda::set_device(params_.index);
  cuda::HostRegistration reg;
  {
    const std::lock_guard lock(mutex_);
    const auto it = registrations_.find(region.data());
    if (it == registrations_.end() || it->second.bytes() != region.size()) {
      throw std::logic_error(fmt::format("CudaGpu: unregister of {} bytes at {}, which register_host did not register",
                                         region.size(), fmt::ptr(region.data())));
    }
    reg = std::move(it->second);
    registrations_.erase(it);
  }
  // cudaHostUnregister runs here, outside the lock, as `reg` goes out of scope.
}

CudaPartitionResult CudaGpu::last_result() const {
  const std::lock_guard lock(mutex_);
  return last_;
}

// The real prover's check before each allocation: the free memory cudaMemGetInfo reports, capped
// by vram_limit_bytes minus what this device already holds.
CudaGpu::Reservation CudaGpu::reserve(std::string_view what, std::uint64_t bytes) {
  const cuda::DeviceMemInfo info = cuda::mem_info(params_.index);
  const std::uint64_t used = used_.load();
  std::uint64_t total = info.total_bytes;
  std::uint64_t free_bytes = info.free_bytes;
  if (params_.vram_limit_bytes != 0) {
    total = std::min(total, params_.vram_limit_bytes);
    free_bytes = std::min(free_bytes, total > used ? total - used : 0);
  }
  if (bytes > free_bytes) {
    throw GpuOutOfMemory::for_allocation(what, bytes, free_bytes, total, params_.index);
  }
  const std::uint64_t now = used_.fetch_add(bytes) + bytes;
  std::uint64_t peak = peak_.load();
  while (now > peak && !peak_.compare_exchange_weak(peak, now)) {
  }
  return Reservation(used_, bytes);
}

// sum [s_i] B_i with the bases, and the scalars when they are on the host, uploaded
// msm_chunk_points at a time; d_scalars, when given, already holds all scalars on the device.
G1Jacobian CudaGpu::chunked_msm(std::string_view what, std::span<const G1Affine> bases,
                                std::span<const Scalar256> scalars, const Scalar256* d_scalars,
                                const cuda::Stream& stream) {
  const std::size_t n = bases.size();
  if (n == 0) return G1Jacobian::identity();
  const std::size_t chunk = std::min(n, params_.msm_chunk_points);
  const bool upload_scalars = d_scalars == nullptr;
  const std::size_t per_point = sizeof(G1Affine) + (upload_scalars ? sizeof(Scalar256) : 0);
  const Reservation held = reserve(what, chunk * per_point + cuda::msm_g1_scratch_bytes(chunk));
  cuda::DeviceBuffer d_bases(chunk * sizeof(G1Affine), stream);
  cuda::DeviceBuffer d_chunk_scalars(upload_scalars ? chunk * sizeof(Scalar256) : 0, stream);
  G1Jacobian acc;
  for (std::size_t off = 0; off < n; off += chunk) {
    const std::size_t len = std::min(chunk, n - off);
    cuda::copy_to_device(d_bases.data(), bases.data() + off, len * sizeof(G1Affine), stream);
    const Scalar256* s = nullptr;
    if (upload_scalars) {
      cuda::copy_to_device(d_chunk_scalars.data(), scalars.data() + off, len * sizeof(Scalar256), stream);
      s = d_chunk_scalars.as<const Scalar256>();
    } else {
      s = d_scalars + off;
    }
    acc.add_inplace(cuda::msm_g1(d_bases.as<const G1Affine>(), s, len, stream));
  }
  return acc;
}

// Sum of the bases whose bit is set, msm_chunk_points (rounded down to whole bitmap words) at a time.
G1Jacobian CudaGpu::chunked_batch_add(std::span<const G1Affine> bases, std::span<const std::uint64_t> bits,
                                      const cuda::Stream& stream) {
  const std::size_t n = bases.size();
  if (n == 0) return G1Jacobian::identity();
  const std::size_t chunk =
      std::min(n, std::max(kBitsPerWord, params_.msm_chunk_points / kBitsPerWord * kBitsPerWord));
  const std::size_t chunk_words = (chunk + kBitsPerWord - 1) / kBitsPerWord;
  const Reservation held = reserve("d_batch", chunk_words * sizeof(std::uint64_t) + chunk * sizeof(G1Affine) +
                                                  cuda::batch_add_g1_scratch_bytes(chunk));
  cuda::DeviceBuffer d_bits(chunk_words * sizeof(std::uint64_t), stream);
  cuda::DeviceBuffer d_bases(chunk * sizeof(G1Affine), stream);
  G1Jacobian acc;
  for (std::size_t off = 0; off < n; off += chunk) {
    const std::size_t len = std::min(chunk, n - off);
    const std::size_t words = (len + kBitsPerWord - 1) / kBitsPerWord;
    cuda::copy_to_device(d_bits.data(), bits.data() + off / kBitsPerWord, words * sizeof(std::uint64_t), stream);
    cuda::copy_to_device(d_bases.data(), bases.data() + off, len * sizeof(G1Affine), stream);
    acc.add_inplace(cuda::batch_add_g1(d_bases.as<const G1Affine>(), d_bits.as<const std::uint64_t>(), len, stream));
  }
  return acc;
}

GpuStageTimes CudaGpu::prove_partition(const GpuPartitionInput& input, const std::function<void()>& wait_for_prep,
                                       const StageCallback& on_stage) {
  check_input(input);
  const PinnedSrs& srs = *params_.srs;
  const std::size_t n = input.domain_size;
  const std::size_t m = input.a.size();
  const auto log_n = static_cast<unsigned>(std::countr_zero(input.domain_size));

  cuda::Stream stream(params_.index);
  // Stage boundaries on the device clock.
  cuda::Event upload_start, upload_end, h_end, batch_start, batch_end, tail_start, tail_end;
  auto report = [&on_stage](model::Stage stage, SteadyTime start) {
    const SteadyTime end = Clock::now();
    if (on_stage) on_stage(stage, start, end);
    return end;
  };
  CudaPartitionResult result;
  GpuStageTimes times;

  drain_on_failure(stream, [&] {
    {
      AbcDevice on_device = abc_on_device(n, stream, times);
      auto& abc = on_device.v;

      const SteadyTime t0 = Clock::now();
      upload_start.record(stream);
      for (int k = 0; k < 3; ++k) {
        const std::span<const Fr> host = k == 0 ? input.a : k == 1 ? input.b : input.c;
        cuda::copy_to_device(abc[k], host.data(), m * sizeof(Fr), stream);
        cuda::fill_zero(abc[k] + m, (n - m) * sizeof(Fr), stream);  // zero-pad to the domain
      }
      upload_end.record(stream);
      upload_end.synchronize();
      const SteadyTime t1 = report(model::Stage::kUpload, t0);

      // ntt_msm_h: evaluations -> coefficients -> coset evaluations; h = (a b - c) / Z there; back to
      // coefficients; then the H MSM over h's first min(n - 1, |H|) coefficients (deg h <= n - 2).
      {
        const Reservation tables_held = reserve("d_ntt_tables", cuda::DeviceNttDomain::device_bytes(log_n));
        const cuda::DeviceNttDomain domain(log_n, stream);
        for (Fr* v : abc) {
          cuda::ntt_inverse(domain, v, stream);
          cuda::coset_ntt_forward(domain, v, stream);
        }
        cuda::ntt_h_pointwise(domain, abc[0], abc[1], abc[2], stream);
        cuda::coset_ntt_inverse(domain, abc[0], stream);
      }
      const std::size_t h_count = std::min<std::size_t>(n - 1, srs.h().size());
      const Scalar256* h_scalars = cuda::fr_to_canonical(abc[0], h_count, stream);
      result.h = chunked_msm("d_h_msm", srs.h().first(h_count), {}, h_scalars, stream);
      h_end.record(stream);
      h_end.synchronize();
      report(model::Stage::kNttMsmH, t1);
    }  // d_abc (kept: d_b) is freed (stream-ordered) before prep is waited for, as in the real prover
    // The pool hands freed blocks back at a synchronization, so later free-memory checks see them.
    stream.synchronize();

    const SteadyTime p0 = Clock::now();
    if (wait_for_prep) wait_for_prep();
    report(model::Stage::kPrepWait, p0);
    // Only now may the split vectors be read: prep_msm has filled them.
    const SplitVectors& split = *input.split;
    check_split(split);

    // batch_add: one_bits is indexed by aux variable, as the L section is (prep_msm's classify).
    const SteadyTime b0 = Clock::now();
    batch_start.record(stream);
    const std::size_t l_count = std::min<std::size_t>(srs.l().size(), split.one_bits.size() * kBitsPerWord);
    result.l_ones = chunked_batch_add(srs.l().first(l_count),
                                      std::span<const std::uint64_t>(split.one_bits.data(), split.one_bits.size()),
                                      stream);
    batch_end.record(stream);
    batch_end.synchronize();
    const SteadyTime b1 = report(model::Stage::kBatchAdd, b0);

    // tail_msm: the A and B_G1 tails prep_msm copied out (B_G2's runs on the CPU, b_g2_msm).
    tail_start.record(stream);
    result.a_tail = chunked_msm("d_tail", std::span<const G1Affine>(split.a_tail_bases.data(), split.a_tail_count),
                                std::span<const Scalar256>(split.a_tail_scalars.data(), split.a_tail_count), nullptr,
                                stream);
    result.b_g1_tail =
        chunked_msm("d_tail", std::span<const G1Affine>(split.b_g1_tail_bases.data(), split.b_tail_count),
                    std::span<const Scalar256>(split.b_tail_scalars.data(), split.b_tail_count), nullptr, stream);
    tail_end.record(stream);
    tail_end.synchronize();
    report(model::Stage::kTailMsm, b1);
  });
  if (params_.trim_after_partition) cuda::trim_mem_pool(params_.index);

  times.upload_ms = cuda::Event::elapsed_ms(upload_start, upload_end);
  times.ntt_msm_h_ms = cuda::Event::elapsed_ms(upload_end, h_end);
  times.batch_add_ms = cuda::Event::elapsed_ms(batch_start, batch_end);
  times.tail_msm_ms = cuda::Event::elapsed_ms(tail_start, tail_end);
  times.gpu_total_ms = cuda::Event::elapsed_ms(upload_start, tail_end);
  {
    const std::lock_guard lock(mutex_);
    last_ = result;
  }
  return times;
}

}  // namespace zkc::workloads
