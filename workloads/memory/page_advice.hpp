// Transparent-huge-page advice (memory.thp) for one buffer. madvise works on whole pages, and a
// buffer from malloc or inside the arena need not start or end on one, so the advice covers the
// whole pages inside the buffer. THP only backs 2 MiB-aligned stretches of a mapping: a buffer
// smaller than that, or its unaligned ends, stay in small pages whatever the advice.
#pragma once

#include <cstddef>
#include <string>

#include "workloads/memory/memory_options.hpp"

namespace zkc::workloads {

struct PageRange {
  void* data = nullptr;
  std::size_t bytes = 0;  // 0 when the buffer holds no whole page
};

// The whole pages inside [data, data + bytes).
PageRange inner_pages(void* data, std::size_t bytes);

// MADV_HUGEPAGE (kAlways) or MADV_NOHUGEPAGE (kNever) on the whole pages of the buffer, before they
// are touched; kSystem leaves the mapping alone. Returns "" on success (and when there is nothing to
// advise), else why not ("madvise(MADV_HUGEPAGE): EINVAL (Invalid argument)": a kernel built
// without THP). Not fatal: the caller reports it.
std::string advise_thp(void* data, std::size_t bytes, ThpAdvice advice);

// The huge page size THP uses (hpage_pmd_size; 2 MiB on x86-64).
std::size_t huge_page_size();

// MADV_COLLAPSE (Linux 6.1+): backs the buffer's whole, already-touched huge-page stretches with
// huge pages now, instead of whenever khugepaged gets to them ("" when it holds none). "" or why
// not (EINVAL on older kernels; EAGAIN/ENOMEM when no huge page could be had).
std::string collapse_huge_pages(void* data, std::size_t bytes);

}  // namespace zkc::workloads
