// Stand-in for the CUDA implementation of cuda_kernels.hpp when the build has no CUDA compiler:
// the code that uses it links, and anything that would need a device throws.
#include <stdexcept>

#include "kernels/cuda/cuda_kernels.hpp"

namespace zkc::cuda {
namespace {

[[noreturn]] void no_cuda() {
  throw std::runtime_error("this build has no CUDA (nvcc was not found at configure time)");
}

}  // namespace

void set_device(int) { no_cuda(); }
DeviceMemInfo mem_info(int) { no_cuda(); }
void trim_mem_pool(int) { no_cuda(); }
void keep_pool_memory(int) { no_cuda(); }
void* host_alloc(std::size_t) { no_cuda(); }
void host_free(void*) {}

Stream::Stream(int) { no_cuda(); }
Stream::~Stream() = default;
Stream::Stream(Stream&&) noexcept {}
Stream& Stream::operator=(Stream&&) noexcept { return *this; }
void Stream::synchronize() const { no_cuda(); }

Event::Event() { no_cuda(); }
Event::~Event() = default;
Event::Event(Event&&) noexcept {}
Event& Event::operator=(Event&&) noexcept { return *this; }
void Event::record(const Stream&) { no_cuda(); }
void Event::synchronize() const { no_cuda(); }
double Event::elapsed_ms(const Event&, const Event&) { no_cuda(); }

// Only empty buffers and registrations exist here; moving or destroying them has nothing to do.
DeviceBuffer::DeviceBuffer(std::size_t, const Stream&) { no_cuda(); }
DeviceBuffer::DeviceBuffer(std::size_t) { no_cuda(); }
DeviceBuffer::~DeviceBuffer() = default;
DeviceBuffer::DeviceBuffer(DeviceBuffer&&) noexcept {}
DeviceBuffer& DeviceBuffer::operator=(DeviceBuffer&&) noexcept { return *this; }
void DeviceBuffer::reset() {}

void copy_to_device(void*, const void*, std::size_t, const Stream&) { no_cuda(); }
void copy_to_host(void*, const void*, std::size_t, const Stream&) { no_cuda(); }
void fill_zero(void*, std::size_t, const Stream&) { no_cuda(); }

HostRegistration::HostRegistration(const void*, std::size_t) { no_cuda(); }
HostRegistration::~HostRegistration() = default;
HostRegistration::HostRegistration(HostRegistration&&) noexcept {}
HostRegistration& HostRegistration::operator=(HostRegistration&&) noexcept { return *this; }

DeviceNttDomain::DeviceNttDomain(unsigned log_n, const Stream&, const Fr& coset_shift)
    : log_n_(log_n), shift_(coset_shift) {
  no_cuda();
}
std::size_t DeviceNttDomain::device_bytes(unsigned) { no_cuda(); }

void ntt_forward(const DeviceNttDomain&, Fr*, const Stream&) { no_cuda(); }
void ntt_inverse(const DeviceNttDomain&, Fr*, const Stream&) { no_cuda(); }
void coset_ntt_forward(const DeviceNttDomain&, Fr*, const Stream&) { no_cuda(); }
void coset_ntt_inverse(const DeviceNttDomain&, Fr*, const Stream&) { no_cuda(); }
void ntt_h_pointwise(const DeviceNttDomain&, Fr*, const Fr*, const Fr*, const Stream&) { no_cuda(); }
Scalar256* fr_to_canonical(Fr*, std::size_t, const Stream&) { no_cuda(); }

std::size_t msm_g1_scratch_bytes(std::size_t) { no_cuda(); }
G1Jacobian msm_g1(const G1Affine*, const Scalar256*, std::size_t, const Stream&) { no_cuda(); }
std::size_t batch_add_g1_scratch_bytes(std::size_t) { no_cuda(); }
G1Jacobian batch_add_g1(const G1Affine*, const std::uint64_t*, std::size_t, const Stream&) { no_cuda(); }

}  // namespace zkc::cuda
