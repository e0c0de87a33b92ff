#include "workloads/memory/arena_slots.hpp"

#include <cstdio>
#include <stdexcept>

#include "workloads/memory/syscall_error.hpp"

namespace zkc::workloads {

// ---- ArenaLease --------------------------------------------------------------------------------------

ArenaLease::~ArenaLease() { pool_.give_back(slot_); }

RegionBlock ArenaLease::acquire(std::size_t bytes, const std::string& /*what*/) {
  PhaseArena& arena = pool_.arena(slot_);
  const std::size_t page = page_size();
  const std::size_t rounded = (bytes + page - 1) / page * page;
  // Whole pages, page-aligned, like a mapping: madvise and mbind then cover the buffer exactly.
  void* p = arena.allocate(rounded, page);
  const bool in_arena = arena.contains(p);
  (in_arena ? pool_.arena_blocks_ : pool_.system_blocks_).fetch_add(1, std::memory_order_relaxed);
  return {p, rounded, false};
}

void ArenaLease::release(const RegionBlock& block, const std::string& /*what*/) {
  pool_.released_.fetch_add(1, std::memory_order_relaxed);
  pool_.bytes_released_.fetch_add(block.bytes, std::memory_order_relaxed);
  pool_.arena(slot_).deallocate(block.data);
}

RegionStats ArenaLease::stats() const { return region_stats(pool_.stats()); }

RegionStats region_stats(const ArenaPoolStats& s) {
  RegionStats r;
  r.recycled = s.arena_blocks;
  r.fresh = s.system_blocks;
  r.acquired = r.recycled + r.fresh;
  r.released = s.released;
  r.bytes_released = s.bytes_released;
  return r;
}

// ---- ArenaSlotPool -----------------------------------------------------------------------------------

ArenaSlotPool::ArenaSlotPool(unsigned slots, const ArenaOptions& arena) {
  if (slots == 0) throw std::invalid_argument("ArenaSlotPool: at least one slot is needed");
  arenas_.reserve(slots);
  for (unsigned i = 0; i < slots; ++i) {
    arenas_.push_back(std::make_unique<PhaseArena>(arena));
    free_.push_back(slots - 1 - i);  // slot 0 is handed out first
  }
}

ArenaSlotPool::~ArenaSlotPool() {
  std::lock_guard lock(mutex_);
  if (free_.size() != arenas_.size()) {
    std::fprintf(stderr, "zkcontend: arena slot pool destroyed with %zu slots still leased\n",
                 arenas_.size() - free_.size());
  }
}

std::shared_ptr<ArenaLease> ArenaSlotPool::acquire(bool* waited) {
  std::unique_lock lock(mutex_);
  const bool must_wait = free_.empty() && !cancelled_;
  if (waited != nullptr) *waited = must_wait;
  cv_.wait(lock, [&] { return cancelled_ || !free_.empty(); });
  if (cancelled_) return nullptr;
  const unsigned slot = free_.back();
  free_.pop_back();
  ++leases_;
  if (must_wait) ++waits_;
  lock.unlock();
  try {
    arenas_[slot]->begin_phase();  // cannot nest: a free slot's phase has ended
  } catch (...) {
    give_back(slot);
    throw;
  }
  return std::shared_ptr<ArenaLease>(new ArenaLease(*this, slot));
}

void ArenaSlotPool::give_back(unsigned slot) {
  arenas_[slot]->end_phase();
  {
    std::lock_guard lock(mutex_);
    free_.push_back(slot);
  }
  cv_.notify_one();
}

void ArenaSlotPool::cancel() {
  {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
  }
  cv_.notify_all();
}

unsigned ArenaSlotPool::free_slots() const {
  std::lock_guard lock(mutex_);
  return static_cast<unsigned>(free_.size());
}

ArenaPoolStats ArenaSlotPool::stats() const {
  ArenaPoolStats s;
  s.slots = static_cast<unsigned>(arenas_.size());
  s.slab_bytes = arenas_.front()->slab_bytes();
  s.slabs_per_slot = arenas_.front()->max_threads();
  {
    std::lock_guard lock(mutex_);
    s.leases = leases_;
    s.waits = waits_;
  }
  s.arena_blocks = arena_blocks_.load(std::memory_order_relaxed);
  s.system_blocks = system_blocks_.load(std::memory_order_relaxed);
  s.released = released_.load(std::memory_order_relaxed);
  s.bytes_released = bytes_released_.load(std::memory_order_relaxed);
  for (const auto& a : arenas_) {
    const OverflowStats o = a->overflow_stats();
    s.overflow.count += o.count;
    s.overflow.bytes += o.bytes;
    if (!a->advice_note().empty()) {
      ++s.advice_failures;
      if (s.advice_note.empty()) s.advice_note = a->advice_note();
    }
  }
  return s;
}

}  // namespace zkc::workloads
