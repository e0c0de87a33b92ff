// InterruptWatch: Ctrl-C (SIGINT) and SIGTERM for long commands (ab, sweep) that must stop cleanly
// after the current run: a service manager, `timeout` or `kill` stopping them is treated as Ctrl-C is.
// Both signals are blocked in this thread (and so in every thread started after) and a watcher thread
// waits for them with sigtimedwait, so no signal handler and no global flag are involved: the flag
// belongs to this object. A second signal restores the default action and stops at once.
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

  bool requested() const { return signal_.load() != 0; }
  // The exit code of a command stopped cleanly: 128 + the signal, as shells report it (130 for Ctrl-C,
  // 143 for SIGTERM); 0 when no signal came.
  int exit_code() const { return signal_.load() == 0 ? 0 : 128 + signal_.load(); }

 private:
  void watch();

  sigset_t old_mask_{};
  std::atomic<int> signal_{0};  // the first signal received, 0 for none
  std::atomic<bool> done_{false};
  std::thread watcher_;
};

}  // namespace zkc::cli
