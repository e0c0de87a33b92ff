#include "workloads/memory/phase_arena.hpp"

#include <fmt/format.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <limits>
#include <new>
#include <stdexcept>

#include "workloads/memory/page_advice.hpp"
#include "workloads/memory/syscall_error.hpp"

namespace zkc::workloads {
namespace {

constexpr unsigned kSlack = 4;  // the seed's SLACK: slabs beyond the CPU count

unsigned resolve_threads(unsigned requested) {
  if (requested != 0) return requested;
  const unsigned cpus = std::thread::hardware_concurrency();
  return (cpus == 0 ? 8 : cpus) + kSlack;  // the seed falls back to 8 CPUs too
}

}  // namespace

PhaseArena::PhaseArena(const ArenaOptions& options)
    : slab_bytes_(options.slab_bytes),
      max_threads_(resolve_threads(options.max_threads)),
      min_arena_bytes_(options.min_arena_bytes),
      binding_(options.binding),
      slabs_(max_threads_) {
  const std::size_t page = page_size();
  if (slab_bytes_ == 0) throw std::invalid_argument("PhaseArena: slab_bytes must be > 0");
  slab_bytes_ = (slab_bytes_ + page - 1) / page * page;  // slabs start on pages
  if (slab_bytes_ > std::numeric_limits<std::size_t>::max() / max_threads_) {
    throw std::invalid_argument(
        fmt::format("PhaseArena: {} slabs of {} bytes overflow the address space", max_threads_, slab_bytes_));
  }
  region_bytes_ = slab_bytes_ * max_threads_;
  // MAP_NORESERVE: the region is address space only; pages are committed as slabs touch them.
  void* p = ::mmap(nullptr, region_bytes_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (p == MAP_FAILED) throw_syscall_error(errno, "phase arena", "mmap", region_bytes_);
  base_ = static_cast<std::byte*>(p);
  advice_note_ = advise_thp(p, region_bytes_, options.thp);
}

PhaseArena::~PhaseArena() {
  if (base_ != nullptr && ::munmap(base_, region_bytes_) != 0) {
    std::fprintf(stderr, "zkcontend: phase arena: munmap of %zu bytes: %s\n", region_bytes_, errno_text(errno).c_str());
  }
}

bool PhaseArena::contains(const void* p) const {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  const auto b = reinterpret_cast<std::uintptr_t>(base_);
  return a >= b && a - b < region_bytes_;
}

void PhaseArena::begin_phase() {
  if (active_.exchange(true, std::memory_order_acq_rel)) {
    throw std::logic_error("PhaseArena::begin_phase() called while another phase is active: phases must not nest");
  }
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

void PhaseArena::end_phase() { active_.store(false, std::memory_order_release); }

void* PhaseArena::allocate(std::size_t bytes, std::size_t align) {
  if (align == 0 || (align & (align - 1)) != 0) {
    throw std::invalid_argument(fmt::format("PhaseArena::allocate: alignment {} is not a power of two", align));
  }
  if (!phase_active()) return system_allocate(bytes, align);
  // Size routing: small allocations (bookkeeping that may outlive the phase) stay in the system.
  if (min_arena_bytes_ != 0 && bytes < min_arena_bytes_) return system_allocate(bytes, align);
  return arena_allocate(bytes, align);
}

void* PhaseArena::arena_allocate(std::size_t bytes, std::size_t align) {
  const std::thread::id me = std::this_thread::get_id();
  const std::uint64_t gen = generation();
  std::unique_lock lock(mutex_);
  Slab* slab = nullptr;
  for (Slab& s : slabs_) {
    if (s.owner == me && (binding_ == SlabBinding::kThread || s.claimed_in == gen)) {
      slab = &s;
      break;
    }
  }
  if (slab == nullptr) {
    for (Slab& s : slabs_) {
      const bool free = s.owner == std::thread::id{} || (binding_ == SlabBinding::kPhase && s.claimed_in != gen);
      if (free) {
        slab = &s;
        slab->owner = me;
        slab->claimed_in = gen;
        slab->seen = gen - 1;  // reset just below
        break;
      }
    }
  }
  if (slab != nullptr) {
    if (slab->seen != gen) {  // the lazy reset of begin_phase()
      slab->seen = gen;
      slab->cursor = 0;
    }
    const std::size_t index = static_cast<std::size_t>(slab - slabs_.data());
    const auto start = reinterpret_cast<std::uintptr_t>(base_ + index * slab_bytes_);
    const std::uintptr_t aligned = (start + slab->cursor + align - 1) & ~(std::uintptr_t{align} - 1);
    const std::size_t offset = aligned - start;
    if (offset <= slab_bytes_ && bytes <= slab_bytes_ - offset) {
      slab->cursor = offset + bytes;
      return reinterpret_cast<void*>(aligned);
    }
  }
  lock.unlock();
  // Slab full, or every slab claimed: the system allocator, counted.
  overflow_count_.fetch_add(1, std::memory_order_relaxed);
  overflow_bytes_.fetch_add(bytes, std::memory_order_relaxed);
  return system_allocate(bytes, align);
}

void* PhaseArena::system_allocate(std::size_t bytes, std::size_t align) {
  if (bytes == 0) bytes = 1;  // a unique pointer, as malloc(0) need not give one
  void* p = nullptr;
  if (align <= alignof(std::max_align_t)) {
    p = std::malloc(bytes);
  } else if (::posix_memalign(&p, std::max(align, sizeof(void*)), bytes) != 0) {
    p = nullptr;
  }
  if (p == nullptr) throw std::bad_alloc();
  return p;
}

void PhaseArena::deallocate(void* p) noexcept {
  if (p == nullptr || contains(p)) return;
  std::free(p);
}

void* PhaseArena::reallocate(void* p, std::size_t old_bytes, std::size_t new_bytes, std::size_t align) {
  if (p == nullptr) return allocate(new_bytes, align);
  if (new_bytes <= old_bytes) return p;
  if (!contains(p)) {
    // Sticky system routing: a system allocation never migrates into the arena by growing.
    if (align <= alignof(std::max_align_t)) {
      void* q = std::realloc(p, new_bytes);
      if (q == nullptr) throw std::bad_alloc();
      return q;
    }
    void* q = system_allocate(new_bytes, align);
    std::memcpy(q, p, old_bytes);
    std::free(p);
    return q;
  }
  void* q = allocate(new_bytes, align);
  std::memmove(q, p, old_bytes);  // after a phase boundary the new block may overlap the old
  deallocate(p);
  return q;
}

OverflowStats PhaseArena::overflow_stats() const {
  return {overflow_count_.load(std::memory_order_relaxed), overflow_bytes_.load(std::memory_order_relaxed)};
}

void PhaseArena::reset_overflow_stats() {
  overflow_count_.store(0, std::memory_order_relaxed);
  overflow_bytes_.store(0, std::memory_order_relaxed);
}

}  // namespace zkc::workloads
