// Tier 0 contention counters: per-process and per-thread figures every Linux gives without privileges.
// Page faults show the cost of touching fresh mmap'd buffers (minor) or swapping (major); involuntary
// context switches show oversubscription of the CPUs; user/system time separates arithmetic from kernel
// work such as munmap and its TLB shootdowns. RSS and its peak come from /proc/self/status because
// getrusage reports only the peak.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string_view>

namespace zkc::harness::counters {

// Cumulative since the process (or thread) started; subtract two samples for an interval.
struct UsageSample {
  std::uint64_t minor_faults = 0;              // ru_minflt: faults served without I/O (first touch, COW)
  std::uint64_t major_faults = 0;              // ru_majflt: faults that needed I/O
  std::uint64_t voluntary_ctx_switches = 0;    // ru_nvcsw: gave up the CPU by blocking (lock, I/O, sleep)
  std::uint64_t involuntary_ctx_switches = 0;  // ru_nivcsw: preempted, or a sched_yield that switched (I3)
  double user_s = 0;                           // ru_utime
  double system_s = 0;                         // ru_stime
};

// getrusage(RUSAGE_SELF): all threads of the process, including the ones that have exited.
// std::system_error("getrusage(RUSAGE_SELF): <errno text>") on failure (not expected on Linux).
UsageSample read_process_usage();
// getrusage(RUSAGE_THREAD): the calling thread only (Linux-specific), for per-stage deltas on a worker.
UsageSample read_thread_usage();

struct MemorySample {
  std::uint64_t rss_bytes = 0;  // VmRSS: resident now (anon + file + shmem)
  std::uint64_t hwm_bytes = 0;  // VmHWM: peak resident so far
};

// VmRSS and VmHWM ("VmRSS:\t  123456 kB") of a /proc/<pid>/status text, in bytes.
// std::runtime_error("<source> line N: ...") for a malformed value, "<source>: no VmRSS line" when a
// field is missing (kernel threads have neither).
MemorySample parse_status_memory(std::string_view text, std::string_view source = "/proc/self/status");
// Reads and parses `status` (std::system_error naming the path and the errno text when unreadable).
MemorySample read_memory(const std::filesystem::path& status = "/proc/self/status");

}  // namespace zkc::harness::counters
