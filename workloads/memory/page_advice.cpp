#include "workloads/memory/page_advice.hpp"

#include <sys/mman.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>

#include "workloads/memory/syscall_error.hpp"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25  // Linux 6.1 uapi; older libc headers lack the name
#endif

namespace zkc::workloads {

PageRange inner_pages(void* data, std::size_t bytes) {
  if (data == nullptr || bytes == 0) return {};
  const std::uintptr_t page = page_size();
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + page - 1) / page * page;
  const std::uintptr_t last = (begin + bytes) / page * page;
  if (last <= first) return {};
  return {reinterpret_cast<void*>(first), static_cast<std::size_t>(last - first)};
}

std::string advise_thp(void* data, std::size_t bytes, ThpAdvice advice) {
  if (advice == ThpAdvice::kSystem) return {};
  const PageRange r = inner_pages(data, bytes);
  if (r.bytes == 0) return {};
  const bool huge = advice == ThpAdvice::kAlways;
  if (::madvise(r.data, r.bytes, huge ? MADV_HUGEPAGE : MADV_NOHUGEPAGE) != 0) {
    return std::string(huge ? "madvise(MADV_HUGEPAGE): " : "madvise(MADV_NOHUGEPAGE): ") + errno_text(errno);
  }
  return {};
}

std::size_t huge_page_size() {
  // The PMD size THP uses (2 MiB on x86-64); read once, as it cannot change while the system runs.
  static const std::size_t size = [] {
    std::size_t v = 0;
    if (std::FILE* f = std::fopen("/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", "r")) {
      if (std::fscanf(f, "%zu", &v) != 1) v = 0;
      std::fclose(f);
    }
    return v != 0 ? v : std::size_t{2} << 20;
  }();
  return size;
}

std::string collapse_huge_pages(void* data, std::size_t bytes) {
  // Only whole huge pages can be collapsed: a range without one is EINVAL, not a no-op.
  const std::uintptr_t huge = huge_page_size();
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + huge - 1) / huge * huge;
  const std::uintptr_t last = (begin + bytes) / huge * huge;
  if (data == nullptr || last <= first) return {};
  const PageRange r{reinterpret_cast<void*>(first), static_cast<std::size_t>(last - first)};
  if (::madvise(r.data, r.bytes, MADV_COLLAPSE) != 0) return "madvise(MADV_COLLAPSE): " + errno_text(errno);
  return {};
}

}  // namespace zkc::workloads
