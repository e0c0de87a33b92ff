// PermitGate: the pipeline's counting semaphores (j admission, the depth pacer's permits, the
// finalizer's places), cancellable so a failed run can stop its threads.
#pragma once

#include <condition_variable>
#include <mutex>

namespace zkc::harness {

// PermitGate: a counting semaphore that can be cancelled (std::counting_semaphore cannot).
class PermitGate {
 public:
  explicit PermitGate(unsigned permits) : free_(permits) {}
  bool acquire() {  // false when cancelled
    std::unique_lock lock(mutex_);
    cv_.wait(lock, [&] { return cancelled_ || free_ > 0; });
    if (cancelled_) return false;
    --free_;
    return true;
  }
  void release() {
    std::lock_guard lock(mutex_);
    ++free_;
    cv_.notify_one();
  }
  void cancel() {
    std::lock_guard lock(mutex_);
    cancelled_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  unsigned free_;
  bool cancelled_ = false;
};

}  // namespace zkc::harness
