#include "harness/cli/interrupt_watch.hpp"

#include <fmt/format.h>
#include <pthread.h>

#include <cerrno>
#include <ctime>

#include "harness/system/errno_text.hpp"

namespace zkc::cli {
namespace {

sigset_t watched_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

InterruptWatch::InterruptWatch() {
  const sigset_t set = watched_signals();
  if (const int err = pthread_sigmask(SIG_BLOCK, &set, &old_mask_); err != 0) {
    // Without the mask the signals keep their default action: the command still stops, just not cleanly.
    fmt::print(stderr, "zkcontend: pthread_sigmask: {}; Ctrl-C and SIGTERM will stop at once\n",
               harness::errno_text(err));
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
  const sigset_t set = watched_signals();
  const timespec tick{0, 200'000'000};  // how often to notice that the command has finished
  while (!done_.load()) {
    const int sig = sigtimedwait(&set, nullptr, &tick);
    if (sig != SIGINT && sig != SIGTERM) continue;  // timeout (EAGAIN) or EINTR
    int none = 0;
    if (!signal_.compare_exchange_strong(none, sig)) {
      // Second signal: its default action now.
      signal(sig, SIG_DFL);
      sigset_t one;
      sigemptyset(&one);
      sigaddset(&one, sig);
      raise(sig);
      pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
      return;
    }
    fmt::print(stderr, "\nzkcontend: {}: stopping after the current run ({} again to stop now)\n",
               sig == SIGINT ? "interrupted" : "SIGTERM received", sig == SIGINT ? "Ctrl-C" : "the signal");
  }
}

}  // namespace zkc::cli
