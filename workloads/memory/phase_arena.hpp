// PhaseArena: the bump-pointer phase arena of the seed's zk_alloc (../shared/seeds/000_...), as an
// allocator object the engine uses for its large buffers rather than a global operator new.
//
//   - One MAP_NORESERVE mapping, split into max_threads slabs of slab_bytes; nothing is committed
//     until touched. MADV_NOHUGEPAGE by default (ArenaOptions::thp).
//   - A thread bumps a cursor in its own slab (aligned); deallocate() inside the region is a no-op.
//   - begin_phase() activates the arena and bumps a generation: every slab resets lazily, on its
//     thread's next allocation. end_phase() routes new allocations to the system allocator; it is
//     idempotent. begin_phase() while a phase is active throws std::logic_error (phases never nest).
//   - PhaseGuard / phase(arena, f) end the phase on every path, exceptions included.
//   - System allocator (malloc) instead of the arena: no phase active; size < min_arena_bytes
//     (min 0 = no threshold); a thread arriving after every slab is claimed, or a request larger than
//     the slab's remainder (both counted in overflow_stats()); growing a system pointer
//     (reallocate is sticky: system stays system).
//
// The contract's hazard stays: memory allocated in phase N and still held when phase N+1 begins is
// overwritten by N+1's allocations at the same slab offsets. A pipeline with many partitions in
// flight must therefore not share one arena; arena_slots.hpp gives each in-flight partition its own.
//
// Slab binding: kThread is the seed's (a thread keeps its slab for the arena's life). kPhase
// releases every claim at begin_phase(), so the threads that allocate in a phase take the slabs in
// arrival order; a partition slot sees a different synthesis worker each time and would otherwise
// need a slab, and its resident pages, for every thread that ever used it.
//
// Thread-safe. Slab lookup takes a mutex: the engine allocates a handful of multi-MiB buffers per
// partition, so the cost that matters is the pages, not the lock.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "workloads/memory/memory_options.hpp"

namespace zkc::workloads {

enum class SlabBinding { kThread, kPhase };

struct ArenaOptions {
  std::size_t slab_bytes = std::size_t{8} << 30;  // the seed's ZK_ALLOC_SLAB_GB default, 8 GiB
  unsigned max_threads = 0;                       // slabs; 0 = online CPUs + 4 (the seed's SLACK)
  std::size_t min_arena_bytes = 4096;             // the seed's ZK_ALLOC_MIN_BYTES default
  ThpAdvice thp = ThpAdvice::kNever;              // advice for the whole region
  SlabBinding binding = SlabBinding::kThread;
};

struct OverflowStats {
  std::uint64_t count = 0;  // allocations that fell back to the system allocator ...
  std::uint64_t bytes = 0;  // ... because the slab was full or no slab was left
};

class PhaseArena {
 public:
  // Maps the region. Throws std::invalid_argument for slab_bytes == 0 or an overflowing size, and
  // std::system_error (errno text) when mmap fails. A failed madvise is kept in advice_note().
  explicit PhaseArena(const ArenaOptions& options);
  ~PhaseArena();  // munmaps the region (failure reported on stderr)
  PhaseArena(const PhaseArena&) = delete;
  PhaseArena& operator=(const PhaseArena&) = delete;

  // `align` a power of two. Never returns nullptr: a failed system allocation throws std::bad_alloc.
  void* allocate(std::size_t bytes, std::size_t align = alignof(std::max_align_t));
  // No-op inside the region; free() outside it (and for nullptr: nothing).
  void deallocate(void* p) noexcept;
  // new_bytes <= old_bytes: p unchanged. A system pointer grows in the system allocator; an arena
  // pointer moves to allocate(new_bytes) (memmove: across a phase boundary the two may overlap).
  void* reallocate(void* p, std::size_t old_bytes, std::size_t new_bytes,
                   std::size_t align = alignof(std::max_align_t));

  void begin_phase();  // std::logic_error if a phase is active
  void end_phase();    // idempotent
  bool phase_active() const { return active_.load(std::memory_order_acquire); }
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  bool contains(const void* p) const;
  OverflowStats overflow_stats() const;
  void reset_overflow_stats();
  std::size_t slab_bytes() const { return slab_bytes_; }
  unsigned max_threads() const { return max_threads_; }
  std::size_t min_arena_bytes() const { return min_arena_bytes_; }
  std::size_t region_bytes() const { return region_bytes_; }
  const std::string& advice_note() const { return advice_note_; }  // "" or why madvise failed

 private:
  struct Slab {
    std::thread::id owner;       // default id: unclaimed
    std::uint64_t claimed_in = 0;  // generation of the claim (kPhase)
    std::uint64_t seen = 0;        // generation of the last reset
    std::size_t cursor = 0;        // offset of the next allocation in the slab
  };
  void* arena_allocate(std::size_t bytes, std::size_t align);
  static void* system_allocate(std::size_t bytes, std::size_t align);

  std::size_t slab_bytes_;
  unsigned max_threads_;
  std::size_t min_arena_bytes_;
  SlabBinding binding_;
  std::size_t region_bytes_ = 0;
  std::byte* base_ = nullptr;
  std::string advice_note_;
  std::atomic<bool> active_{false};
  std::atomic<std::uint64_t> generation_{0};
  std::atomic<std::uint64_t> overflow_count_{0}, overflow_bytes_{0};
  std::mutex mutex_;
  std::vector<Slab> slabs_;
};

// Begins a phase on construction and ends it on destruction, also during stack unwinding.
class PhaseGuard {
 public:
  explicit PhaseGuard(PhaseArena& arena) : arena_(arena) { arena_.begin_phase(); }
  ~PhaseGuard() { arena_.end_phase(); }
  PhaseGuard(const PhaseGuard&) = delete;
  PhaseGuard& operator=(const PhaseGuard&) = delete;

 private:
  PhaseArena& arena_;
};

// Runs f() inside a phase; the phase has ended when phase() returns or throws.
template <class F>
decltype(auto) phase(PhaseArena& arena, F&& f) {
  const PhaseGuard guard(arena);
  return std::forward<F>(f)();
}

}  // namespace zkc::workloads
