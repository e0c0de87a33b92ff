// ArenaSlotPool: memory.allocator = arena. The seed's arena has one global phase, but the pipeline
// has many partitions in flight at different stages, so a global begin_phase() would overwrite live
// buffers (the contract's retention hazard). Here each in-flight partition holds a slot with its own
// PhaseArena: the phase begins when the partition takes the slot, every large buffer of the partition
// is bumped out of it (synthesis worker and GPU worker each in their own slab, SlabBinding::kPhase),
// frees are no-ops, and when the last buffer holder lets go the phase ends and the slot goes back,
// pages and all, for the next partition to overwrite: no munmap, no shootdown, no new faults.
//
// A partition waits for a slot when all are taken (back-pressure the engine records as slot_wait).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "workloads/memory/phase_arena.hpp"
#include "workloads/memory/region_source.hpp"

namespace zkc::workloads {

class ArenaSlotPool;

// One partition's hold on a slot, and the RegionSource its buffers come from. Shared by everything
// that holds the partition's buffers; the slot is returned when the last holder drops it.
class ArenaLease final : public RegionSource {
 public:
  ~ArenaLease() override;  // ends the phase, returns the slot
  ArenaLease(const ArenaLease&) = delete;
  ArenaLease& operator=(const ArenaLease&) = delete;

  // Page-aligned and page-rounded from the slot's arena (stale bytes from earlier partitions), or
  // from the system allocator under the arena's routing rules.
  RegionBlock acquire(std::size_t bytes, const std::string& what) override;
  void release(const RegionBlock& block, const std::string& what) override;  // arena: no-op
  RegionStats stats() const override;  // the whole pool's
  std::string_view name() const override { return "arena"; }
  unsigned slot() const { return slot_; }

 private:
  friend class ArenaSlotPool;
  ArenaLease(ArenaSlotPool& pool, unsigned slot) : pool_(pool), slot_(slot) {}
  ArenaSlotPool& pool_;
  unsigned slot_;
};

struct ArenaPoolStats {
  unsigned slots = 0;
  std::size_t slab_bytes = 0;
  unsigned slabs_per_slot = 0;
  std::uint64_t leases = 0;      // slots taken
  std::uint64_t waits = 0;       // ... of which had to wait for a free one
  std::uint64_t arena_blocks = 0;   // buffers bumped out of an arena
  std::uint64_t system_blocks = 0;  // buffers the routing rules sent to the system allocator
  std::uint64_t released = 0;       // buffers given back (no-ops inside the arena)
  std::uint64_t bytes_released = 0;
  OverflowStats overflow;           // summed over the slots' arenas
  std::uint64_t advice_failures = 0;
  std::string advice_note;          // the first arena's madvise failure, or ""
};

// The pool's counts as a RegionSource's: arena blocks are the recycled ones, system blocks the fresh.
RegionStats region_stats(const ArenaPoolStats& s);

class ArenaSlotPool {
 public:
  // `slots` arenas of `arena` options (each one region of max_threads x slab_bytes address space).
  ArenaSlotPool(unsigned slots, const ArenaOptions& arena);
  ~ArenaSlotPool();  // every lease must be gone (checked: a live lease would point at a dead pool)
  ArenaSlotPool(const ArenaSlotPool&) = delete;
  ArenaSlotPool& operator=(const ArenaSlotPool&) = delete;

  // Waits until a slot is free, begins its phase and leases it; nullptr once cancel() was called.
  // `waited`, when given, says whether the call had to wait.
  std::shared_ptr<ArenaLease> acquire(bool* waited = nullptr);
  void cancel();  // wakes every waiter; later acquire() calls return nullptr
  ArenaPoolStats stats() const;
  unsigned free_slots() const;
  PhaseArena& arena(unsigned slot) { return *arenas_.at(slot); }

 private:
  friend class ArenaLease;
  void give_back(unsigned slot);

  std::vector<std::unique_ptr<PhaseArena>> arenas_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::vector<unsigned> free_;  // slot indices
  bool cancelled_ = false;
  std::uint64_t leases_ = 0, waits_ = 0;
  std::atomic<std::uint64_t> arena_blocks_{0}, system_blocks_{0}, released_{0}, bytes_released_{0};
};

}  // namespace zkc::workloads
