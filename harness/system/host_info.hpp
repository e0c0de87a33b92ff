// What machine this is, in one line of facts for reports: CPU model, CPU count, memory.
#pragma once

#include <cstddef>
#include <string>

namespace zkc::harness {

struct HostInfo {
  std::string cpu_model;          // /proc/cpuinfo "model name", or "unknown CPU"
  unsigned online_cpus = 0;       // sysconf(_SC_NPROCESSORS_ONLN)
  std::size_t total_memory_bytes = 0;
  std::string kernel_release;     // uname -r
};

HostInfo read_host_info();

}  // namespace zkc::harness
