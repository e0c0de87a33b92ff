#include "harness/cli/interrupt_watch.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <cerrno>
#include <cstring>
#include <ctime>

namespace zkc::cli {

InterruptWatch::InterruptWatch() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  if (const int err = pthread_sigmask(SIG_BLOCK, &set, &old_mask_); err != 0) {
    // Without the mask Ctrl-C keeps its default action: the command still stops, just not cleanly.
    fmt::print(stderr, "zkcontend: pthread_sigmask: {}; Ctrl-C will stop at once\n", std::strerror(err));
    return;
  }
  watcher_ = std::thread([this] { watch(); });
}

InterruptWatch::~InterruptWatch() {
  done_.store(true);
  if (watcher_.joinable()) watcher_.join();
  pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
}

void InterruptWatch::watch() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  const timespec tick{0, 200'000'000};  // how often to notice that the command has finished
  while (!done_.load()) {
    const int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig != SIGINT) continue;  // timeout (EAGAIN) or EINTR
    if (requested_.exchange(true)) {
      // Second Ctrl-C: default action now.
      signal(SIGINT, SIG_DFL);
      raise(SIGINT);
      pthread_sigmask(SIG_UNBLOCK, &set, nullptr);
      return;
    }
    fmt::print(stderr, "\nzkcontend: interrupted: stopping after the current run (Ctrl-C again to stop now)\n");
  }
}

}  // namespace zkc::cli
