// HostArray<T>: a large buffer with an explicit release path. By default it is its own mmap, so
// releasing it is a munmap (the operation whose TLB shootdowns the pipeline studies), never hidden
// in a malloc arena; with a RegionSource (region_source.hpp) its pages come from, and go back to,
// that source instead (free lists, madvise, a phase arena).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <type_traits>

#include "workloads/memory/region_source.hpp"

namespace zkc::workloads {

// Untyped region: anonymous private mmap of `bytes` (rounded up to the page size), zero-filled; or a
// block of `source`, which must outlive the region (zero-filled only if zero_filled()).
class HostRegion {
 public:
  HostRegion() = default;
  // Throws std::system_error (errno text, naming `what` and the size) when mmap fails. bytes == 0
  // maps nothing.
  HostRegion(std::size_t bytes, std::string what, RegionSource* source = nullptr);
  ~HostRegion();  // release(), reporting (not throwing) a munmap failure on stderr
  HostRegion(HostRegion&& other) noexcept;
  HostRegion& operator=(HostRegion&& other) noexcept;
  HostRegion(const HostRegion&) = delete;
  HostRegion& operator=(const HostRegion&) = delete;

  void* data() const { return data_; }
  std::size_t bytes() const { return bytes_; }        // as requested
  std::size_t mapped_bytes() const { return mapped_; }  // page-rounded
  const std::string& what() const { return what_; }
  bool zero_filled() const { return zero_filled_; }  // false for a recycled block: stale bytes
  // munmap now (or give the block back to its source); idempotent. Throws std::system_error with
  // errno text when the release call fails.
  void release();
  // Reads one byte per page so every page is resident, as cudaHostRegister pins them; returns the
  // number of pages touched.
  std::size_t touch_pages() const;

 private:
  void* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t mapped_ = 0;
  std::string what_;
  RegionSource* source_ = nullptr;
  bool zero_filled_ = true;
};

template <class T>
class HostArray {
  static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>,
                "HostArray holds plain data: pages start zero-filled and are unmapped without destructors");

 public:
  HostArray() = default;
  HostArray(std::size_t count, std::string what, RegionSource* source = nullptr)
      : region_(count * sizeof(T), std::move(what), source), count_(count) {}

  T* data() const { return static_cast<T*>(region_.data()); }
  std::size_t size() const { return count_; }
  std::size_t bytes() const { return region_.bytes(); }
  std::span<T> span() const { return {data(), count_}; }
  T& operator[](std::size_t i) const { return data()[i]; }
  const HostRegion& region() const { return region_; }
  void release() {
    region_.release();
    count_ = 0;
  }

 private:
  HostRegion region_;
  std::size_t count_ = 0;
};

}  // namespace zkc::workloads
