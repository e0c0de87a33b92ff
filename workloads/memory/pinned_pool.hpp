// PinnedPool: reused page-locked host buffers for a partition's a/b/c (memory.abc_buffers =
// pinned_pool), as the real prover has had since commits e3f74b0e and 48dccd93 (cuzk-core's
// pinned_pool.rs): synthesis checks out three buffers and writes a/b/c into them, the device copies
// them at pinned speed, and after the GPU stages they are checked back in for the next partition
// instead of being freed, so no partition unmaps (or page-locks) its a/b/c.
//
//   checkout(min_bytes)  the smallest free buffer of at least min_bytes (best fit), else a new one
//   checkin(buffer)      back to the free list; never freed here
//   shrink(target)       frees free buffers, largest first, until target bytes are freed (the real
//                        pool's evictor hook; the budget calls it when a reservation needs memory)
//   idle shrink          with Options::idle_ms, a reaper thread frees every free buffer once the pool
//                        has had no checkout or checkin for that long (the real evictor's idle key,
//                        scaled; the real pool is shrunk only when the budget needs memory)
//
// Where page-locked memory comes from is a PinnedAllocator: cudaHostAlloc with the cuda backend
// (workloads/gpu/cuda_host_memory), mmap + mlock otherwise (LockedMmapAllocator).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "workloads/memory/region_source.hpp"

namespace zkc::workloads {

// Page-locked memory, allocated and freed whole.
class PinnedAllocator {
 public:
  virtual ~PinnedAllocator() = default;
  // At least `bytes` (> 0) of host memory, page-locked where this process may lock it; the size
  // actually allocated is returned (page-rounded for mappings). Throws (std::system_error with errno
  // text, or the backend's error naming its call) when no memory can be had; `what` names the buffer.
  virtual RegionBlock allocate(std::size_t bytes, const std::string& what) = 0;
  // Frees a block from allocate(); reports a failure on stderr (freeing happens in shrinks and
  // destructors, where throwing would lose the other buffers).
  virtual void free(const RegionBlock& block) = 0;
  virtual std::string_view name() const = 0;  // "cudaHostAlloc", "mmap+mlock"
  // Why some memory is not page-locked ("" when all of it is): the first reason, said once.
  virtual std::string note() const { return ""; }
};

// mmap + mlock, the simulated device's stand-in for cudaHostAlloc. When mlock is refused (ENOMEM
// under RLIMIT_MEMLOCK, EPERM) the buffer stays mapped unlocked with its pages touched, the first
// refusal is kept in note(), and the run goes on: a missing capability never fails a run.
class LockedMmapAllocator final : public PinnedAllocator {
 public:
  RegionBlock allocate(std::size_t bytes, const std::string& what) override;
  void free(const RegionBlock& block) override;
  std::string_view name() const override { return "mmap+mlock"; }
  std::string note() const override;

 private:
  mutable std::mutex mutex_;
  std::string note_;
};

struct PinnedPoolStats {
  std::uint64_t checkouts = 0;     // buffers handed out
  std::uint64_t allocations = 0;   // ... of which newly allocated ("allocated new buffer")
  std::uint64_t reuses = 0;        // ... of which taken from the free list ("checkout (reuse)")
  std::uint64_t checkins = 0;      // buffers given back
  std::uint64_t shrinks = 0;       // buffers freed by shrink() or the idle reaper
  std::uint64_t bytes_allocated = 0;  // over the pool's life
  std::uint64_t bytes_freed = 0;      // by shrinks
  std::uint64_t bytes_held = 0;       // allocated and not freed, now (checked out or free)
  std::uint64_t bytes_free = 0;       // in the free list, now
  std::uint64_t bytes_peak = 0;       // the most bytes_held reached
  std::uint64_t buffers_free = 0;     // in the free list, now
};

// What the pool did, for a timeline: one checkout, checkin or shrink.
struct PinnedPoolEvent {
  enum class Kind { kCheckout, kCheckin, kShrink } kind = Kind::kCheckout;
  bool reused = false;            // checkout: from the free list (else newly allocated)
  std::uint64_t bytes = 0;        // the buffer's size; shrink: the bytes freed
  std::uint64_t buffers = 1;      // shrink: the buffers freed
  std::uint64_t free_buffers = 0;  // in the free list after it
};

class PinnedPool {
 public:
  struct Options {
    double idle_ms = 0;  // > 0: free every free buffer after this long without a checkout or checkin
  };
  using Observer = std::function<void(const PinnedPoolEvent&)>;

  PinnedPool(std::unique_ptr<PinnedAllocator> allocator, Options options);
  // Stops the reaper and frees the free buffers. Buffers still checked out are reported on stderr
  // and leaked (their holders may still read them).
  ~PinnedPool();
  PinnedPool(const PinnedPool&) = delete;
  PinnedPool& operator=(const PinnedPool&) = delete;

  struct Checkout {
    RegionBlock block;
    bool reused = false;
    std::uint64_t free_buffers = 0;  // left in the free list
  };
  // Throws what the allocator throws when a new buffer cannot be had (nothing is counted then).
  Checkout checkout(std::size_t min_bytes, const std::string& what);
  // Returns the number of free buffers after it.
  std::uint64_t checkin(const RegionBlock& block);
  // Frees free buffers, largest first, until at least target_bytes are freed or none is left;
  // returns the bytes freed. Checked-out buffers are never touched.
  std::uint64_t shrink(std::uint64_t target_bytes);

  // Told about every shrink (the checkouts and checkins are told by their PinnedPoolSource). Set it
  // before the work starts and clear it (an empty function) before what it refers to goes; a call
  // in progress finishes first.
  void set_observer(Observer observer);
  PinnedPoolStats stats() const;
  const PinnedAllocator& allocator() const { return *allocator_; }

 private:
  std::uint64_t shrink_locked(std::uint64_t target_bytes, std::unique_lock<std::mutex>& lock);
  void reaper(std::stop_token stop);
  void notify(const PinnedPoolEvent& e);

  std::unique_ptr<PinnedAllocator> allocator_;
  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable_any activity_;
  std::vector<RegionBlock> free_;
  PinnedPoolStats stats_;
  std::chrono::steady_clock::time_point last_use_;  // the last checkout or checkin
  std::mutex observer_mutex_;
  Observer observer_;
  std::jthread reaper_;  // last: stopped and joined before the members above go
};

// A RegionSource over the pool for one partition's a/b/c: acquire = checkout, release = checkin
// (never an munmap), each told to `listener` with the partition's context the caller bound into it.
// Blocks from acquire() may hold stale bytes (zero_filled is false on reuse).
class PinnedPoolSource final : public RegionSource {
 public:
  using Listener = std::function<void(const PinnedPoolEvent&)>;
  PinnedPoolSource(PinnedPool& pool, Listener listener) : pool_(pool), listener_(std::move(listener)) {}

  RegionBlock acquire(std::size_t bytes, const std::string& what) override;
  void release(const RegionBlock& block, const std::string& what) override;
  RegionStats stats() const override;  // release_calls stays 0: a checkin unmaps nothing
  std::string_view name() const override { return "pinned_pool"; }

 private:
  PinnedPool& pool_;
  Listener listener_;
  mutable std::mutex mutex_;
  RegionStats stats_;
};

}  // namespace zkc::workloads
