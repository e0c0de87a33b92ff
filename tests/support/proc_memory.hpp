// What the kernel says about this process's memory, for the memory-strategy tests: the VmFlags of the
// mapping holding an address (/proc/self/smaps), VmRSS (/proc/self/status) and LazyFree
// (/proc/self/smaps_rollup). Plain parsing, no harness dependency: workloads_* tests link only the
// workloads layer.
#pragma once

#include <cstdint>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>

namespace zkc::test_support {

struct Vma {
  std::uintptr_t start = 0, end = 0;
  std::set<std::string> flags;  // VmFlags mnemonics: "nr" (MAP_NORESERVE), "nh", "hg", ...
};

// The VMA of /proc/self/smaps whose range holds `p`, found by address (the kernel may merge it with a
// neighbour of the same flags, so its bounds need not be the mapping's).
inline std::optional<Vma> vma_of(const void* p) {
  const auto addr = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream in("/proc/self/smaps");
  std::string line;
  bool inside = false;
  Vma vma;
  while (std::getline(in, line)) {
    // A header line starts with "start-end " in hex; field lines start with "Name:".
    const auto dash = line.find('-');
    const auto space = line.find(' ');
    const bool header = dash != std::string::npos && space != std::string::npos && dash < space &&
                        line.find(':') > space;
    if (header) {
      const std::uintptr_t start = std::stoull(line.substr(0, dash), nullptr, 16);
      const std::uintptr_t end = std::stoull(line.substr(dash + 1, space - dash - 1), nullptr, 16);
      inside = start <= addr && addr < end;
      if (inside) vma = Vma{start, end, {}};
    } else if (inside && line.rfind("VmFlags:", 0) == 0) {
      std::istringstream words(line.substr(8));
      for (std::string w; words >> w;) vma.flags.insert(w);
      return vma;
    }
  }
  return std::nullopt;
}

// A "Name:   1234 kB" field of a /proc file, in KiB; nullopt when the file has no such line.
inline std::optional<std::uint64_t> proc_kib(const char* path, const std::string& name) {
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) return std::stoull(line.substr(name.size() + 1));
  }
  return std::nullopt;
}

inline std::uint64_t vm_rss_kib() { return proc_kib("/proc/self/status", "VmRSS").value_or(0); }
inline std::optional<std::uint64_t> lazy_free_kib() { return proc_kib("/proc/self/smaps_rollup", "LazyFree"); }

}  // namespace zkc::test_support
