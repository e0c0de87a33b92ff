#include "workloads/memory/host_array.hpp"

#include <cstdio>
#include <exception>
#include <utility>

#include "workloads/memory/syscall_error.hpp"

namespace zkc::workloads {

HostRegion::HostRegion(std::size_t bytes, std::string what, RegionSource* source)
    : what_(std::move(what)), source_(source) {
  if (bytes == 0) return;
  const RegionBlock b = source_ != nullptr ? source_->acquire(bytes, what_) : map_region(bytes, what_);
  data_ = b.data;
  bytes_ = bytes;
  mapped_ = b.bytes;
  zero_filled_ = b.zero_filled;
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
      what_(std::move(other.what_)),
      source_(std::exchange(other.source_, nullptr)),
      zero_filled_(std::exchange(other.zero_filled_, true)) {}

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
    source_ = std::exchange(other.source_, nullptr);
    zero_filled_ = std::exchange(other.zero_filled_, true);
  }
  return *this;
}

void HostRegion::release() {
  if (data_ == nullptr) return;
  // The region is forgotten even when the release call fails: its state is then unknown, and
  // retrying from the destructor would only report the same failure twice.
  void* const p = std::exchange(data_, nullptr);
  const std::size_t mapped = std::exchange(mapped_, 0);
  bytes_ = 0;
  if (source_ != nullptr) {
    source_->release({p, mapped, zero_filled_}, what_);
  } else {
    unmap_region(p, mapped, what_);
  }
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
