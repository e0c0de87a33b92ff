// RegionSource: where a large buffer's pages come from and what giving them back does
// (memory.release, memory.allocator). HostRegion asks its source for a block and returns it on
// release(), so the release path of every pipeline buffer is one explicit, countable call:
//
//   MmapSource       a fresh mmap per buffer, munmap on release (the real prover's large Vec frees)
//   RecyclingSource  released regions go to a free list of same-sized regions, after
//                    MADV_DONTNEED (pages returned now), MADV_FREE (reclaimed lazily) or nothing
//                    (reuse: pages stay resident); the next buffer of that size takes one back
//   ArenaLease       (arena_slots.hpp) bump allocation in a partition slot's phase arena
//
// A recycled block is not zero-filled (only fresh anonymous pages and MADV_DONTNEED'd ones are):
// every pipeline stage writes its buffers entirely, which the memory tests check with poisoned blocks.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "workloads/memory/memory_options.hpp"

namespace zkc::workloads {

struct RegionBlock {
  void* data = nullptr;
  std::size_t bytes = 0;  // usable bytes (>= the request; page-rounded for mappings)
  bool zero_filled = true;
};

struct RegionStats {
  std::uint64_t acquired = 0;        // blocks handed out
  std::uint64_t fresh = 0;           // ... of which newly mapped (or from the system allocator)
  std::uint64_t recycled = 0;        // ... of which taken back from a free list or an arena
  std::uint64_t released = 0;        // blocks given back
  std::uint64_t release_calls = 0;   // munmap / madvise calls those releases made
  std::uint64_t bytes_released = 0;  // bytes given back
  std::uint64_t bytes_cached = 0;    // bytes held in free lists now (RecyclingSource)
};

class RegionSource {
 public:
  virtual ~RegionSource() = default;
  // A block of at least `bytes` (> 0), page-aligned when it is a mapping. Throws std::system_error
  // (errno text, naming `what` and the size) when no memory can be had.
  virtual RegionBlock acquire(std::size_t bytes, const std::string& what) = 0;
  // Gives a block from acquire() back. Throws std::system_error when the release call fails; the
  // block is forgotten either way.
  virtual void release(const RegionBlock& block, const std::string& what) = 0;
  virtual RegionStats stats() const = 0;
  virtual std::string_view name() const = 0;  // "munmap", "madv_dontneed", "madv_free", "reuse", "arena"
};

// One anonymous private mapping per block; munmap on release.
class MmapSource final : public RegionSource {
 public:
  RegionBlock acquire(std::size_t bytes, const std::string& what) override;
  void release(const RegionBlock& block, const std::string& what) override;
  RegionStats stats() const override;
  std::string_view name() const override { return "munmap"; }

 private:
  std::atomic<std::uint64_t> acquired_{0}, released_{0}, bytes_released_{0};
};

// Free lists of same-sized mappings (sizes are page-rounded; the pipeline's buffers come in a few
// fixed sizes per shape, so lookups hit after the first partition). The release call runs outside
// the lock: serialising munmap-like calls here would be intervention I1 by accident.
class RecyclingSource final : public RegionSource {
 public:
  // kMadvDontneed, kMadvFree or kReuse; kMunmap is MmapSource (std::invalid_argument).
  explicit RecyclingSource(ReleaseMethod method);
  ~RecyclingSource() override;  // unmaps every cached region (failures reported on stderr)
  RecyclingSource(const RecyclingSource&) = delete;
  RecyclingSource& operator=(const RecyclingSource&) = delete;

  RegionBlock acquire(std::size_t bytes, const std::string& what) override;
  void release(const RegionBlock& block, const std::string& what) override;
  RegionStats stats() const override;
  std::string_view name() const override { return to_string(method_); }

 private:
  ReleaseMethod method_;
  mutable std::mutex mutex_;
  std::map<std::size_t, std::vector<void*>> free_;  // mapped size -> regions
  RegionStats stats_;
};

// Maps `bytes` rounded up to whole pages (anonymous, private, read-write, zero-filled); the rounded
// size is returned in block.bytes. Throws std::system_error naming `what`.
RegionBlock map_region(std::size_t bytes, const std::string& what);
// munmap; throws std::system_error naming `what`.
void unmap_region(void* data, std::size_t bytes, const std::string& what);

}  // namespace zkc::workloads
