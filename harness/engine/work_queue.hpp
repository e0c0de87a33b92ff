// WorkQueue<T>: the one bounded queue between pipeline stages (the real prover's channels), in one of
// its two orders:
//   kFifo      arrival order (its mpsc channels, up to e924f613);
//   kPriority  the smallest (proof, partition) first, whenever it arrived (PriorityWorkQueue, e5c74b7d).
// A queue that only ever needs arrival order (the dispatcher's hand-off, the finalizer's jobs) is
// built from its capacity alone and pushed to without a key.
// push blocks while full, pop while empty; close() wakes everyone so a failed run can stop its threads.
// The callbacks run under the queue's lock, so an event recorded there (GPU_QUEUE, GPU_PICKUP) is
// ordered exactly as the queue saw it: a test can check the order from the timeline alone.
#pragma once

#include <algorithm>
#include <compare>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <utility>

namespace zkc::harness {

enum class QueueOrder { kFifo, kPriority };

struct WorkKey {
  int proof = 0;
  int partition = 0;
  auto operator<=>(const WorkKey&) const = default;
};

template <class T>
class WorkQueue {
 public:
  using OnKey = std::function<void(const WorkKey&)>;

  WorkQueue(QueueOrder order, std::size_t capacity) : order_(order), capacity_(capacity == 0 ? 1 : capacity) {}
  explicit WorkQueue(std::size_t capacity) : WorkQueue(QueueOrder::kFifo, capacity) {}

  // false when the queue was closed (the item is dropped).
  bool push(WorkKey key, T item, const OnKey& under_lock = {}) {
    std::unique_lock lock(mutex_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    auto at = items_.end();
    if (order_ == QueueOrder::kPriority) {
      at = std::upper_bound(items_.begin(), items_.end(), key,
                            [](const WorkKey& k, const std::pair<WorkKey, T>& e) { return k < e.first; });
    }
    items_.emplace(at, key, std::move(item));
    if (under_lock) under_lock(key);
    not_empty_.notify_one();
    return true;
  }
  // Arrival order, no key (a FIFO queue; in a priority queue it would sort as (0, 0)).
  bool push(T item) { return push(WorkKey{}, std::move(item)); }
  // nullopt once the queue is closed and empty.
  std::optional<T> pop(const OnKey& under_lock = {}) {
    std::unique_lock lock(mutex_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    auto [key, item] = std::move(items_.front());
    items_.pop_front();
    if (under_lock) under_lock(key);
    not_full_.notify_one();
    return std::move(item);
  }
  std::size_t size() const {
    std::lock_guard lock(mutex_);
    return items_.size();
  }
  // Pending items stay poppable; pushes fail and waiting pops return nullopt once empty.
  void close() {
    std::lock_guard lock(mutex_);
    closed_ = true;
    not_full_.notify_all();
    not_empty_.notify_all();
  }
  // Drops pending items (on failure, so their buffers are freed now).
  void clear() {
    std::lock_guard lock(mutex_);
    items_.clear();
    not_full_.notify_all();
  }

 private:
  const QueueOrder order_;
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable not_full_, not_empty_;
  std::deque<std::pair<WorkKey, T>> items_;
  bool closed_ = false;
};

}  // namespace zkc::harness
