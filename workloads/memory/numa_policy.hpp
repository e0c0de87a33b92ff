// NUMA placement of the large buffers (`memory.numa`): where the kernel puts a HostArray's pages when
// they are first touched. The policy is attached to the mapping with mbind(2) right after mmap and
// before any page is touched, so no page ever has to migrate; pages already faulted in keep their
// placement. Two read-backs make placement checkable instead of assumed: the node a resident page
// really lives on (move_pages) and the policy attached to a mapping (get_mempolicy).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace zkc::workloads {

enum class NumaMode {
  kNone,        // leave the mapping alone: the thread's policy (normally first touch) applies
  kLocal,       // allocate on the node of the CPU that touches the page (MPOL_LOCAL)
  kInterleave,  // round-robin over every node this process may allocate on (MPOL_INTERLEAVE)
  kNode,        // only on `node` (MPOL_BIND): fails allocation there rather than spill elsewhere
};

struct NumaPolicy {
  NumaMode mode = NumaMode::kNone;
  int node = 0;  // kNode only
  friend bool operator==(const NumaPolicy&, const NumaPolicy&) = default;
};

// "none" | "local" | "interleave" | "node:N" (N a decimal node number). Anything else is a
// std::invalid_argument naming the text and the accepted forms.
NumaPolicy parse_numa_policy(std::string_view text);
// The inverse of parse_numa_policy: "none", "local", "interleave", "node:3".
std::string to_string(const NumaPolicy& policy);

// Attaches `policy` to [addr, addr + bytes) (addr page-aligned, the start of an mmap'd region whose
// pages are not touched yet). Returns "" on success (and for kNone, nullptr or 0 bytes: nothing to
// do), else why not: "libnuma: NUMA not available", "node 3 does not exist (existing nodes: 0)",
// "node 1 is not allowed for this process (allowed nodes: 0)", "mbind: EPERM (Operation not
// permitted)". A failure leaves the mapping with its previous (default) policy: the caller decides
// whether that is fatal.
std::string apply_numa_policy(void* addr, std::size_t bytes, const NumaPolicy& policy);

// The NUMA node holding the page at `addr`, asked with move_pages(2) without moving anything, so the
// page is not faulted in by the question. nullopt when the page is not resident (never written, or
// only read: the shared zero page belongs to no node) or the call failed; `why`, when given, then
// says which: "page not resident (ENOENT (No such file or directory))", "move_pages: ENOSYS (...)".
std::optional<int> page_node(const void* addr, std::string* why = nullptr);

// The policy of the mapping containing `addr` (get_mempolicy with MPOL_F_ADDR): "default" (no policy
// of its own: the thread's applies), "local", "bind 0", "interleave 0-1", "preferred 1",
// "preferred-many 0-1", "weighted-interleave 0-1"; "get_mempolicy: <errno text>" on failure.
std::string region_policy(const void* addr);

}  // namespace zkc::workloads
