// PartitionMemory: where a partition's large buffers come from (memory.allocator, memory.release).
// The engine owns one per run and the pipeline asks it for each partition's RegionSource:
//
//   system + munmap                     one MmapSource shared by all partitions
//   system + madv_dontneed/madv_free/reuse  one RecyclingSource (free lists) shared by all
//   arena                               a leased ArenaSlotPool slot per partition, held by whatever
//                                       holds the partition's buffers and returned with the last
//
// With memory.abc_buffers = pinned_pool it also owns the run's PinnedPool, from which a/b/c come
// instead (harness/engine/pipeline_abc.cpp).
#pragma once

#include <memory>
#include <optional>

#include "harness/engine/run_plan.hpp"
#include "workloads/memory/arena_slots.hpp"
#include "workloads/memory/pinned_pool.hpp"
#include "workloads/memory/region_source.hpp"

namespace zkc::harness {

// One partition's source. Copy it to everything that holds the partition's buffers (the lease, with
// the arena, keeps the slot); `source` stays valid while the PartitionMemory and the lease live.
struct PartitionSource {
  std::shared_ptr<workloads::ArenaLease> lease;  // arena only
  workloads::RegionSource* source = nullptr;
  explicit operator bool() const { return source != nullptr; }
};

struct MemoryStats {
  std::string source;  // "munmap", "madv_dontneed", "madv_free", "reuse", "arena"
  workloads::RegionStats regions;
  std::optional<workloads::ArenaPoolStats> arena;
  // The pinned pool (memory.abc_buffers = pinned_pool): its counts, its allocator ("cudaHostAlloc",
  // "mmap+mlock") and why some of its memory is not page-locked ("" when all of it is).
  std::optional<workloads::PinnedPoolStats> pinned;
  std::string pinned_allocator;
  std::string pinned_note;
};

class Recorder;

class PartitionMemory {
 public:
  // Throws std::system_error when the arena regions cannot be mapped.
  explicit PartitionMemory(const MemoryPlan& plan);

  // With the arena, waits for a free slot (`waited` says whether it had to); an empty source after
  // cancel(). Otherwise returns at once.
  PartitionSource acquire(bool* waited = nullptr);
  void cancel();  // wakes partitions waiting for a slot (a failed run)
  MemoryStats stats() const;
  workloads::PinnedPool* pinned_pool() const { return pinned_.get(); }  // nullptr with heap a/b/c

  // The pinned pool's shrinks go to `rec`'s timeline while the returned object lives (declare it after
  // the Recorder, so it goes first). Nothing without the pool.
  class PoolWatch {
   public:
    explicit PoolWatch(workloads::PinnedPool* pool) : pool_(pool) {}
    ~PoolWatch();
    PoolWatch(const PoolWatch&) = delete;
    PoolWatch& operator=(const PoolWatch&) = delete;

   private:
    workloads::PinnedPool* pool_;
  };
  [[nodiscard]] PoolWatch watch_pinned_pool(Recorder& rec);

 private:
  std::unique_ptr<workloads::RegionSource> shared_;      // system allocator
  std::unique_ptr<workloads::ArenaSlotPool> slots_;      // arena
  std::unique_ptr<workloads::PinnedPool> pinned_;        // memory.abc_buffers = pinned_pool
};

}  // namespace zkc::harness
