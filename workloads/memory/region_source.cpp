#include "workloads/memory/region_source.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include <system_error>

#include "workloads/memory/syscall_error.hpp"

namespace zkc::workloads {

RegionBlock map_region(std::size_t bytes, const std::string& what) {
  const std::size_t page = page_size();
  // A request within a page of SIZE_MAX cannot be rounded up; it could never be mapped anyway.
  if (bytes == 0 || bytes > std::numeric_limits<std::size_t>::max() - (page - 1)) {
    throw_syscall_error(bytes == 0 ? EINVAL : ENOMEM, what, "mmap", bytes);
  }
  const std::size_t mapped = (bytes + page - 1) / page * page;
  void* p = ::mmap(nullptr, mapped, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) throw_syscall_error(errno, what, "mmap", bytes);
  return {p, mapped, true};
}

void unmap_region(void* data, std::size_t bytes, const std::string& what) {
  if (::munmap(data, bytes) != 0) throw_syscall_error(errno, what, "munmap", bytes);
}

// ---- MmapSource ------------------------------------------------------------------------------------

RegionBlock MmapSource::acquire(std::size_t bytes, const std::string& what) {
  RegionBlock b = map_region(bytes, what);
  acquired_.fetch_add(1, std::memory_order_relaxed);
  return b;
}

void MmapSource::release(const RegionBlock& block, const std::string& what) {
  released_.fetch_add(1, std::memory_order_relaxed);
  bytes_released_.fetch_add(block.bytes, std::memory_order_relaxed);
  unmap_region(block.data, block.bytes, what);
}

RegionStats MmapSource::stats() const {
  RegionStats s;
  s.acquired = s.fresh = acquired_.load(std::memory_order_relaxed);
  s.released = s.release_calls = released_.load(std::memory_order_relaxed);
  s.bytes_released = bytes_released_.load(std::memory_order_relaxed);
  return s;
}

// ---- RecyclingSource -------------------------------------------------------------------------------

RecyclingSource::RecyclingSource(ReleaseMethod method) : method_(method) {
  if (method == ReleaseMethod::kMunmap) {
    throw std::invalid_argument("RecyclingSource: munmap keeps nothing to recycle; use MmapSource");
  }
}

RecyclingSource::~RecyclingSource() {
  for (auto& [bytes, regions] : free_) {
    for (void* p : regions) {
      if (::munmap(p, bytes) != 0) {
        std::fprintf(stderr, "zkcontend: cached region: munmap of %zu bytes: %s\n", bytes, errno_text(errno).c_str());
      }
    }
  }
}

RegionBlock RecyclingSource::acquire(std::size_t bytes, const std::string& what) {
  const std::size_t page = page_size();
  const std::size_t mapped = bytes == 0 ? 0 : (bytes + page - 1) / page * page;
  {
    std::lock_guard lock(mutex_);
    ++stats_.acquired;
    auto it = free_.find(mapped);
    if (it != free_.end() && !it->second.empty()) {
      void* p = it->second.back();
      it->second.pop_back();
      ++stats_.recycled;
      stats_.bytes_cached -= mapped;
      // MADV_DONTNEED'd anonymous pages read back as zeros; MADV_FREE'd ones may still hold data.
      return {p, mapped, method_ == ReleaseMethod::kMadvDontneed};
    }
    ++stats_.fresh;
  }
  try {
    return map_region(bytes, what);
  } catch (...) {
    std::lock_guard lock(mutex_);
    --stats_.acquired;
    --stats_.fresh;
    throw;
  }
}

void RecyclingSource::release(const RegionBlock& block, const std::string& what) {
  int advice = -1;
  if (method_ == ReleaseMethod::kMadvDontneed) advice = MADV_DONTNEED;
  if (method_ == ReleaseMethod::kMadvFree) advice = MADV_FREE;
  if (advice >= 0 && ::madvise(block.data, block.bytes, advice) != 0) {
    const int err = errno;
    // The region's state is unknown after a failed madvise: unmap it rather than hand it out again.
    { std::lock_guard lock(mutex_); ++stats_.released; ++stats_.release_calls; }
    try {
      unmap_region(block.data, block.bytes, what);
    } catch (const std::system_error&) {
      // The madvise failure is the one to report.
    }
    throw_syscall_error(err, what, method_ == ReleaseMethod::kMadvFree ? "madvise(MADV_FREE)" : "madvise(MADV_DONTNEED)",
                        block.bytes);
  }
  std::lock_guard lock(mutex_);
  ++stats_.released;
  if (advice >= 0) ++stats_.release_calls;
  stats_.bytes_released += block.bytes;
  stats_.bytes_cached += block.bytes;
  free_[block.bytes].push_back(block.data);
}

RegionStats RecyclingSource::stats() const {
  std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace zkc::workloads
