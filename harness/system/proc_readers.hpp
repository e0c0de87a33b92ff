// Small readers of kernel facts that matter to memory-subsystem contention: THP mode, perf access,
// the INVLPGB flag (broadcast TLB invalidation: cheaper shootdowns), available memory, peak RSS.
// Each takes the root of /proc or /sys so tests can point it at fixture files, returns nullopt when the
// file cannot be read or lacks the value, and then, when `error` is given, stores why there
// ("<path>: <errno text>" or "<path>: no <field>").
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace zkc::harness {

// A whole /proc, /sys or tracefs file (they report size 0, so it is read until EOF); nullopt and
// *error ("<path>: ENOENT (No such file or directory)") when it cannot be read.
std::optional<std::string> read_kernel_file(const std::filesystem::path& path, std::string* error = nullptr);

// <sys_root>/kernel/mm/transparent_hugepage/enabled: the bracketed word of "always [madvise] never".
std::optional<std::string> read_thp_mode(const std::filesystem::path& sys_root = "/sys", std::string* error = nullptr);
// <sys_root>/kernel/mm/transparent_hugepage/defrag: the bracketed word ("madvise", "defer", ...).
std::optional<std::string> read_thp_defrag(const std::filesystem::path& sys_root = "/sys", std::string* error = nullptr);

// The process's memory as /proc/self/smaps_rollup sums it, in bytes. Reading it walks every mapping
// and page table of the process under the mmap lock, so it is read a few times a run, not sampled.
struct SmapsRollup {
  std::uint64_t rss = 0;
  std::uint64_t anon_huge_pages = 0;  // AnonHugePages: anonymous memory backed by THP
  std::uint64_t lazy_free = 0;        // LazyFree: MADV_FREE'd pages not yet reclaimed
};
std::optional<SmapsRollup> read_smaps_rollup(const std::filesystem::path& proc_root = "/proc",
                                             std::string* error = nullptr);

// <proc_root>/sys/kernel/perf_event_paranoid (-1 .. 4).
std::optional<int> read_perf_event_paranoid(const std::filesystem::path& proc_root = "/proc",
                                            std::string* error = nullptr);
// Whether the first "flags" line of <proc_root>/cpuinfo lists `flag` (a whole word, e.g. "invlpgb").
std::optional<bool> cpu_has_flag(std::string_view flag, const std::filesystem::path& proc_root = "/proc",
                                 std::string* error = nullptr);
// MemAvailable of <proc_root>/meminfo, in bytes.
std::optional<std::uint64_t> read_mem_available_bytes(const std::filesystem::path& proc_root = "/proc",
                                                      std::string* error = nullptr);
// MemTotal from <proc_root>/meminfo: the physical RAM (the budget's "auto" sizes from it).
std::optional<std::uint64_t> read_mem_total_bytes(const std::filesystem::path& proc_root = "/proc",
                                                      std::string* error = nullptr);
// VmHWM (peak resident set) of <proc_root>/self/status, in bytes.
std::optional<std::uint64_t> read_peak_rss_bytes(const std::filesystem::path& proc_root = "/proc",
                                                 std::string* error = nullptr);

}  // namespace zkc::harness
