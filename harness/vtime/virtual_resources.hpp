// The engine's blocking primitives in virtual time: whoever would block hands over what to do next
// (a continuation), which runs on the event loop once the wait is over. Waiters are served in
// arrival order, so a run is deterministic:
//   VSemaphore   counting semaphore (j admission, pw / depth / finalize permits, I1's side mutex,
//                arena slots, a device lock with one permit)
//   VQueue<T>    bounded queue in fifo or (proof, partition) order (work_queue.hpp): push waits
//                while full, pop while empty; the callbacks run as the item enters or leaves, as
//                the real queue stamps GPU_QUEUE / GPU_PICKUP under its lock
//   VBudget      the memory budget (memory_budget.hpp): ordered, or a seeded race among fitting waiters
#pragma once

#include <algorithm>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <random>
#include <utility>

#include "harness/engine/work_queue.hpp"
#include "harness/vtime/event_loop.hpp"

namespace zkc::harness::vtime {

using Next = std::function<void()>;

class VSemaphore {
 public:
  VSemaphore(EventLoop& loop, std::uint64_t permits) : loop_(loop), free_(permits) {}
  void acquire(Next then);
  void release();

 private:
  EventLoop& loop_;
  std::uint64_t free_;
  std::deque<Next> waiting_;
};

template <class T>
class VQueue {
 public:
  using OnKey = std::function<void(const WorkKey&)>;
  using Take = std::function<void(T)>;
  VQueue(EventLoop& loop, QueueOrder order, std::size_t capacity)
      : loop_(loop), order_(order), capacity_(std::max<std::size_t>(capacity, 1)) {}

  // `entered` runs when the item is in the queue, `then` after (the pusher goes on).
  void push(WorkKey key, T item, OnKey entered, Next then) {
    pushers_.push_back(Pusher{key, std::move(item), std::move(entered), std::move(then)});
    serve();
  }
  // `left` runs as the item is taken, then `take` gets it.
  void pop(OnKey left, Take take) {
    poppers_.push_back(Popper{std::move(left), std::move(take)});
    serve();
  }
  std::size_t size() const { return items_.size(); }

 private:
  struct Pusher {
    WorkKey key;
    T item;
    OnKey entered;
    Next then;
  };
  struct Popper {
    OnKey left;
    Take take;
  };
  void serve() {
    for (bool moved = true; moved;) {
      moved = false;
      if (!pushers_.empty() && items_.size() < capacity_) {
        Pusher p = std::move(pushers_.front());
        pushers_.pop_front();
        auto at = items_.end();
        if (order_ == QueueOrder::kPriority) {
          at = std::upper_bound(items_.begin(), items_.end(), p.key,
                                [](const WorkKey& k, const std::pair<WorkKey, T>& e) { return k < e.first; });
        }
        items_.emplace(at, p.key, std::move(p.item));
        if (p.entered) p.entered(p.key);
        loop_.soon(std::move(p.then));
        moved = true;
      }
      if (!poppers_.empty() && !items_.empty()) {
        Popper q = std::move(poppers_.front());
        poppers_.pop_front();
        auto [key, item] = std::move(items_.front());
        items_.pop_front();
        if (q.left) q.left(key);
        loop_.soon([take = std::move(q.take), item = std::make_shared<T>(std::move(item))]() mutable {
          take(std::move(*item));
        });
        moved = true;
      }
    }
  }

  EventLoop& loop_;
  const QueueOrder order_;
  const std::size_t capacity_;
  std::deque<std::pair<WorkKey, T>> items_;
  std::deque<Pusher> pushers_;
  std::deque<Popper> poppers_;
};

class VBudget {
 public:
  using OnChange = std::function<void(std::uint64_t held)>;
  // race: a seeded draw among the waiters that fit; else the first waiter, whom nobody passes.
  // Throws std::invalid_argument for a zero total.
  VBudget(EventLoop& loop, std::uint64_t total, bool race, std::uint64_t seed);
  // `granted` runs at the grant with the bytes held after it, `then` after. Throws
  // std::invalid_argument for a request over the total (it would wait forever).
  void acquire(std::uint64_t bytes, OnChange granted, Next then);
  void release(std::uint64_t bytes, const OnChange& changed);
  std::uint64_t held() const { return held_; }
  std::uint64_t total() const { return total_; }

 private:
  struct Waiter {
    std::uint64_t bytes;
    OnChange granted;
    Next then;
  };
  void grant_waiters();
  void take(std::size_t i);

  EventLoop& loop_;
  const std::uint64_t total_;
  const bool race_;
  std::mt19937_64 rng_;
  std::uint64_t held_ = 0;
  std::deque<Waiter> waiters_;
};

}  // namespace zkc::harness::vtime
