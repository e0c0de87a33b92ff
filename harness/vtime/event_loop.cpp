#include "harness/vtime/event_loop.hpp"

#include <algorithm>

namespace zkc::harness::vtime {

void EventLoop::at(double t, Action a) { items_.push(Item{std::max(t, now_), seq_++, std::move(a)}); }

std::uint64_t EventLoop::run() {
  std::uint64_t ran = 0;
  while (!items_.empty()) {
    // The action may schedule more: take it out first.
    Item item = std::move(const_cast<Item&>(items_.top()));
    items_.pop();
    now_ = item.t;
    item.action();
    ++ran;
  }
  return ran;
}

}  // namespace zkc::harness::vtime
