#include "harness/vtime/virtual_resources.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <vector>

namespace zkc::harness::vtime {

void VSemaphore::acquire(Next then) {
  if (free_ > 0 && waiting_.empty()) {
    --free_;
    loop_.soon(std::move(then));
    return;
  }
  waiting_.push_back(std::move(then));
}

void VSemaphore::release() {
  if (waiting_.empty()) {
    ++free_;
    return;
  }
  loop_.soon(std::move(waiting_.front()));  // the permit passes straight to the first waiter
  waiting_.pop_front();
}

VBudget::VBudget(EventLoop& loop, std::uint64_t total, bool race, std::uint64_t seed)
    : loop_(loop), total_(total), race_(race), rng_(seed) {
  if (total == 0) throw std::invalid_argument("memory budget: the total must be > 0 bytes");
}

void VBudget::acquire(std::uint64_t bytes, OnChange granted, Next then) {
  if (bytes > total_) {
    throw std::invalid_argument(
        fmt::format("memory budget: a reservation of {} bytes can never fit a budget of {} bytes", bytes, total_));
  }
  waiters_.push_back(Waiter{bytes, std::move(granted), std::move(then)});
  grant_waiters();
}

void VBudget::release(std::uint64_t bytes, const OnChange& changed) {
  held_ -= std::min(bytes, held_);
  if (changed) changed(held_);
  grant_waiters();
}

void VBudget::take(std::size_t i) {
  Waiter w = std::move(waiters_[i]);
  waiters_.erase(waiters_.begin() + static_cast<std::ptrdiff_t>(i));
  held_ += w.bytes;
  if (w.granted) w.granted(held_);
  loop_.soon(std::move(w.then));
}

// As MemoryBudget::grant_waiters: ordered serves the head while it fits; race draws among those that fit.
void VBudget::grant_waiters() {
  if (!race_) {
    while (!waiters_.empty() && held_ + waiters_.front().bytes <= total_) take(0);
    return;
  }
  for (;;) {
    std::vector<std::size_t> fit;
    for (std::size_t i = 0; i < waiters_.size(); ++i)
      if (held_ + waiters_[i].bytes <= total_) fit.push_back(i);
    if (fit.empty()) return;
    take(fit[std::uniform_int_distribution<std::size_t>(0, fit.size() - 1)(rng_)]);
  }
}

}  // namespace zkc::harness::vtime
