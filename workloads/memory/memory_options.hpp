// The memory-strategy toggles of the pipeline's large buffers (memory.*): how a freed buffer goes
// back, and which transparent-huge-page advice a mapping gets.
#pragma once

#include <optional>
#include <string_view>

namespace zkc::workloads {

enum class ReleaseMethod {
  kMunmap,        // pages and address range go back at once: a TLB shootdown on every CPU of the process
  kMadvDontneed,  // pages go back at once (shootdown too), the range is kept for the next buffer of its size
  kMadvFree,      // pages are marked free and reclaimed lazily, only under memory pressure
  kReuse,         // nothing goes back: pages stay resident and are handed out again (free list or arena)
};

enum class ThpAdvice {
  kSystem,  // no madvise: /sys/kernel/mm/transparent_hugepage/enabled decides
  kAlways,  // MADV_HUGEPAGE
  kNever,   // MADV_NOHUGEPAGE
};

// The config spellings: "munmap", "madv_dontneed", "madv_free", "reuse"; "system", "always", "never".
std::string_view to_string(ReleaseMethod method);
std::string_view to_string(ThpAdvice advice);
std::optional<ReleaseMethod> parse_release_method(std::string_view text);
std::optional<ThpAdvice> parse_thp_advice(std::string_view text);

}  // namespace zkc::workloads
