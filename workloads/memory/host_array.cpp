#include "workloads/memory/host_array.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <exception>
#include <limits>
#include <system_error>
#include <utility>

namespace zkc::workloads {
namespace {

std::size_t page_size() {
  // sysconf cannot fail for _SC_PAGESIZE on Linux; the fallback only keeps the arithmetic sane.
  static const std::size_t page = [] {
    const long p = ::sysconf(_SC_PAGESIZE);
    return p > 0 ? static_cast<std::size_t>(p) : std::size_t{4096};
  }();
  return page;
}

[[noreturn]] void throw_errno(int err, const std::string& what, const char* call, std::size_t bytes) {
  throw std::system_error(err, std::generic_category(), fmt::format("{}: {} of {} bytes", what, call, bytes));
}

}  // namespace

HostRegion::HostRegion(std::size_t bytes, std::string what) : what_(std::move(what)) {
  if (bytes == 0) return;
  const std::size_t page = page_size();
  // A request within a page of SIZE_MAX cannot be rounded up; it could never be mapped anyway.
  if (bytes > std::numeric_limits<std::size_t>::max() - (page - 1)) throw_errno(ENOMEM, what_, "mmap", bytes);
  const std::size_t mapped = (bytes + page - 1) / page * page;
  void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw_errno(errno, what_, "mmap", bytes);
  data_ = p;
  bytes_ = bytes;
  mapped_ = mapped;
}

HostRegion::~HostRegion() {
  try {
    release();
  } catch (const std::exception& e) {
    // A destructor must not throw; a failed munmap leaks address space but is not fatal.
    std::fprintf(stderr, "zkcontend: %s\n", e.what());
  }
}

HostRegion::HostRegion(HostRegion&& other) noexcept
    : data_(std::exchange(other.data_, nullptr)),
      bytes_(std::exchange(other.bytes_, 0)),
      mapped_(std::exchange(other.mapped_, 0)),
      what_(std::move(other.what_)) {}

HostRegion& HostRegion::operator=(HostRegion&& other) noexcept {
  if (this != &other) {
    try {
      release();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "zkcontend: %s\n", e.what());
    }
    data_ = std::exchange(other.data_, nullptr);
    bytes_ = std::exchange(other.bytes_, 0);
    mapped_ = std::exchange(other.mapped_, 0);
    what_ = std::move(other.what_);
  }
  return *this;
}

void HostRegion::release() {
  if (data_ == nullptr) return;
  // The region is forgotten even when munmap fails: its state is then unknown, and retrying from the
  // destructor would only report the same failure twice.
  void* const p = std::exchange(data_, nullptr);
  const std::size_t mapped = std::exchange(mapped_, 0);
  const std::size_t bytes = std::exchange(bytes_, 0);
  if (::munmap(p, mapped) != 0) throw_errno(errno, what_, "munmap", bytes);
}

std::size_t HostRegion::touch_pages() const {
  if (data_ == nullptr) return 0;
  const std::size_t page = page_size();
  // Volatile reads: the compiler may not drop them although the values are unused.
  const volatile unsigned char* p = static_cast<const volatile unsigned char*>(data_);
  std::size_t pages = 0;
  for (std::size_t off = 0; off < mapped_; off += page, ++pages) {
    const unsigned char byte = p[off];
    static_cast<void>(byte);
  }
  return pages;
}

}  // namespace zkc::workloads
