// The CUDA side of a partition's proof, as a plain C++ interface (no CUDA headers needed): device
// resources (streams, events, device buffers, page-locked host registrations, memory queries) and
// the kernels the real prover runs on the GPU: NTTs over Fr, the G1 MSM (bucket accumulation and
// reduction) and G1 batch addition.
//
// Device data is typed with the host types (zkc::Fr, zkc::G1Affine, zkc::Scalar256): their device
// twins in fr_dev.cuh / g1_dev.cuh have the same bytes, so host arrays are copied up unchanged.
// Pointers named d_* point to device memory. Every CUDA call's status is checked: a failure
// throws CudaError naming the call. Work is queued on the given Stream; functions that return a
// value to the host synchronize it.
//
// Builds without nvcc link cuda_kernels_nocuda.cpp instead, where everything that would touch a
// device throws std::runtime_error ("this build has no CUDA ...").
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "kernels/curve/g1.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"

// The runtime's handle types (cudaStream_t is CUstream_st*, cudaEvent_t is CUevent_st*).
struct CUstream_st;
struct CUevent_st;

namespace zkc::cuda {

// A CUDA call failed: "<call>: <cudaGetErrorString text> (CUDA error <code>)".
class CudaError : public std::runtime_error {
 public:
  CudaError(const std::string& call, int code, const std::string& text)
      : std::runtime_error(call + ": " + text + " (CUDA error " + std::to_string(code) + ")"), code_(code) {}
  int code() const { return code_; }
  bool out_of_memory() const { return code_ == 2; }  // cudaErrorMemoryAllocation

 private:
  int code_;
};

// ---- Devices and memory ----

// Makes `device` current for the calling thread (CUDA's current device is per thread).
void set_device(int device);

struct DeviceMemInfo {
  std::uint64_t free_bytes = 0;
  std::uint64_t total_bytes = 0;
};
DeviceMemInfo mem_info(int device);  // cudaMemGetInfo

// What the real prover does after a partition: cudaDeviceSynchronize, then give the default
// memory pool's cached blocks back (cudaMemPoolTrimTo(pool, 0)).
void trim_mem_pool(int device);

// gpu.device_buffers = kept: the device's default memory pool keeps what is freed into it
// (cudaMemPoolAttrReleaseThreshold = max), so a stream-ordered buffer freed after one partition
// serves the next one's allocation without a new device allocation. Idempotent.
void keep_pool_memory(int device);

// Page-locked host memory (cudaHostAlloc, portable to all devices; cudaFreeHost): the pinned pool's
// buffers with the cuda backend. host_free reports (does not throw) a failure.
void* host_alloc(std::size_t bytes);
void host_free(void* ptr);

// A non-blocking stream on one device.
class Stream {
 public:
  explicit Stream(int device);  // also makes `device` current for the calling thread
  ~Stream();
  Stream(Stream&& other) noexcept;
  Stream& operator=(Stream&& other) noexcept;
  Stream(const Stream&) = delete;
  Stream& operator=(const Stream&) = delete;

  void synchronize() const;
  CUstream_st* handle() const { return handle_; }
  int device() const { return device_; }

 private:
  CUstream_st* handle_ = nullptr;
  int device_ = 0;
};

// A timing event on the current device.
class Event {
 public:
  Event();
  ~Event();
  Event(Event&& other) noexcept;
  Event& operator=(Event&& other) noexcept;
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  void record(const Stream& stream);
  void synchronize() const;  // waits on the host until the event has completed
  // Device time between two recorded, completed events (cudaEventElapsedTime).
  static double elapsed_ms(const Event& start, const Event& end);

 private:
  CUevent_st* handle_ = nullptr;
};

// Device memory. Stream-ordered buffers (cudaMallocAsync / cudaFreeAsync, from the device's default
// pool) are freed on the stream they were allocated on, which must outlive them; the others use
// cudaMalloc / cudaFree. bytes == 0 allocates nothing.
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(std::size_t bytes, const Stream& stream);
  explicit DeviceBuffer(std::size_t bytes);
  ~DeviceBuffer();  // reset(), reporting (not throwing) a failed free on stderr
  DeviceBuffer(DeviceBuffer&& other) noexcept;
  DeviceBuffer& operator=(DeviceBuffer&& other) noexcept;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void reset();  // frees now; idempotent; throws CudaError when the free fails
  void* data() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }
  template <class T>
  T* as() const {
    return static_cast<T*>(ptr_);
  }

 private:
  void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
  CUstream_st* stream_ = nullptr;  // set for stream-ordered buffers
  bool async_ = false;
};

// Queued on `stream`: host <-> device copies (synchronous with respect to the host when the host
// side is pageable) and zero fills.
void copy_to_device(void* d_dst, const void* src, std::size_t bytes, const Stream& stream);
void copy_to_host(void* dst, const void* d_src, std::size_t bytes, const Stream& stream);
void fill_zero(void* d_dst, std::size_t bytes, const Stream& stream);

// Page-locks a host range for DMA (cudaHostRegister, portable to all devices) until destroyed.
class HostRegistration {
 public:
  HostRegistration() = default;
  HostRegistration(const void* ptr, std::size_t bytes);  // bytes == 0 registers nothing
  ~HostRegistration();  // cudaHostUnregister, reporting (not throwing) a failure on stderr
  HostRegistration(HostRegistration&& other) noexcept;
  HostRegistration& operator=(HostRegistration&& other) noexcept;
  HostRegistration(const HostRegistration&) = delete;
  HostRegistration& operator=(const HostRegistration&) = delete;

  const void* data() const { return ptr_; }
  std::size_t bytes() const { return bytes_; }

 private:
  const void* ptr_ = nullptr;
  std::size_t bytes_ = 0;
};

// ---- NTT over Fr (kernels/ntt's transforms, bit for bit) ----

// The tables of one domain size on the device: the shared-memory stages' twiddles and two-level
// power tables (ntt_tables.hpp), under 2 MiB even at 2^27. Supports log_n <= 31.
class DeviceNttDomain {
 public:
  // Builds the tables on the host and uploads them on `stream` (which must outlive the domain).
  // Throws std::invalid_argument for log_n > 31 or a zero shift.
  DeviceNttDomain(unsigned log_n, const Stream& stream, const Fr& coset_shift = Fr::from_u64(kFrGenerator));

  static std::size_t device_bytes(unsigned log_n);  // what the constructor allocates
  unsigned log_size() const { return log_n_; }
  std::size_t size() const { return std::size_t{1} << log_n_; }
  const Fr& coset_shift() const { return shift_; }
  const Fr& size_inverse() const { return size_inverse_; }
  const Fr& vanishing_inverse() const { return vanishing_inverse_; }  // 1 / (shift^n - 1)

  // Device table addresses and split widths, for the transform functions below.
  struct Tables {
    const Fr* forward_stages = nullptr;
    const Fr* inverse_stages = nullptr;
    const Fr* forward_top_lo = nullptr;
    const Fr* forward_top_hi = nullptr;
    const Fr* inverse_top_lo = nullptr;
    const Fr* inverse_top_hi = nullptr;
    unsigned top_lo_bits = 0;
    const Fr* shift_lo = nullptr;
    const Fr* shift_hi = nullptr;
    const Fr* shift_inverse_lo = nullptr;
    const Fr* shift_inverse_hi = nullptr;
    unsigned shift_lo_bits = 0;
  };
  const Tables& tables() const { return tables_; }

 private:
  unsigned log_n_;
  Fr shift_;
  Fr size_inverse_;
  Fr vanishing_inverse_;
  DeviceBuffer buffer_;
  Tables tables_;
};

// In place on domain.size() elements at d_data, natural order in and out; the same results as
// ntt_forward / ntt_inverse / coset_ntt_forward / coset_ntt_inverse of kernels/ntt/ntt.hpp with the
// domain's coset shift.
void ntt_forward(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream);
void ntt_inverse(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream);
void coset_ntt_forward(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream);
void coset_ntt_inverse(const DeviceNttDomain& domain, Fr* d_data, const Stream& stream);
// Groth16's quotient on the coset: a_i = (a_i b_i - c_i) / (shift^n - 1), over domain.size() elements.
void ntt_h_pointwise(const DeviceNttDomain& domain, Fr* d_a, const Fr* d_b, const Fr* d_c, const Stream& stream);
// Montgomery form to canonical integers in place; returns the same memory as MSM scalars.
Scalar256* fr_to_canonical(Fr* d_data, std::size_t n, const Stream& stream);

// ---- G1 MSM and batch addition ----

// Device scratch msm_g1 allocates (stream-ordered) for n points: sort keys and indices, one bucket
// array per window, partial sums.
std::size_t msm_g1_scratch_bytes(std::size_t n);
// sum_i [s_i] P_i over n < 2^32 device bases and canonical scalars (bits 255 and up ignored);
// identity bases are skipped. Synchronizes the stream.
G1Jacobian msm_g1(const G1Affine* d_bases, const Scalar256* d_scalars, std::size_t n, const Stream& stream);

std::size_t batch_add_g1_scratch_bytes(std::size_t n);
// Sum of the bases i < n whose bit is set in d_bits (bit i % 64 of word i / 64, prep_msm's bitmap
// layout). Synchronizes the stream.
G1Jacobian batch_add_g1(const G1Affine* d_bases, const std::uint64_t* d_bits, std::size_t n, const Stream& stream);

}  // namespace zkc::cuda
