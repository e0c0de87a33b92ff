// Devices, streams, events, device buffers and host registrations (cuda_kernels.hpp), over the
// CUDA runtime; every call's status checked.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <utility>

#include "kernels/cuda/cuda_check.hpp"
#include "kernels/cuda/cuda_kernels.hpp"

namespace zkc::cuda {

static_assert(cudaErrorMemoryAllocation == 2, "CudaError::out_of_memory() tests this code");

void set_device(int device) { check(cudaSetDevice(device), "cudaSetDevice"); }

DeviceMemInfo mem_info(int device) {
  set_device(device);
  std::size_t free_bytes = 0, total_bytes = 0;
  check(cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo");
  return {free_bytes, total_bytes};
}

void trim_mem_pool(int device) {
  set_device(device);
  check(cudaDeviceSynchronize(), "cudaDeviceSynchronize");
  cudaMemPool_t pool = nullptr;
  check(cudaDeviceGetDefaultMemPool(&pool, device), "cudaDeviceGetDefaultMemPool");
  check(cudaMemPoolTrimTo(pool, 0), "cudaMemPoolTrimTo");
}

void keep_pool_memory(int device) {
  set_device(device);
  cudaMemPool_t pool = nullptr;
  check(cudaDeviceGetDefaultMemPool(&pool, device), "cudaDeviceGetDefaultMemPool");
  std::uint64_t threshold = UINT64_MAX;
  check(cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &threshold), "cudaMemPoolSetAttribute");
}

void* host_alloc(std::size_t bytes) {
  void* p = nullptr;
  check(cudaHostAlloc(&p, bytes, cudaHostAllocPortable), "cudaHostAlloc");
  return p;
}

void host_free(void* ptr) {
  if (ptr != nullptr) report(cudaFreeHost(ptr), "cudaFreeHost");
}

// ---- Stream ----

Stream::Stream(int device) : device_(device) {
  set_device(device);
  check(cudaStreamCreateWithFlags(&handle_, cudaStreamNonBlocking), "cudaStreamCreateWithFlags");
}

Stream::~Stream() {
  if (handle_ != nullptr) report(cudaStreamDestroy(handle_), "cudaStreamDestroy");
}

Stream::Stream(Stream&& other) noexcept
    : handle_(std::exchange(other.handle_, nullptr)), device_(other.device_) {}

Stream& Stream::operator=(Stream&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) report(cudaStreamDestroy(handle_), "cudaStreamDestroy");
    handle_ = std::exchange(other.handle_, nullptr);
    device_ = other.device_;
  }
  return *this;
}

void Stream::synchronize() const { check(cudaStreamSynchronize(handle_), "cudaStreamSynchronize"); }

// ---- Event ----

Event::Event() { check(cudaEventCreate(&handle_), "cudaEventCreate"); }

Event::~Event() {
  if (handle_ != nullptr) report(cudaEventDestroy(handle_), "cudaEventDestroy");
}

Event::Event(Event&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)) {}

Event& Event::operator=(Event&& other) noexcept {
  if (this != &other) {
    if (handle_ != nullptr) report(cudaEventDestroy(handle_), "cudaEventDestroy");
    handle_ = std::exchange(other.handle_, nullptr);
  }
  return *this;
}

void Event::record(const Stream& stream) { check(cudaEventRecord(handle_, stream.handle()), "cudaEventRecord"); }

void Event::synchronize() const { check(cudaEventSynchronize(handle_), "cudaEventSynchronize"); }

double Event::elapsed_ms(const Event& start, const Event& end) {
  float ms = 0;
  check(cudaEventElapsedTime(&ms, start.handle_, end.handle_), "cudaEventElapsedTime");
  return ms;
}

// ---- DeviceBuffer ----

DeviceBuffer::DeviceBuffer(std::size_t bytes, const Stream& stream) : stream_(stream.handle()), async_(true) {
  if (bytes == 0) return;
  check(cudaMallocAsync(&ptr_, bytes, stream_), "cudaMallocAsync");
  bytes_ = bytes;
}

DeviceBuffer::DeviceBuffer(std::size_t bytes) {
  if (bytes == 0) return;
  check(cudaMalloc(&ptr_, bytes), "cudaMalloc");
  bytes_ = bytes;
}

DeviceBuffer::~DeviceBuffer() {
  if (ptr_ == nullptr) return;
  report(async_ ? cudaFreeAsync(ptr_, stream_) : cudaFree(ptr_), async_ ? "cudaFreeAsync" : "cudaFree");
}

DeviceBuffer::DeviceBuffer(DeviceBuffer&& other) noexcept
    : ptr_(std::exchange(other.ptr_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      stream_(other.stream_),
      async_(other.async_) {}

DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&& other) noexcept {
  if (this != &other) {
    if (ptr_ != nullptr) {
      report(async_ ? cudaFreeAsync(ptr_, stream_) : cudaFree(ptr_), async_ ? "cudaFreeAsync" : "cudaFree");
    }
    ptr_ = std::exchange(other.ptr_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    stream_ = other.stream_;
    async_ = other.async_;
  }
  return *this;
}

void DeviceBuffer::reset() {
  if (ptr_ == nullptr) return;
  void* p = std::exchange(ptr_, nullptr);
  bytes_ = 0;
  if (async_) {
    check(cudaFreeAsync(p, stream_), "cudaFreeAsync");
  } else {
    check(cudaFree(p), "cudaFree");
  }
}

// ---- Copies ----

void copy_to_device(void* d_dst, const void* src, std::size_t bytes, const Stream& stream) {
  if (bytes == 0) return;
  check(cudaMemcpyAsync(d_dst, src, bytes, cudaMemcpyHostToDevice, stream.handle()), "cudaMemcpyAsync (to device)");
}

void copy_to_host(void* dst, const void* d_src, std::size_t bytes, const Stream& stream) {
  if (bytes == 0) return;
  check(cudaMemcpyAsync(dst, d_src, bytes, cudaMemcpyDeviceToHost, stream.handle()), "cudaMemcpyAsync (to host)");
}

void fill_zero(void* d_dst, std::size_t bytes, const Stream& stream) {
  if (bytes == 0) return;
  check(cudaMemsetAsync(d_dst, 0, bytes, stream.handle()), "cudaMemsetAsync");
}

// ---- HostRegistration ----

HostRegistration::HostRegistration(const void* ptr, std::size_t bytes) {
  if (bytes == 0) return;
  // cudaHostRegister takes a non-const pointer but only pins the pages.
  check(cudaHostRegister(const_cast<void*>(ptr), bytes, cudaHostRegisterPortable), "cudaHostRegister");
  ptr_ = ptr;
  bytes_ = bytes;
}

HostRegistration::~HostRegistration() {
  if (ptr_ != nullptr) report(cudaHostUnregister(const_cast<void*>(ptr_)), "cudaHostUnregister");
}

HostRegistration::HostRegistration(HostRegistration&& other) noexcept
    : ptr_(std::exchange(other.ptr_, nullptr)), bytes_(std::exchange(other.bytes_, 0)) {}

HostRegistration& HostRegistration::operator=(HostRegistration&& other) noexcept {
  if (this != &other) {
    if (ptr_ != nullptr) report(cudaHostUnregister(const_cast<void*>(ptr_)), "cudaHostUnregister");
    ptr_ = std::exchange(other.ptr_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
  }
  return *this;
}

}  // namespace zkc::cuda
