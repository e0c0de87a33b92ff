// The four system calls the perf_event counters use, behind an interface so tests can simulate a machine
// without a PMU, a strict perf_event_paranoid or an old kernel (EACCES, ENOENT, EOPNOTSUPP, EINVAL, ...).
//
// Error convention: every method returns -errno on failure (never a bare -1) and leaves the global errno
// unspecified; callers read the error from the return value only. A fake therefore just returns -EACCES.
#pragma once

#include "harness/system/errno_text.hpp"  // errno_text, used with every syscall result here

#include <utility>

#include <linux/perf_event.h>
#include <sys/types.h>

#include <cstddef>
#include <string>

namespace zkc::harness::counters {

class PerfSyscalls {
 public:
  virtual ~PerfSyscalls() = default;
  // perf_event_open(2): the new fd, or -errno. `attr` is not const because the kernel writes attr.size
  // back on E2BIG.
  virtual int perf_event_open(perf_event_attr& attr, pid_t pid, int cpu, int group_fd, unsigned long flags) = 0;
  // ioctl(2) on a perf fd (ENABLE, RESET, SET_FILTER with a C string): >= 0, or -errno.
  virtual int ioctl(int fd, unsigned long request, const void* arg) = 0;
  // read(2): bytes read, or -errno. EINTR is retried by the real implementation.
  virtual ssize_t read(int fd, void* buf, std::size_t count) = 0;
  // close(2): 0, or -errno.
  virtual int close(int fd) = 0;
};

// One open perf fd, closed through its PerfSyscalls when destroyed: counter sets hold these and get
// correct move semantics for free. A default-constructed PerfFd holds nothing.
class PerfFd {
 public:
  PerfFd() = default;
  PerfFd(PerfSyscalls& sys, int fd) : sys_(&sys), fd_(fd) {}
  PerfFd(PerfFd&& other) noexcept : sys_(other.sys_), fd_(std::exchange(other.fd_, -1)) {}
  PerfFd& operator=(PerfFd&& other) noexcept {
    if (this != &other) {
      reset();
      sys_ = other.sys_;
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  PerfFd(const PerfFd&) = delete;
  PerfFd& operator=(const PerfFd&) = delete;
  ~PerfFd() { reset(); }

  bool is_open() const { return fd_ >= 0; }
  int get() const { return fd_; }
  PerfSyscalls& sys() const { return *sys_; }
  void reset() noexcept {
    if (fd_ >= 0) sys_->close(fd_);  // nothing useful to do about a failed close of a counter fd
    fd_ = -1;
  }

 private:
  PerfSyscalls* sys_ = nullptr;
  int fd_ = -1;
};

// The real system calls. Stateless: one shared object is safe to use from every thread.
PerfSyscalls& real_perf_syscalls();


}  // namespace zkc::harness::counters
