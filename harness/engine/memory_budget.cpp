#include "harness/engine/memory_budget.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace zkc::harness {

MemoryBudget::MemoryBudget(std::uint64_t total, Grant grant, std::uint64_t seed)
    : total_(total), grant_(grant), rng_(seed) {
  if (total == 0) throw std::invalid_argument("memory budget: the total must be > 0 bytes");
}

std::unique_ptr<MemoryBudget::Reservation> MemoryBudget::acquire(std::uint64_t bytes, const OnChange& on_grant) {
  if (bytes > total_) {
    throw std::invalid_argument(
        fmt::format("memory budget: a reservation of {} bytes can never fit a budget of {} bytes", bytes, total_));
  }
  std::unique_lock lock(mutex_);
  if (cancelled_) return nullptr;
  Waiter me{bytes, false, &on_grant};
  waiters_.push_back(&me);
  grant_waiters();
  cv_.wait(lock, [&] { return me.granted || cancelled_; });
  if (!me.granted) {
    std::erase(waiters_, &me);
    return nullptr;
  }
  return std::unique_ptr<Reservation>(new Reservation(*this, bytes));
}

// kOrdered: the head of the line goes first, and nobody passes it. kRace: any waiter that fits may
// win, drawn at random, until none fits.
void MemoryBudget::grant_waiters() {
  bool any = false;
  if (grant_ == Grant::kOrdered) {
    while (!waiters_.empty() && held_ + waiters_.front()->bytes <= total_) {
      take(*waiters_.front());
      waiters_.erase(waiters_.begin());
      any = true;
    }
  } else {
    for (;;) {
      std::vector<std::size_t> fit;
      for (std::size_t i = 0; i < waiters_.size(); ++i)
        if (held_ + waiters_[i]->bytes <= total_) fit.push_back(i);
      if (fit.empty()) break;
      const std::size_t pick = fit[std::uniform_int_distribution<std::size_t>(0, fit.size() - 1)(rng_)];
      take(*waiters_[pick]);
      waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(pick));
      any = true;
    }
  }
  if (any) cv_.notify_all();
}

void MemoryBudget::take(Waiter& w) {
  held_ += w.bytes;
  peak_ = std::max(peak_, held_);
  w.granted = true;
  if (w.on_grant != nullptr && *w.on_grant) (*w.on_grant)(held_);
}

void MemoryBudget::give_back(std::uint64_t bytes, const OnChange& on_change) {
  held_ -= bytes;
  if (on_change) on_change(held_);
  grant_waiters();
}

void MemoryBudget::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  cv_.notify_all();
}

std::uint64_t MemoryBudget::held() const {
  std::lock_guard lock(mutex_);
  return held_;
}

std::uint64_t MemoryBudget::peak() const {
  std::lock_guard lock(mutex_);
  return peak_;
}

std::uint64_t MemoryBudget::Reservation::release(std::uint64_t bytes, const OnChange& on_change) {
  std::lock_guard lock(budget_.mutex_);
  const std::uint64_t n = std::min(bytes, remaining_);
  if (n == 0) return 0;
  remaining_ -= n;
  budget_.give_back(n, on_change);
  return n;
}

std::uint64_t MemoryBudget::Reservation::remaining() const {
  std::lock_guard lock(budget_.mutex_);
  return remaining_;
}

MemoryBudget::Reservation::~Reservation() { release(UINT64_MAX); }

}  // namespace zkc::harness
