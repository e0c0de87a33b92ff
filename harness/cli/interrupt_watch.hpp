// InterruptWatch: Ctrl-C for long commands (ab, sweep) that must stop cleanly after the current run.
// SIGINT is blocked in this thread (and so in every thread started after) and a watcher thread
// waits for it with sigtimedwait, so no signal handler and no global flag are involved: the flag
// belongs to this object. A second Ctrl-C restores the default action and stops at once.
#pragma once

#include <signal.h>

#include <atomic>
#include <thread>

namespace zkc::cli {

class InterruptWatch {
 public:
  // Construct on the main thread before starting any other thread.
  InterruptWatch();
  ~InterruptWatch();  // stops the watcher and restores the signal mask
  InterruptWatch(const InterruptWatch&) = delete;
  InterruptWatch& operator=(const InterruptWatch&) = delete;

  bool requested() const { return requested_.load(); }

 private:
  void watch();

  sigset_t old_mask_{};
  std::atomic<bool> requested_{false};
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace zkc::cli
