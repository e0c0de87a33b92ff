#include "workloads/memory/pinned_pool.hpp"

#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <limits>
#include <utility>

#include "workloads/memory/syscall_error.hpp"

namespace zkc::workloads {
namespace {

std::string memlock_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_MEMLOCK, &lim) != 0) return "RLIMIT_MEMLOCK unreadable: " + errno_text(errno);
  if (lim.rlim_cur == RLIM_INFINITY) return "RLIMIT_MEMLOCK unlimited";
  return fmt::format("RLIMIT_MEMLOCK {} bytes", static_cast<std::uint64_t>(lim.rlim_cur));
}

// One written byte per page: cudaHostAlloc commits its pages, so an unlocked stand-in does too.
void commit_pages(const RegionBlock& b) {
  auto* p = static_cast<volatile unsigned char*>(b.data);
  for (std::size_t off = 0; off < b.bytes; off += page_size()) p[off] = 0;
}

}  // namespace

// ---- LockedMmapAllocator ---------------------------------------------------------------------------

RegionBlock LockedMmapAllocator::allocate(std::size_t bytes, const std::string& what) {
  const RegionBlock b = map_region(bytes, what);
  if (::mlock(b.data, b.bytes) == 0) return b;  // mlock faults every page in
  const int err = errno;
  {
    const std::lock_guard lock(mutex_);
    if (note_.empty()) {
      note_ = fmt::format("mlock of {} bytes ({}): {} ({}); pinned buffers stay unlocked", b.bytes, what,
                          errno_text(err), memlock_limit());
    }
  }
  commit_pages(b);
  return b;
}

void LockedMmapAllocator::free(const RegionBlock& block) {
  // munmap unlocks what mlock locked.
  if (::munmap(block.data, block.bytes) != 0) {
    std::fprintf(stderr, "zkcontend: pinned buffer: munmap of %zu bytes: %s\n", block.bytes,
                 errno_text(errno).c_str());
  }
}

std::string LockedMmapAllocator::note() const {
  const std::lock_guard lock(mutex_);
  return note_;
}

// ---- PinnedPool ------------------------------------------------------------------------------------

PinnedPool::PinnedPool(std::unique_ptr<PinnedAllocator> allocator, Options options)
    : allocator_(std::move(allocator)), options_(options), last_use_(std::chrono::steady_clock::now()) {
  if (options_.idle_ms > 0) reaper_ = std::jthread([this](std::stop_token stop) { reaper(std::move(stop)); });
}

PinnedPool::~PinnedPool() {
  if (reaper_.joinable()) {
    reaper_.request_stop();
    reaper_.join();
  }
  const std::lock_guard lock(mutex_);
  for (const RegionBlock& b : free_) allocator_->free(b);
  if (const auto out = stats_.checkouts - stats_.checkins; out != 0) {
    std::fprintf(stderr, "zkcontend: pinned pool destroyed with %llu buffer(s) still checked out\n",
                 static_cast<unsigned long long>(out));
  }
}

PinnedPool::Checkout PinnedPool::checkout(std::size_t min_bytes, const std::string& what) {
  {
    const std::lock_guard lock(mutex_);
    last_use_ = std::chrono::steady_clock::now();
    // Best fit: the smallest free buffer that holds min_bytes.
    auto best = free_.end();
    for (auto it = free_.begin(); it != free_.end(); ++it) {
      if (it->bytes >= min_bytes && (best == free_.end() || it->bytes < best->bytes)) best = it;
    }
    if (best != free_.end()) {
      RegionBlock b = *best;
      *best = free_.back();
      free_.pop_back();
      b.zero_filled = false;  // the last partition's bytes
      ++stats_.checkouts;
      ++stats_.reuses;
      stats_.bytes_free -= b.bytes;
      stats_.buffers_free = free_.size();
      return {b, true, free_.size()};
    }
  }
  // Allocating page-locked memory is slow (cudaHostAlloc maps and pins every page): outside the lock.
  const RegionBlock b = allocator_->allocate(min_bytes, what);
  const std::lock_guard lock(mutex_);
  ++stats_.checkouts;
  ++stats_.allocations;
  stats_.bytes_allocated += b.bytes;
  stats_.bytes_held += b.bytes;
  stats_.bytes_peak = std::max(stats_.bytes_peak, stats_.bytes_held);
  return {b, false, free_.size()};
}

std::uint64_t PinnedPool::checkin(const RegionBlock& block) {
  std::uint64_t free_now = 0;
  {
    const std::lock_guard lock(mutex_);
    free_.push_back(block);
    ++stats_.checkins;
    stats_.bytes_free += block.bytes;
    stats_.buffers_free = free_now = free_.size();
    // A buffer held through a long GPU stage and checked in now is not an idle one.
    last_use_ = std::chrono::steady_clock::now();
  }
  activity_.notify_all();
  return free_now;
}

std::uint64_t PinnedPool::shrink_locked(std::uint64_t target_bytes, std::unique_lock<std::mutex>& lock) {
  // Largest first: the most memory back per free (the real pool's comment says the same, though its
  // sort-then-pop frees the smallest first).
  std::sort(free_.begin(), free_.end(), [](const RegionBlock& a, const RegionBlock& b) { return a.bytes < b.bytes; });
  std::vector<RegionBlock> victims;
  std::uint64_t freed = 0;
  while (freed < target_bytes && !free_.empty()) {
    victims.push_back(free_.back());
    freed += free_.back().bytes;
    free_.pop_back();
  }
  if (victims.empty()) return 0;
  stats_.shrinks += victims.size();
  stats_.bytes_freed += freed;
  stats_.bytes_held -= freed;
  stats_.bytes_free -= freed;
  stats_.buffers_free = free_.size();
  const std::uint64_t left = free_.size();
  lock.unlock();  // freeing page-locked memory unmaps it: not under the pool's lock
  for (const RegionBlock& b : victims) allocator_->free(b);
  notify({PinnedPoolEvent::Kind::kShrink, false, freed, victims.size(), left});
  lock.lock();
  return freed;
}

std::uint64_t PinnedPool::shrink(std::uint64_t target_bytes) {
  std::unique_lock lock(mutex_);
  return shrink_locked(target_bytes, lock);
}

void PinnedPool::reaper(std::stop_token stop) {
  const auto idle = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      std::chrono::duration<double, std::milli>(options_.idle_ms));
  std::unique_lock lock(mutex_);
  while (!stop.stop_requested()) {
    if (free_.empty()) {
      activity_.wait(lock, stop, [this] { return !free_.empty(); });
      continue;
    }
    const auto due = last_use_ + idle;
    if (std::chrono::steady_clock::now() < due) {
      // Woken early by a checkin or a stop; the loop looks at the (maybe later) due time again.
      activity_.wait_until(lock, stop, due, [] { return false; });
      continue;
    }
    shrink_locked(std::numeric_limits<std::uint64_t>::max(), lock);
  }
}

void PinnedPool::notify(const PinnedPoolEvent& e) {
  const std::lock_guard lock(observer_mutex_);
  if (observer_) observer_(e);
}

void PinnedPool::set_observer(Observer observer) {
  const std::lock_guard lock(observer_mutex_);
  observer_ = std::move(observer);
}

PinnedPoolStats PinnedPool::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

// ---- PinnedPoolSource ------------------------------------------------------------------------------

RegionBlock PinnedPoolSource::acquire(std::size_t bytes, const std::string& what) {
  const PinnedPool::Checkout c = pool_.checkout(bytes, what);
  {
    const std::lock_guard lock(mutex_);
    ++stats_.acquired;
    ++(c.reused ? stats_.recycled : stats_.fresh);
  }
  if (listener_) listener_({PinnedPoolEvent::Kind::kCheckout, c.reused, c.block.bytes, 1, c.free_buffers});
  return c.block;
}

void PinnedPoolSource::release(const RegionBlock& block, const std::string& /*what*/) {
  const std::uint64_t free_now = pool_.checkin(block);
  {
    const std::lock_guard lock(mutex_);
    ++stats_.released;
    stats_.bytes_released += block.bytes;
  }
  if (listener_) listener_({PinnedPoolEvent::Kind::kCheckin, false, block.bytes, 1, free_now});
}

RegionStats PinnedPoolSource::stats() const {
  const std::lock_guard lock(mutex_);
  return stats_;
}

}  // namespace zkc::workloads
