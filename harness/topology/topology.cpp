#include "harness/topology/topology.hpp"

#include <fmt/format.h>
#include <hwloc.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

#include "harness/topology/topology_precheck.hpp"

namespace zkc::harness::topology {
namespace {

// Larger indexes are certainly typos ("0-4000000000" would otherwise allocate gigabytes); Linux
// supports at most 8192 CPUs today.
constexpr unsigned long kMaxIndex = (1UL << 20) - 1;

std::string errno_text(int err) { return fmt::format("{} (errno {})", std::strerror(err), err); }

// OS indexes of the set bits, ascending (hwloc iterates bitmaps in increasing order).
std::vector<unsigned> os_indexes(hwloc_const_bitmap_t set) {
  std::vector<unsigned> out;
  if (set == nullptr) return out;
  // An infinite bitmap cannot be listed; hwloc only makes these for "all" sets, never for objects.
  if (hwloc_bitmap_weight(set) < 0) return out;
  // hwloc_bitmap_foreach_begin's expansion has C casts (-Wold-style-cast): the same loop, spelled out.
  for (int id = hwloc_bitmap_first(set); id != -1; id = hwloc_bitmap_next(set, id)) {
    out.push_back(static_cast<unsigned>(id));
  }
  return out;
}

// Owns a bitmap so that every exit path frees it.
struct Bitmap {
  Bitmap() : b(hwloc_bitmap_alloc()) {
    if (b == nullptr) throw std::runtime_error("hwloc_bitmap_alloc: out of memory");
  }
  ~Bitmap() { hwloc_bitmap_free(b); }
  Bitmap(const Bitmap&) = delete;
  Bitmap& operator=(const Bitmap&) = delete;
  hwloc_bitmap_t b;
};

}  // namespace

struct Topology::Impl {
  hwloc_topology_t topo = nullptr;
  TopologyInfo info;
  bool foreign = false;  // synthetic or XML: never bind, whatever hwloc says
  bool bind_supported = false;

  ~Impl() {
    if (topo != nullptr) hwloc_topology_destroy(topo);
  }
};

namespace {

void fill_info(hwloc_topology_t topo, TopologyInfo& info) {
  const hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(topo);
  const std::vector<unsigned> all_pus = os_indexes(all);
  info.pus = static_cast<unsigned>(all_pus.size());

  const int numa = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_NUMANODE);
  info.numa_nodes = numa > 0 ? static_cast<unsigned>(numa) : 0U;

  const int cores = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_CORE);
  for (int i = 0; i < cores; ++i) {
    const hwloc_obj_t core = hwloc_get_obj_by_type(topo, HWLOC_OBJ_CORE, static_cast<unsigned>(i));
    if (core == nullptr) continue;
    auto pus = os_indexes(core->cpuset);
    if (!pus.empty()) info.cores_pus.push_back(std::move(pus));
  }
  // Some virtual machines expose no Core objects: then every PU is its own core (no SMT known).
  if (info.cores_pus.empty()) {
    for (const unsigned pu : all_pus) info.cores_pus.push_back({pu});
  }
  info.cores = static_cast<unsigned>(info.cores_pus.size());

  const int l3 = hwloc_get_nbobjs_by_type(topo, HWLOC_OBJ_L3CACHE);
  for (int i = 0; i < l3; ++i) {
    const hwloc_obj_t obj = hwloc_get_obj_by_type(topo, HWLOC_OBJ_L3CACHE, static_cast<unsigned>(i));
    if (obj == nullptr) continue;
    L3Domain d;
    d.index = static_cast<unsigned>(info.l3.size());
    d.pus = os_indexes(obj->cpuset);
    d.size_bytes = obj->attr != nullptr ? obj->attr->cache.size : 0;
    d.numa_nodes = os_indexes(obj->nodeset);
    // An L3 whose PUs are all offline or outside our cgroup is no place to run threads.
    if (!d.pus.empty()) info.l3.push_back(std::move(d));
  }
  if (info.l3.empty()) {
    L3Domain d;
    d.pus = all_pus;
    d.numa_nodes = os_indexes(hwloc_topology_get_topology_nodeset(topo));
    info.l3.push_back(std::move(d));
  }
}

}  // namespace

Topology Topology::load(const TopologySource& source) {
  if (!source.synthetic.empty() && !source.xml.empty()) {
    throw std::invalid_argument(fmt::format(
        "both a synthetic description (\"{}\") and an XML file ({}) were given: accepted: at most one of them",
        source.synthetic, source.xml));
  }
  auto impl = std::make_unique<Impl>();
  if (hwloc_topology_init(&impl->topo) != 0) {
    const int err = errno;
    impl->topo = nullptr;
    throw std::runtime_error("hwloc_topology_init: " + errno_text(err));
  }
  if (!source.synthetic.empty()) {
    impl->foreign = true;
    impl->info.source = "synthetic: " + source.synthetic;
    precheck_synthetic(source.synthetic);
    if (hwloc_topology_set_synthetic(impl->topo, source.synthetic.c_str()) != 0) {
      const int err = errno;
      // hwloc explains the rejection only on stderr and only when asked to: point there.
      throw std::invalid_argument(fmt::format(
          "synthetic topology \"{}\": hwloc rejects it: {}; run with HWLOC_SYNTHETIC_VERBOSE=1 for hwloc's "
          "reason (accepted: levels like \"package:1 l3:12(size=32MiB) core:8 pu:2\")",
          source.synthetic, errno_text(err)));
    }
  } else if (!source.xml.empty()) {
    impl->foreign = true;
    impl->info.source = "xml: " + source.xml;
    // hwloc's own error for a missing file is a bare EINVAL at load time: say what is wrong first.
    std::error_code ec;
    if (!std::filesystem::is_regular_file(source.xml, ec)) {
      throw std::invalid_argument(fmt::format("XML topology {}: {}", source.xml,
                                              ec ? ec.message()
                                                 : std::string("not a regular file (export one with "
                                                               "`lstopo file.xml` on the target)")));
    }
    precheck_xml(source.xml);
    probe_xml_load(source.xml);
    if (hwloc_topology_set_xml(impl->topo, source.xml.c_str()) != 0) {
      const int err = errno;
      throw std::invalid_argument(fmt::format("XML topology {}: hwloc cannot use it: {}", source.xml, errno_text(err)));
    }
  } else {
    impl->info.source = "this machine";
  }
  errno = 0;  // hwloc's XML and synthetic imports often fail without setting it: a stale errno misleads
  if (hwloc_topology_load(impl->topo) != 0) {
    const int err = errno;
    if (impl->foreign) {
      throw std::invalid_argument(fmt::format(
          "{}: hwloc cannot load it: {}", impl->info.source,
          err != 0 ? errno_text(err)
                   : std::string("hwloc gives no reason; run with HWLOC_XML_VERBOSE=1 or HWLOC_SYNTHETIC_VERBOSE=1 "
                                 "for its own message")));
    }
    throw std::runtime_error("hwloc_topology_load (this machine): " + errno_text(err));
  }
  // hwloc may be told (HWLOC_THISSYSTEM=1) that an XML export is this machine; a what-if topology is
  // still a plan for another machine, so only the real one counts as this system.
  impl->info.is_this_system = !impl->foreign && hwloc_topology_is_thissystem(impl->topo) != 0;
  const hwloc_topology_support* support = hwloc_topology_get_support(impl->topo);
  impl->bind_supported = support != nullptr && support->cpubind != nullptr &&
                         support->cpubind->set_thisthread_cpubind != 0;
  fill_info(impl->topo, impl->info);
  if (impl->info.pus == 0) {
    throw std::invalid_argument(impl->info.source + ": the topology has no PUs");
  }
  return Topology(std::move(impl));
}

Topology::Topology(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Topology::~Topology() = default;
Topology::Topology(Topology&&) noexcept = default;
Topology& Topology::operator=(Topology&&) noexcept = default;

const TopologyInfo& Topology::info() const { return impl_->info; }

bool Topology::can_bind() const { return impl_->info.is_this_system && impl_->bind_supported; }

std::string Topology::bind_current_thread(const std::vector<unsigned>& pus) const {
  // hwloc's binding calls "succeed" on a foreign topology by binding nothing (or the wrong CPUs):
  // never call them there, so that no caller can report a binding that did not happen.
  if (impl_->foreign) {
    return impl_->info.source.rfind("xml:", 0) == 0 ? "simulated (XML topology)" : "simulated (synthetic topology)";
  }
  if (!impl_->info.is_this_system) return "simulated (hwloc says the topology is not this system)";
  if (!impl_->bind_supported) return "thread binding not supported";
  if (pus.empty()) return "no PUs given: thread left unbound";
  const hwloc_const_cpuset_t all = hwloc_topology_get_topology_cpuset(impl_->topo);
  std::vector<unsigned> missing;
  Bitmap set;
  for (const unsigned pu : pus) {
    if (hwloc_bitmap_isset(all, pu) == 0) {
      missing.push_back(pu);
      continue;
    }
    if (hwloc_bitmap_set(set.b, pu) != 0) return "hwloc_bitmap_set: " + errno_text(errno);
  }
  if (!missing.empty()) {
    return fmt::format("{} {} {} not on this machine (it has PUs {}): thread left unbound",
                       missing.size() == 1 ? "PU" : "PUs", format_index_list(missing), missing.size() == 1 ? "is" : "are",
                       format_index_list(os_indexes(all)));
  }
  if (hwloc_set_cpubind(impl_->topo, set.b, HWLOC_CPUBIND_THREAD) != 0) {
    const int err = errno;
    return fmt::format("hwloc_set_cpubind(thread, {}): {}", format_index_list(pus), errno_text(err));
  }
  return "";
}

std::vector<unsigned> parse_index_list(const std::string& text) {
  const auto fail = [&](const std::string& why) {
    return std::invalid_argument(
        fmt::format("index list \"{}\": {} (accepted: numbers and ranges separated by commas, like 0-3,8,10-11)",
                    text, why));
  };
  if (text.empty()) throw fail("empty list");
  std::vector<unsigned> out;
  std::size_t pos = 0;
  // Reads one decimal number at `pos`; digits only, so "-1", "+1" and "0x1" are rejected.
  const auto number = [&](const char* what) -> unsigned long {
    const std::size_t start = pos;
    unsigned long v = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      v = v * 10 + static_cast<unsigned long>(text[pos] - '0');
      if (v > kMaxIndex) throw fail(fmt::format("{} above {}", what, kMaxIndex));
      ++pos;
    }
    if (pos == start) {
      throw fail(pos < text.size() ? fmt::format("expected a {} at \"{}\"", what, text.substr(pos))
                                   : fmt::format("expected a {} at the end", what));
    }
    return v;
  };
  while (true) {
    const unsigned long lo = number("number");
    unsigned long hi = lo;
    if (pos < text.size() && text[pos] == '-') {
      ++pos;
      hi = number("range end");
      if (hi < lo) throw fail(fmt::format("range {}-{} runs backwards", lo, hi));
    }
    for (unsigned long v = lo; v <= hi; ++v) out.push_back(static_cast<unsigned>(v));
    if (pos == text.size()) break;
    if (text[pos] != ',') throw fail(fmt::format("unexpected \"{}\"", text.substr(pos)));
    ++pos;
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string format_index_list(const std::vector<unsigned>& values) {
  std::vector<unsigned> v = values;
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
  std::string out;
  for (std::size_t i = 0; i < v.size();) {
    std::size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!out.empty()) out += ',';
    out += j == i ? std::to_string(v[i]) : fmt::format("{}-{}", v[i], v[j]);
    i = j + 1;
  }
  return out;
}

}  // namespace zkc::harness::topology
