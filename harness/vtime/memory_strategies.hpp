// How the memory strategies change what a partition's buffer lives leave resident (memory.allocator,
// memory.release, memory.abc_buffers), as harness/engine/partition_memory.* and workloads/memory
// implement them:
//   munmap, madv_dontneed   a freed buffer's pages go back at once: the lives as they are
//   madv_free, reuse        a freed range waits in a free list of its size for the next buffer of that
//                           size, its pages still counted in RSS (madv_free's as LazyFree, reclaimable
//                           under pressure): kept_pages adds those waits
//   arena                   a partition leases a slot (LIFO, slot 0 first) before SYNTH_START and gives
//                           it back with its last holder (the later DEALLOC_END); every page a slot's
//                           partitions touched stays resident: arena_slot_lives replaces the
//                           partition's buffers by its slot's slabs
//   pinned_pool             a/b/c are checked out of one pool and checked in where abc_release frees
//                           them; the pool keeps its buffers until a shrink: pinned_pool_lives
// gpu.device_buffers changes device memory only: on the host, a/b/c are the same buffers either way.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/vtime/memory_moments.hpp"
#include "harness/vtime/memory_timeline.hpp"

namespace zkc::harness::vtime {

// For every item of `lives` (one free list per item: its buffers share one mapped size), the time
// each freed range waits for the next buffer of the item (LIFO, as RecyclingSource), as lives named
// kKeptPrefix + item; the last waits never end.
std::vector<BufferLife> kept_pages(const std::vector<BufferLife>& lives);

// The arena's slots: per lease, the slot's synthesis slab (`synthesis_slab` bytes, from SYNTH_START)
// and GPU slab (`gpu_slab`, from the first moment one of the slot's partitions touched its split
// vectors), and between leases the slot's touched pages, free.
std::vector<BufferLife> arena_slot_lives(const std::vector<PartitionMoments>& parts, std::uint64_t synthesis_slab,
                                         std::uint64_t gpu_slab);

// A timeline without PINNED_* events: each partition checks out three buffers of `buffer_bytes` when
// its a/b/c are allocated and checks them in when they are released (`abc_free`: LOCK_RELEASED or
// the Rust-side DEALLOC_END), the pool deciding reuse (best fit); it never shrinks.
std::vector<PoolOp> derived_pool_ops(const std::vector<PartitionMoments>& parts, std::uint64_t buffer_bytes,
                                     AbcRelease abc_release);

// The pool replayed: each checkout's buffer from then to its checkin (kAbcPinned, the partition's),
// each free buffer from its checkin (or creation) to its next checkout or a shrink (kPoolFree).
// Reuse picks the smallest free buffer that fits; a shrink frees free buffers largest first.
std::vector<BufferLife> pinned_pool_lives(std::vector<PoolOp> ops);

}  // namespace zkc::harness::vtime
