// Topology: the machine's (or a what-if machine's) L3 domains, PUs, cores, SMT siblings and NUMA
// nodes, discovered with hwloc, and thread binding that never claims what did not happen.
//
// Sources: this machine; an hwloc synthetic description (`topology.synthetic`, e.g.
// "package:1 l3:12 core:8 pu:2"); or an XML file exported with `lstopo file.xml` on the target
// (`topology.xml`). For the last two, binding is impossible (hwloc's calls succeed silently on
// foreign topologies), so plans are computed and shown, and binding is reported as simulated.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace zkc::harness::topology {

struct L3Domain {
  unsigned index = 0;               // logical, 0-based
  std::vector<unsigned> pus;        // OS indexes (as Linux numbers CPUs), ascending
  std::uint64_t size_bytes = 0;
  std::vector<unsigned> numa_nodes; // OS indexes of the NUMA nodes it touches
};

struct TopologyInfo {
  std::string source;         // "this machine", "synthetic: <desc>", "xml: <path>"
  bool is_this_system = false;
  unsigned pus = 0;
  unsigned cores = 0;
  unsigned numa_nodes = 0;
  std::vector<L3Domain> l3;   // machines without an L3 get one pseudo-domain with every PU (size 0)
  std::vector<std::vector<unsigned>> cores_pus;  // per core (logical order), its PUs: SMT siblings
};

struct TopologySource {
  std::string synthetic;  // hwloc synthetic description; "" = not used
  std::string xml;        // path of an lstopo XML export; "" = not used
};

class Topology {
 public:
  // Loads the source (both empty: this machine). Throws std::invalid_argument naming the source and
  // hwloc's complaint for a bad synthetic description or XML file; std::runtime_error for hwloc failures.
  static Topology load(const TopologySource& source);
  ~Topology();
  Topology(Topology&&) noexcept;
  Topology& operator=(Topology&&) noexcept;

  const TopologyInfo& info() const;
  // True only for this machine with thread binding supported (hwloc's support flags).
  bool can_bind() const;
  // Binds the calling thread to `pus` (OS indexes). Returns "" when bound, else why not:
  // "simulated (synthetic topology)", "thread binding not supported", or the errno text.
  std::string bind_current_thread(const std::vector<unsigned>& pus) const;

 private:
  struct Impl;
  explicit Topology(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// "0-3,8,10-11" -> {0,1,2,3,8,10,11}; throws std::invalid_argument naming the text.
std::vector<unsigned> parse_index_list(const std::string& text);
// {0,1,2,3,8} -> "0-3,8"
std::string format_index_list(const std::vector<unsigned>& values);

}  // namespace zkc::harness::topology
