// PhaseArena against the contract of the seed's zk_alloc (../shared/seeds/000_307905d43eadcb86.txt):
// the region, bump allocation, the no-op free, lazy phase resets, the routing rules, reallocate,
// overflow, slab binding, and the retention hazard the seed warns about, with the slot pool that
// keeps a pipeline's in-flight partitions out of it.
#include <gtest/gtest.h>
#include <malloc.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define ZKC_SANITIZED_MALLOC 1
// The sanitizer runtimes' allocator statistics (sanitizer/allocator_interface.h, not always installed).
extern "C" std::size_t __sanitizer_get_current_allocated_bytes();
#endif

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <utility>

#include "tests/support/proc_memory.hpp"
#include "workloads/memory/arena_slots.hpp"
#include "workloads/memory/phase_arena.hpp"

namespace zkc::workloads {
namespace {

using test_support::vma_of;

std::size_t page() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
std::uintptr_t addr(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }
std::byte* bytes(void* p) { return static_cast<std::byte*>(p); }

constexpr std::size_t kSlab = std::size_t{1} << 20;  // 1 MiB slabs keep the regions small

ArenaOptions small(unsigned threads = 4, SlabBinding binding = SlabBinding::kThread) {
  ArenaOptions o;
  o.slab_bytes = kSlab;
  o.max_threads = threads;
  o.binding = binding;
  return o;
}

bool all_equal(const void* p, std::size_t n, unsigned char value) {
  const auto* b = static_cast<const unsigned char*>(p);
  for (std::size_t i = 0; i < n; ++i) {
    if (b[i] != value) return false;
  }
  return true;
}

// One long-lived thread that runs what it is given: slabs belong to thread ids, so a test that needs
// "the same thread in the next phase" cannot use a fresh std::thread per call.
class Worker {
 public:
  Worker() : thread_([this] { loop(); }) {}
  ~Worker() {
    {
      const std::lock_guard lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  template <class F>
  auto run(F f) -> decltype(f()) {
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    {
      const std::lock_guard lock(mutex_);
      job_ = [&task] { task(); };
    }
    cv_.notify_all();
    return result.get();  // rethrows what f threw
  }

 private:
  void loop() {
    std::unique_lock lock(mutex_);
    for (;;) {
      cv_.wait(lock, [&] { return stop_ || job_; });
      if (job_) {
        auto job = std::exchange(job_, nullptr);
        lock.unlock();
        job();
        lock.lock();
      } else if (stop_) {
        return;
      }
    }
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool stop_ = false;
  std::thread thread_;  // last: starts after the members it uses
};

// The base of a fresh arena: slabs are claimed in index order, so the first arena allocation of the
// first thread is slab 0's start.
std::byte* region_base(PhaseArena& arena) {
  const PhaseGuard guard(arena);
  void* p = arena.allocate(arena.min_arena_bytes() == 0 ? 1 : arena.min_arena_bytes(), page());
  EXPECT_TRUE(arena.contains(p));
  return bytes(p);
}

// ---- the region ----

TEST(PhaseArenaRegion, IsOneMappingOfMaxThreadsPageRoundedSlabs) {
  ArenaOptions o = small(3);
  o.slab_bytes = 10'000;  // rounded up to whole pages
  PhaseArena arena(o);
  const std::size_t slab = (10'000 + page() - 1) / page() * page();
  EXPECT_EQ(arena.slab_bytes(), slab);
  EXPECT_EQ(arena.max_threads(), 3u);
  EXPECT_EQ(arena.region_bytes(), 3 * slab);
  std::byte* const base = region_base(arena);
  EXPECT_EQ(addr(base) % page(), 0u);
  EXPECT_FALSE(arena.contains(base - 1));
  EXPECT_TRUE(arena.contains(base + 3 * slab - 1));
  EXPECT_FALSE(arena.contains(base + 3 * slab));
  // One mapping: the VMA holding the first byte also holds the last.
  const auto vma = vma_of(base);
  ASSERT_TRUE(vma.has_value());
  EXPECT_LE(vma->start, addr(base));
  EXPECT_GE(vma->end, addr(base) + 3 * slab);
}

TEST(PhaseArenaRegion, ZeroMaxThreadsMeansOnlineCpusPlusFour) {
  ArenaOptions o = small(0);
  PhaseArena arena(o);
  const unsigned cpus = std::thread::hardware_concurrency();
  EXPECT_EQ(arena.max_threads(), (cpus == 0 ? 8 : cpus) + 4);  // the seed's SLACK
  EXPECT_EQ(arena.region_bytes(), std::size_t{arena.max_threads()} * kSlab);
}

TEST(PhaseArenaRegion, RejectsZeroAndOverflowingSizes) {
  ArenaOptions o = small(2);
  o.slab_bytes = 0;
  EXPECT_THROW(PhaseArena{o}, std::invalid_argument);
  o.slab_bytes = std::size_t{1} << 62;
  o.max_threads = 8;
  EXPECT_THROW(PhaseArena{o}, std::invalid_argument);
}

TEST(PhaseArenaRegion, IsNoReserveAndNoHugepageByDefault) {
  PhaseArena arena(small(2));
  ASSERT_EQ(arena.advice_note(), "");
  const auto vma = vma_of(region_base(arena));
  ASSERT_TRUE(vma.has_value());
  EXPECT_TRUE(vma->flags.contains("nr")) << "MAP_NORESERVE: address space only";
  EXPECT_TRUE(vma->flags.contains("nh")) << "MADV_NOHUGEPAGE, the seed's default";
  EXPECT_FALSE(vma->flags.contains("hg"));
}

TEST(PhaseArenaRegion, ThpAlwaysAdvisesHugePages) {
  ArenaOptions o = small(2);
  o.thp = ThpAdvice::kAlways;
  PhaseArena arena(o);
  if (!arena.advice_note().empty()) GTEST_SKIP() << "kernel without THP: " << arena.advice_note();
  const auto vma = vma_of(region_base(arena));
  ASSERT_TRUE(vma.has_value());
  EXPECT_TRUE(vma->flags.contains("hg")) << "MADV_HUGEPAGE";
  EXPECT_FALSE(vma->flags.contains("nh"));
  EXPECT_TRUE(vma->flags.contains("nr"));
}

// ---- bump allocation ----

TEST(PhaseArenaBump, ConsecutiveAllocationsAreAdjacentAfterAlignment) {
  PhaseArena arena(small());
  const PhaseGuard guard(arena);
  void* p1 = arena.allocate(5000, 8);
  void* p2 = arena.allocate(5000, 8);
  void* p3 = arena.allocate(4096, 64);
  ASSERT_TRUE(arena.contains(p1));
  EXPECT_EQ(addr(p2), addr(p1) + 5000);
  EXPECT_EQ(addr(p3), (addr(p2) + 5000 + 63) / 64 * 64);
  EXPECT_NE(addr(p3), addr(p2) + 5000) << "the cursor was misaligned for 64, so padding is expected";
}

TEST(PhaseArenaBump, EveryResultIsAlignedAsAsked) {
  PhaseArena arena(small());
  const PhaseGuard guard(arena);
  for (std::size_t align = 8; align <= 4096; align *= 2) {
    void* p = arena.allocate(4097, align);  // odd size: the next cursor is misaligned for every align
    ASSERT_TRUE(arena.contains(p)) << align;
    EXPECT_EQ(addr(p) % align, 0u) << align;
  }
}

TEST(PhaseArenaBump, NonPowerOfTwoAlignmentThrows) {
  PhaseArena arena(small());
  const PhaseGuard guard(arena);
  EXPECT_THROW(arena.allocate(8192, 24), std::invalid_argument);
  EXPECT_THROW(arena.allocate(8192, 0), std::invalid_argument);
  EXPECT_THROW(arena.allocate(8192, 4097), std::invalid_argument);
}

// ---- deallocate ----

TEST(PhaseArenaDeallocate, InsideTheRegionIsANoOp) {
  PhaseArena arena(small());
  const PhaseGuard guard(arena);
  void* p = arena.allocate(8192, 8);
  std::memset(p, 0x5A, 8192);
  arena.deallocate(p);
  EXPECT_TRUE(all_equal(p, 8192, 0x5A)) << "the bytes stay readable";
  void* q = arena.allocate(8192, 8);
  EXPECT_NE(q, p) << "a freed arena block is not reused within the phase";
  EXPECT_EQ(addr(q), addr(p) + 8192);
  arena.deallocate(nullptr);
}

TEST(PhaseArenaDeallocate, FreesSystemPointers) {
  PhaseArena arena(small());
  constexpr std::size_t kBytes = std::size_t{1} << 20;
  void* p = arena.allocate(kBytes);  // no phase: malloc
  ASSERT_FALSE(arena.contains(p));
  std::memset(p, 1, kBytes);
  // malloc's bytes in use fall by the block when it is freed: glibc's heap plus mmap'd chunks, or the
  // sanitizer allocator's count (which replaces glibc's malloc in those builds).
  const auto in_use = []() -> std::size_t {
#ifdef ZKC_SANITIZED_MALLOC
    return __sanitizer_get_current_allocated_bytes();
#else
    const struct mallinfo2 m = ::mallinfo2();
    return m.uordblks + m.hblkhd;
#endif
  };
  const std::size_t before = in_use();
  arena.deallocate(p);
  EXPECT_GE(before - in_use(), kBytes);
}

// ---- phases ----

TEST(PhaseArenaPhase, BeginPhaseResetsTheThreadsSlabOnItsNextAllocation) {
  PhaseArena arena(small());
  arena.begin_phase();
  void* first = arena.allocate(4096, 4096);
  void* second = arena.allocate(4096, 4096);
  EXPECT_NE(first, second);
  arena.end_phase();
  arena.begin_phase();
  EXPECT_EQ(arena.allocate(4096, 4096), first) << "the slab starts over";
  arena.end_phase();
}

TEST(PhaseArenaPhase, AnotherThreadsSlabResetsOnlyWhenThatThreadAllocates) {
  PhaseArena arena(small());
  Worker other;
  arena.begin_phase();
  void* kept = other.run([&] { return arena.allocate(8192, 4096); });
  other.run([&] { return arena.allocate(8192, 4096); });  // moves the other thread's cursor on
  std::memset(kept, 0x77, 8192);
  arena.end_phase();
  arena.begin_phase();
  void* mine = arena.allocate(8192, 4096);  // this thread's slab resets, not the other's
  EXPECT_NE(mine, kept);
  EXPECT_TRUE(all_equal(kept, 8192, 0x77)) << "begin_phase() itself touches no slab";
  // The other thread's first allocation of the phase is its slab start again, not the old cursor.
  void* again = other.run([&] { return arena.allocate(8192, 4096); });
  EXPECT_EQ(again, kept);
  arena.end_phase();
}

TEST(PhaseArenaPhase, EndPhaseRoutesToTheSystemAndIsIdempotent) {
  PhaseArena arena(small());
  arena.begin_phase();
  EXPECT_TRUE(arena.contains(arena.allocate(8192)));
  arena.end_phase();
  EXPECT_FALSE(arena.phase_active());
  void* p = arena.allocate(8192);
  EXPECT_FALSE(arena.contains(p));
  arena.deallocate(p);
  EXPECT_NO_THROW(arena.end_phase());
  EXPECT_FALSE(arena.phase_active());
  EXPECT_NO_THROW(arena.begin_phase()) << "a second end_phase() does not leave a phase behind";
  arena.end_phase();
}

TEST(PhaseArenaPhase, NestedBeginPhaseThrowsAndLeavesThePhaseActive) {
  PhaseArena arena(small());
  arena.begin_phase();
  const std::uint64_t generation = arena.generation();
  void* p = arena.allocate(8192, 8);
  EXPECT_THROW(arena.begin_phase(), std::logic_error);
  EXPECT_TRUE(arena.phase_active());
  EXPECT_EQ(arena.generation(), generation) << "the failed begin must not recycle the slabs";
  void* q = arena.allocate(8192, 8);
  EXPECT_EQ(addr(q), addr(p) + 8192) << "the outer phase's allocations are not overwritten";
  arena.end_phase();
}

TEST(PhaseArenaPhase, PhaseGuardEndsThePhaseOnReturnAndOnThrow) {
  PhaseArena arena(small());
  {
    const PhaseGuard guard(arena);
    EXPECT_TRUE(arena.phase_active());
  }
  EXPECT_FALSE(arena.phase_active());
  try {
    const PhaseGuard guard(arena);
    throw std::runtime_error("body failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_FALSE(arena.phase_active()) << "unwinding ended the phase";
}

TEST(PhaseArenaPhase, PhaseFunctionReturnsTheValueAndEndsOnThrow) {
  PhaseArena arena(small());
  const int value = phase(arena, [&] {
    EXPECT_TRUE(arena.phase_active());
    return 42;
  });
  EXPECT_EQ(value, 42);
  EXPECT_FALSE(arena.phase_active());
  EXPECT_THROW(phase(arena, [&]() -> int { throw std::runtime_error("body failed"); }), std::runtime_error);
  EXPECT_FALSE(arena.phase_active());
  EXPECT_NO_THROW(phase(arena, [] {}));  // not left active: a new phase can begin
}

// ---- size routing ----

TEST(PhaseArenaRouting, SmallAllocationsGoToTheSystem) {
  PhaseArena arena(small());  // min_arena_bytes 4096, the seed's default
  ASSERT_EQ(arena.min_arena_bytes(), 4096u);
  const PhaseGuard guard(arena);
  void* small_block = arena.allocate(4095);
  EXPECT_FALSE(arena.contains(small_block));
  arena.deallocate(small_block);
  EXPECT_TRUE(arena.contains(arena.allocate(4096)));
}

TEST(PhaseArenaRouting, ZeroThresholdSendsEverythingToTheArena) {
  ArenaOptions o = small();
  o.min_arena_bytes = 0;
  PhaseArena arena(o);
  const PhaseGuard guard(arena);
  EXPECT_TRUE(arena.contains(arena.allocate(1)));
  EXPECT_TRUE(arena.contains(arena.allocate(100)));
}

// ---- reallocate ----

TEST(PhaseArenaReallocate, ShrinkingReturnsThePointer) {
  PhaseArena arena(small());
  void* sys = arena.allocate(10'000);
  EXPECT_EQ(arena.reallocate(sys, 10'000, 100), sys);
  EXPECT_EQ(arena.reallocate(sys, 10'000, 10'000), sys);
  const PhaseGuard guard(arena);
  void* in_arena = arena.allocate(10'000);
  EXPECT_EQ(arena.reallocate(in_arena, 10'000, 5000), in_arena);
  arena.deallocate(sys);
}

TEST(PhaseArenaReallocate, SystemPointerGrowsInTheSystem) {
  PhaseArena arena(small());
  auto* before_phase = static_cast<unsigned char*>(arena.allocate(5000));  // no phase: system
  std::memset(before_phase, 0x11, 5000);
  auto* aligned = static_cast<unsigned char*>(arena.allocate(5000, 256));  // the posix_memalign path
  std::memset(aligned, 0x22, 5000);
  const PhaseGuard guard(arena);
  auto* small_block = static_cast<unsigned char*>(arena.allocate(100));  // size-routed to the system
  std::memset(small_block, 0x33, 100);
  // Sticky: each grows past min_arena_bytes inside a phase, and still stays in the system.
  void* a = arena.reallocate(before_phase, 5000, std::size_t{1} << 16);
  void* b = arena.reallocate(aligned, 5000, std::size_t{1} << 16, 256);
  void* c = arena.reallocate(small_block, 100, std::size_t{1} << 16);
  EXPECT_FALSE(arena.contains(a));
  EXPECT_FALSE(arena.contains(b));
  EXPECT_FALSE(arena.contains(c));
  EXPECT_EQ(addr(b) % 256, 0u);
  EXPECT_TRUE(all_equal(a, 5000, 0x11));
  EXPECT_TRUE(all_equal(b, 5000, 0x22));
  EXPECT_TRUE(all_equal(c, 100, 0x33));
  arena.deallocate(a);
  arena.deallocate(b);
  arena.deallocate(c);
}

TEST(PhaseArenaReallocate, ArenaPointerGrowsInTheArena) {
  PhaseArena arena(small());
  const PhaseGuard guard(arena);
  void* p = arena.allocate(8192, 8);
  std::memset(p, 0x44, 8192);
  void* q = arena.reallocate(p, 8192, 16'384, 8);
  EXPECT_TRUE(arena.contains(q));
  EXPECT_EQ(addr(q), addr(p) + 8192) << "bumped like any allocation";
  EXPECT_TRUE(all_equal(q, 8192, 0x44));
}

TEST(PhaseArenaReallocate, AcrossAPhaseBoundaryTheOverlappingCopyKeepsTheBytes) {
  // The seed's memmove note: after begin_phase() the new block can overlap the old one.
  PhaseArena arena(small());
  arena.begin_phase();
  arena.allocate(4096, 4096);
  auto* p = static_cast<unsigned char*>(arena.allocate(8192, 4096));  // slab offset 4096
  for (std::size_t i = 0; i < 8192; ++i) p[i] = static_cast<unsigned char>(i * 7 + 1);
  arena.end_phase();
  arena.begin_phase();
  auto* q = static_cast<unsigned char*>(arena.reallocate(p, 8192, 16'384, 4096));  // slab offset 0
  ASSERT_EQ(q + 4096, p);
  for (std::size_t i = 0; i < 8192; ++i) ASSERT_EQ(q[i], static_cast<unsigned char>(i * 7 + 1)) << i;
  arena.end_phase();
}

// ---- overflow ----

TEST(PhaseArenaOverflow, LargerThanTheSlabsRemainderFallsBackAndIsCounted) {
  PhaseArena arena(small());
  const PhaseGuard guard(arena);
  EXPECT_TRUE(arena.contains(arena.allocate(600 * 1024, 8)));
  void* over = arena.allocate(500 * 1024, 8);  // 424 KiB left
  EXPECT_FALSE(arena.contains(over));
  EXPECT_EQ(arena.overflow_stats().count, 1u);
  EXPECT_EQ(arena.overflow_stats().bytes, 500u * 1024);
  EXPECT_TRUE(arena.contains(arena.allocate(400 * 1024, 8))) << "the failed request used no slab space";
  EXPECT_EQ(arena.overflow_stats().count, 1u);
  arena.deallocate(over);
}

TEST(PhaseArenaOverflow, AThreadArrivingAfterEverySlabIsClaimedFallsBackAndIsCounted) {
  PhaseArena arena(small(2));
  Worker second, third;
  const PhaseGuard guard(arena);
  EXPECT_TRUE(arena.contains(arena.allocate(8192)));
  EXPECT_TRUE(arena.contains(second.run([&] { return arena.allocate(8192); })));
  void* late = third.run([&] { return arena.allocate(10'000); });
  EXPECT_FALSE(arena.contains(late));
  EXPECT_EQ(arena.overflow_stats().count, 1u);
  EXPECT_EQ(arena.overflow_stats().bytes, 10'000u);
  arena.deallocate(late);
}

TEST(PhaseArenaOverflow, ResetOverflowStatsZeroes) {
  PhaseArena arena(small());
  const PhaseGuard guard(arena);
  arena.deallocate(arena.allocate(2 * kSlab));
  ASSERT_EQ(arena.overflow_stats().count, 1u);
  arena.reset_overflow_stats();
  EXPECT_EQ(arena.overflow_stats().count, 0u);
  EXPECT_EQ(arena.overflow_stats().bytes, 0u);
}

// ---- slab binding ----

TEST(PhaseArenaBinding, ThreadBindingKeepsASlabAcrossPhases) {
  PhaseArena arena(small(2, SlabBinding::kThread));
  Worker first, second;
  void* a1 = phase(arena, [&] { return first.run([&] { return arena.allocate(8192, 4096); }); });
  arena.begin_phase();
  void* b2 = second.run([&] { return arena.allocate(8192, 4096); });  // arrives first in phase 2
  void* a2 = first.run([&] { return arena.allocate(8192, 4096); });
  arena.end_phase();
  EXPECT_NE(b2, a1) << "slab 0 stays the first thread's";
  EXPECT_EQ(addr(b2), addr(a1) + kSlab);
  EXPECT_EQ(a2, a1);
}

TEST(PhaseArenaBinding, PhaseBindingHandsSlabsOutInArrivalOrder) {
  PhaseArena arena(small(2, SlabBinding::kPhase));
  Worker first, second;
  arena.begin_phase();
  void* a1 = first.run([&] { return arena.allocate(8192, 4096); });   // slab 0
  void* b1 = second.run([&] { return arena.allocate(8192, 4096); });  // slab 1
  arena.end_phase();
  ASSERT_EQ(addr(b1), addr(a1) + kSlab);
  arena.begin_phase();
  // The second thread arrives first now: it takes slab 0, not the slab it had in phase 1.
  void* b2 = second.run([&] { return arena.allocate(8192, 4096); });
  void* a2 = first.run([&] { return arena.allocate(8192, 4096); });
  void* b2_next = second.run([&] { return arena.allocate(8192, 4096); });
  arena.end_phase();
  EXPECT_EQ(b2, a1) << "the first thread to allocate in phase 2 takes slab 0";
  EXPECT_EQ(a2, b1);
  EXPECT_EQ(addr(b2_next), addr(b2) + 8192) << "within a phase a thread keeps its slab";
}

// ---- the retention hazard ----

constexpr std::size_t kBuffer = 64 * 1024;

// The seed: "Allocations made during phase N must not be held past begin_phase() of phase N+1: that
// call recycles the slab, and the next allocation at the same offset will silently overwrite the
// retained bytes."
TEST(PhaseArenaHazard, ABufferHeldIntoTheNextPhaseIsOverwritten) {
  PhaseArena arena(small());  // one arena for everything: the seed's global allocator
  arena.begin_phase();
  void* retained = arena.allocate(kBuffer, 4096);
  std::memset(retained, 0xAB, kBuffer);
  arena.end_phase();
  arena.begin_phase();
  void* next = arena.allocate(kBuffer, 4096);
  std::memset(next, 0xCD, kBuffer);
  arena.end_phase();
  EXPECT_EQ(next, retained);
  EXPECT_FALSE(all_equal(retained, kBuffer, 0xAB)) << "the retained pattern is gone";
  EXPECT_TRUE(all_equal(retained, kBuffer, 0xCD));
}

// Pipeline-shaped: partition A is synthesised on the synthesis thread, then its buffer waits for the
// GPU thread while partition B's synthesis begins a phase on the same synthesis thread.
TEST(PhaseArenaHazard, TwoPartitionsInFlightSharingOneArenaCorruptEachOther) {
  PhaseArena arena(small());
  Worker synthesis, gpu;
  arena.begin_phase();  // partition A
  void* a_buffer = synthesis.run([&] {
    void* p = arena.allocate(kBuffer, 4096);
    std::memset(p, 0xA1, kBuffer);
    return p;
  });
  arena.end_phase();  // A's synthesis is done; its buffer is retained for the GPU stage
  arena.begin_phase();  // partition B
  void* b_buffer = synthesis.run([&] {
    void* p = arena.allocate(kBuffer, 4096);
    std::memset(p, 0xB2, kBuffer);
    return p;
  });
  const bool a_intact = gpu.run([&] { return all_equal(a_buffer, kBuffer, 0xA1); });
  arena.end_phase();
  EXPECT_EQ(b_buffer, a_buffer);
  EXPECT_FALSE(a_intact) << "B's synthesis overwrote A's retained buffer";
}

// The same schedule with a slot per in-flight partition: A's data survives B.
TEST(PhaseArenaHazard, ASlotPerPartitionKeepsInFlightPartitionsApart) {
  ArenaOptions o = small(2, SlabBinding::kPhase);  // the engine's binding
  ArenaSlotPool pool(2, o);
  Worker synthesis, gpu;
  auto lease_a = pool.acquire();
  const RegionBlock a_block = synthesis.run([&] {
    RegionBlock b = lease_a->acquire(kBuffer, "partition A");
    std::memset(b.data, 0xA1, kBuffer);
    return b;
  });
  auto lease_b = pool.acquire();  // A's lease is still held (by its GPU stage)
  ASSERT_NE(lease_b->slot(), lease_a->slot());
  const RegionBlock b_block = synthesis.run([&] {
    RegionBlock b = lease_b->acquire(kBuffer, "partition B");
    std::memset(b.data, 0xB2, kBuffer);
    return b;
  });
  EXPECT_NE(b_block.data, a_block.data);
  EXPECT_TRUE(gpu.run([&] { return all_equal(a_block.data, kBuffer, 0xA1); })) << "A's data is intact";
  EXPECT_TRUE(all_equal(b_block.data, kBuffer, 0xB2));
  // Once A lets go, its slot and pages go to the next partition.
  lease_a->release(a_block, "partition A");
  const unsigned a_slot = lease_a->slot();
  lease_a.reset();
  auto lease_c = pool.acquire();
  EXPECT_EQ(lease_c->slot(), a_slot);
  EXPECT_EQ(synthesis.run([&] { return lease_c->acquire(kBuffer, "partition C").data; }), a_block.data);
}

}  // namespace
}  // namespace zkc::workloads
