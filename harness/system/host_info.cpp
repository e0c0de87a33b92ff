#include "harness/system/host_info.hpp"

#include <sys/utsname.h>
#include <unistd.h>

#include <fstream>
#include <string>

namespace zkc::harness {

HostInfo read_host_info() {
  HostInfo info;
  info.cpu_model = "unknown CPU";
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0) {
      if (const auto colon = line.find(':'); colon != std::string::npos && colon + 2 <= line.size())
        info.cpu_model = line.substr(colon + 2);
      break;
    }
  }
  if (const long n = sysconf(_SC_NPROCESSORS_ONLN); n > 0) info.online_cpus = static_cast<unsigned>(n);
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGESIZE);
  if (pages > 0 && page_size > 0) info.total_memory_bytes = static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size);
  if (utsname u{}; uname(&u) == 0) info.kernel_release = u.release;
  return info;
}

}  // namespace zkc::harness
