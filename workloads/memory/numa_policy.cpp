#include "workloads/memory/numa_policy.hpp"

#include <fmt/format.h>
#include <numa.h>
#include <numaif.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "workloads/memory/syscall_error.hpp"

namespace zkc::workloads {
namespace {

// "0-3,8": the nodes set in `mask`, runs collapsed.
std::string format_nodes(const bitmask* mask) {
  std::string out;
  const unsigned n = static_cast<unsigned>(mask->size);
  for (unsigned i = 0; i < n;) {
    if (numa_bitmask_isbitset(mask, i) == 0) {
      ++i;
      continue;
    }
    unsigned j = i;
    while (j + 1 < n && numa_bitmask_isbitset(mask, j + 1) != 0) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? fmt::format("{}", i) : fmt::format("{}-{}", i, j);
    i = j + 1;
  }
  return out.empty() ? std::string("none") : out;
}

struct BitmaskFree {
  void operator()(bitmask* b) const { numa_bitmask_free(b); }
};
using Bitmask = std::unique_ptr<bitmask, BitmaskFree>;

// libnuma's own convention for mbind's maxnode: the kernel reads maxnode - 1 bits (a historical
// off-by-one), so passing size + 1 makes every bit of the mask count.
unsigned long mbind_maxnode(const bitmask* mask) { return mask->size + 1; }

std::string do_mbind(void* addr, std::size_t bytes, int mode, const bitmask* mask) {
  const unsigned long* bits = mask != nullptr ? mask->maskp : nullptr;
  const unsigned long maxnode = mask != nullptr ? mbind_maxnode(mask) : 0;
  // No MPOL_MF_MOVE / MPOL_MF_STRICT: the region is untouched, so there is nothing to migrate, and
  // the policy alone decides where each first touch lands.
  if (::mbind(addr, bytes, mode, bits, maxnode, 0) != 0) return "mbind: " + errno_text(errno);
  return {};
}

}  // namespace

NumaPolicy parse_numa_policy(std::string_view text) {
  if (text == "none") return {};
  if (text == "local") return {NumaMode::kLocal, 0};
  if (text == "interleave") return {NumaMode::kInterleave, 0};
  constexpr std::string_view kNodePrefix = "node:";
  if (text.starts_with(kNodePrefix)) {
    const std::string_view digits = text.substr(kNodePrefix.size());
    int node = -1;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), node);
    // Whole remainder consumed, and no sign: "node:-1", "node:", "node:1x" are all rejected.
    if (ec == std::errc() && end == digits.data() + digits.size() && !digits.empty() && digits[0] != '-' &&
        node >= 0)
      return {NumaMode::kNode, node};
  }
  throw std::invalid_argument(fmt::format(
      "invalid NUMA policy \"{}\": accepted forms are none, local, interleave, node:N (N a NUMA node number)", text));
}

std::string to_string(const NumaPolicy& policy) {
  switch (policy.mode) {
    case NumaMode::kNone: return "none";
    case NumaMode::kLocal: return "local";
    case NumaMode::kInterleave: return "interleave";
    case NumaMode::kNode: return fmt::format("node:{}", policy.node);
  }
  return "none";
}

std::string apply_numa_policy(void* addr, std::size_t bytes, const NumaPolicy& policy) {
  if (policy.mode == NumaMode::kNone || addr == nullptr || bytes == 0) return {};
  // numa_available() must come first: every other libnuma call is undefined without NUMA support.
  if (numa_available() < 0) return "libnuma: NUMA not available";
  // mbind rejects an unaligned start with a bare EINVAL; say what is wrong instead.
  if (reinterpret_cast<std::uintptr_t>(addr) % page_size() != 0)
    return fmt::format("mbind: address {} is not page-aligned", addr);

  switch (policy.mode) {
    case NumaMode::kNone: return {};
    case NumaMode::kLocal:
#ifdef MPOL_LOCAL
      return do_mbind(addr, bytes, MPOL_LOCAL, nullptr);
#else
      // Before MPOL_LOCAL existed, "preferred with an empty node mask" meant local allocation.
      return do_mbind(addr, bytes, MPOL_PREFERRED, nullptr);
#endif
    case NumaMode::kInterleave: {
      // Allowed nodes (the cpuset's mems), not all nodes: the kernel rejects a mask naming a node this
      // process may not use.
      const Bitmask allowed(numa_get_mems_allowed());
      if (!allowed) return "libnuma: numa_get_mems_allowed failed";
      return do_mbind(addr, bytes, MPOL_INTERLEAVE, allowed.get());
    }
    case NumaMode::kNode: {
      // numa_nodes_ptr: every node this machine has (/sys/devices/system/node), with memory or not.
      const bool exists = policy.node >= 0 && policy.node <= numa_max_node() &&
                          numa_bitmask_isbitset(numa_nodes_ptr, static_cast<unsigned>(policy.node)) != 0;
      if (!exists)
        return fmt::format("node {} does not exist (existing nodes: {})", policy.node, format_nodes(numa_nodes_ptr));
      const Bitmask allowed(numa_get_mems_allowed());
      if (allowed && numa_bitmask_isbitset(allowed.get(), static_cast<unsigned>(policy.node)) == 0)
        return fmt::format("node {} is not allowed for this process (allowed nodes: {})", policy.node,
                           format_nodes(allowed.get()));
      const Bitmask mask(numa_allocate_nodemask());
      if (!mask) return "libnuma: numa_allocate_nodemask failed";
      numa_bitmask_setbit(mask.get(), static_cast<unsigned>(policy.node));
      return do_mbind(addr, bytes, MPOL_BIND, mask.get());
    }
  }
  return {};
}

std::optional<int> page_node(const void* addr, std::string* why) {
  // move_pages with nodes == nullptr only reports; unlike get_mempolicy(MPOL_F_NODE | MPOL_F_ADDR), it
  // does not fault the page in, so asking does not change the answer.
  const std::uintptr_t page = reinterpret_cast<std::uintptr_t>(addr) & ~(static_cast<std::uintptr_t>(page_size()) - 1);
  void* pages[1] = {reinterpret_cast<void*>(page)};
  int status[1] = {0};
  if (::move_pages(0, 1, pages, nullptr, status, 0) != 0) {
    if (why != nullptr) *why = "move_pages: " + errno_text(errno);
    return std::nullopt;
  }
  if (status[0] < 0) {
    // -ENOENT: not resident; -EFAULT: the zero page or no mapping.
    if (why != nullptr) *why = fmt::format("page not resident ({})", errno_text(status[0]));
    return std::nullopt;
  }
  if (why != nullptr) why->clear();
  return status[0];
}

std::string region_policy(const void* addr) {
  // The kernel refuses a mask shorter than its node count; libnuma's nodemask has the largest
  // possible size, so it always fits. numa_allocate_nodemask needs no numa_available() check: it only
  // sizes a buffer.
  const Bitmask mask(numa_allocate_nodemask());
  if (!mask) return "libnuma: numa_allocate_nodemask failed";
  int mode = 0;
  if (::get_mempolicy(&mode, mask->maskp, mask->size, const_cast<void*>(addr), MPOL_F_ADDR) != 0)
    return "get_mempolicy: " + errno_text(errno);
  // The mode's high bits carry flags (static/relative nodes, NUMA balancing); only the mode matters.
  mode &= (1 << 13) - 1;
  switch (mode) {
    case MPOL_DEFAULT: return "default";
#ifdef MPOL_LOCAL
    case MPOL_LOCAL: return "local";
#endif
    case MPOL_PREFERRED:
      // An empty preferred mask is the old spelling of local allocation.
      if (numa_bitmask_weight(mask.get()) == 0) return "local";
      return "preferred " + format_nodes(mask.get());
    case MPOL_BIND: return "bind " + format_nodes(mask.get());
    case MPOL_INTERLEAVE: return "interleave " + format_nodes(mask.get());
    case 5: return "preferred-many " + format_nodes(mask.get());       // MPOL_PREFERRED_MANY (Linux 5.15)
    case 6: return "weighted-interleave " + format_nodes(mask.get());  // MPOL_WEIGHTED_INTERLEAVE (6.9)
    default: return fmt::format("mode {} {}", mode, format_nodes(mask.get()));
  }
}

}  // namespace zkc::workloads
