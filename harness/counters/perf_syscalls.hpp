// The four system calls the perf_event counters use, behind an interface so tests can simulate a machine
// without a PMU, a strict perf_event_paranoid or an old kernel (EACCES, ENOENT, EOPNOTSUPP, EINVAL, ...).
//
// Error convention: every method returns -errno on failure (never a bare -1) and leaves the global errno
// unspecified; callers read the error from the return value only. A fake therefore just returns -EACCES.
#pragma once

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

// The real system calls. Stateless: one shared object is safe to use from every thread.
PerfSyscalls& real_perf_syscalls();

// "EACCES (Permission denied)": the errno name and its text, for reports. `err` may be given either sign.
std::string errno_text(int err);

}  // namespace zkc::harness::counters
