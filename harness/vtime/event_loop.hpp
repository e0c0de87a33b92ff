// The virtual backend's clock and its one queue of things to do: actions at a virtual time (ms),
// run in time order and, at equal times, in the order they were scheduled, so a run is the same
// every time. Nothing runs concurrently: a "thread" of the pipeline is a chain of actions.
#pragma once

#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

namespace zkc::harness::vtime {

class EventLoop {
 public:
  using Action = std::function<void()>;

  double now() const { return now_; }
  // Runs `a` at virtual time t (clamped to now: the past is gone).
  void at(double t, Action a);
  void after(double dt, Action a) { at(now_ + dt, std::move(a)); }
  // After everything already scheduled for now.
  void soon(Action a) { at(now_, std::move(a)); }
  // Runs until nothing is left to do; returns how many actions ran.
  std::uint64_t run();

 private:
  struct Item {
    double t;
    std::uint64_t seq;
    Action action;
  };
  struct Later {
    bool operator()(const Item& a, const Item& b) const { return a.t != b.t ? a.t > b.t : a.seq > b.seq; }
  };
  double now_ = 0;
  std::uint64_t seq_ = 0;
  std::priority_queue<Item, std::vector<Item>, Later> items_;
};

}  // namespace zkc::harness::vtime
