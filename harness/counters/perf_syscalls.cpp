#include "harness/counters/perf_syscalls.hpp"

#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>

namespace zkc::harness::counters {
namespace {

class RealPerfSyscalls final : public PerfSyscalls {
 public:
  int perf_event_open(perf_event_attr& attr, pid_t pid, int cpu, int group_fd, unsigned long flags) override {
    // glibc has no wrapper for perf_event_open.
    const long fd = ::syscall(SYS_perf_event_open, &attr, pid, cpu, group_fd, flags);
    return fd < 0 ? -errno : static_cast<int>(fd);
  }
  int ioctl(int fd, unsigned long request, const void* arg) override {
    const int r = ::ioctl(fd, request, arg);
    return r < 0 ? -errno : r;
  }
  ssize_t read(int fd, void* buf, std::size_t count) override {
    for (;;) {
      const ssize_t n = ::read(fd, buf, count);
      if (n >= 0) return n;
      if (errno != EINTR) return -errno;
    }
  }
  int close(int fd) override { return ::close(fd) < 0 ? -errno : 0; }
};

}  // namespace

PerfSyscalls& real_perf_syscalls() {
  static RealPerfSyscalls real;
  return real;
}


}  // namespace zkc::harness::counters
