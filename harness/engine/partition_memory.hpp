// PartitionMemory: where a partition's large buffers come from (memory.allocator, memory.release).
// The engine owns one per run and the pipeline asks it for each partition's RegionSource:
//
//   system + munmap                     one MmapSource shared by all partitions
//   system + madv_dontneed/madv_free/reuse  one RecyclingSource (free lists) shared by all
//   arena                               a leased ArenaSlotPool slot per partition, held by whatever
//                                       holds the partition's buffers and returned with the last
#pragma once

#include <memory>
#include <optional>

#include "harness/engine/run_plan.hpp"
#include "workloads/memory/arena_slots.hpp"
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
};

class PartitionMemory {
 public:
  // Throws std::system_error when the arena regions cannot be mapped.
  explicit PartitionMemory(const MemoryPlan& plan);

  // With the arena, waits for a free slot (`waited` says whether it had to); an empty source after
  // cancel(). Otherwise returns at once.
  PartitionSource acquire(bool* waited = nullptr);
  void cancel();  // wakes partitions waiting for a slot (a failed run)
  MemoryStats stats() const;

 private:
  std::unique_ptr<workloads::RegionSource> shared_;      // system allocator
  std::unique_ptr<workloads::ArenaSlotPool> slots_;      // arena
};

}  // namespace zkc::harness
