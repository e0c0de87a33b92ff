#include "harness/topology/pin_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace zkc::harness::topology {
namespace {

std::string range_text(unsigned first, unsigned last) {
  return first == last ? std::to_string(first) : fmt::format("{}-{}", first, last);
}

// Every PU of the topology, ascending: those of the L3 domains and of the cores (a PU outside any L3
// can still be named by "pu:").
std::vector<unsigned> all_pus(const TopologyInfo& topo) {
  std::vector<unsigned> all;
  for (const auto& d : topo.l3) all.insert(all.end(), d.pus.begin(), d.pus.end());
  for (const auto& c : topo.cores_pus) all.insert(all.end(), c.begin(), c.end());
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

std::string all_pus_text(const TopologyInfo& topo) { return format_index_list(all_pus(topo)); }

std::string accepted_text(const TopologyInfo& topo) {
  return fmt::format("accepted: \"l3:<list>\" for L3 domains {}, \"pu:<list>\" for PUs {}; a list is like 0-3,8",
                     range_text(0, static_cast<unsigned>(topo.l3.size()) - 1), all_pus_text(topo));
}

// The PUs of L3 domains [first, first + count), wrapping past the last domain; ascending, unique.
std::vector<unsigned> domain_pus(const TopologyInfo& topo, std::size_t first, std::size_t count) {
  const std::size_t n = topo.l3.size();
  std::vector<unsigned> out;
  for (std::size_t i = 0; i < std::min(count, n); ++i) {
    const auto& d = topo.l3[(first + i) % n];
    out.insert(out.end(), d.pus.begin(), d.pus.end());
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// "l3:0-9" or, wrapped, "l3:0,11".
std::string domain_spec(const TopologyInfo& topo, std::size_t first, std::size_t count) {
  const std::size_t n = topo.l3.size();
  std::vector<unsigned> idx;
  for (std::size_t i = 0; i < std::min(count, n); ++i) idx.push_back(static_cast<unsigned>((first + i) % n));
  return "l3:" + format_index_list(idx);
}

// The fewest domains from `first` on (wrapping) whose hardware threads (PUs, SMT siblings included:
// a pool of T threads runs T software threads at once) cover `threads`; every domain when none do.
std::size_t domains_covering(const TopologyInfo& topo, std::size_t first, unsigned threads) {
  const std::size_t n = topo.l3.size();
  std::size_t pus = 0;
  for (std::size_t count = 1; count <= n; ++count) {
    pus += topo.l3[(first + count - 1) % n].pus.size();
    if (pus >= std::max(threads, 1U)) return count;
  }
  return n;
}

}  // namespace

const char* pool_key(PoolKind kind) {
  switch (kind) {
    case PoolKind::kSynthesis: return "synthesis";
    case PoolKind::kGroth16: return "groth16";
    case PoolKind::kPrep: return "prep";
    case PoolKind::kGpuWorkers: return "gpu_workers";
    case PoolKind::kDealloc: return "dealloc";
  }
  return "unknown";
}

const std::vector<PoolKind>& all_pools() {
  static const std::vector<PoolKind> pools = {PoolKind::kSynthesis, PoolKind::kGroth16, PoolKind::kPrep,
                                              PoolKind::kGpuWorkers, PoolKind::kDealloc};
  return pools;
}

std::vector<unsigned> resolve_spec(const TopologyInfo& topo, const std::string& spec) {
  if (topo.l3.empty()) throw std::invalid_argument(fmt::format("\"{}\": the topology has no PUs", spec));
  const std::size_t colon = spec.find(':');
  const std::string prefix = colon == std::string::npos ? spec : spec.substr(0, colon);
  if (colon == std::string::npos || (prefix != "l3" && prefix != "pu")) {
    throw std::invalid_argument(fmt::format("\"{}\": {} ({})", spec,
                                            colon == std::string::npos
                                                ? std::string("no \"l3:\" or \"pu:\" prefix")
                                                : fmt::format("unknown prefix \"{}\"", prefix),
                                            accepted_text(topo)));
  }
  const std::string list = spec.substr(colon + 1);
  if (list.empty()) {
    throw std::invalid_argument(fmt::format("\"{}\": empty list after \"{}:\" ({})", spec, prefix, accepted_text(topo)));
  }
  std::vector<unsigned> indexes;
  try {
    indexes = parse_index_list(list);
  } catch (const std::invalid_argument& e) {
    throw std::invalid_argument(fmt::format("\"{}\": {}", spec, e.what()));
  }

  if (prefix == "l3") {
    const auto n = static_cast<unsigned>(topo.l3.size());
    std::vector<unsigned> missing;
    std::vector<unsigned> out;
    for (const unsigned i : indexes) {
      if (i >= n) {
        missing.push_back(i);
      } else {
        out.insert(out.end(), topo.l3[i].pus.begin(), topo.l3[i].pus.end());
      }
    }
    if (!missing.empty()) {
      throw std::invalid_argument(fmt::format("\"{}\": L3 domain{} {} {} not exist (this topology has {})", spec,
                                              missing.size() == 1 ? "" : "s", format_index_list(missing),
                                              missing.size() == 1 ? "does" : "do", range_text(0, n - 1)));
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  }

  const std::vector<unsigned> all = all_pus(topo);
  std::vector<unsigned> missing;
  for (const unsigned pu : indexes) {
    if (!std::binary_search(all.begin(), all.end(), pu)) missing.push_back(pu);
  }
  if (!missing.empty()) {
    throw std::invalid_argument(fmt::format("\"{}\": PU{} {} {} not exist (this topology has PUs {})", spec,
                                            missing.size() == 1 ? "" : "s", format_index_list(missing),
                                            missing.size() == 1 ? "does" : "do", format_index_list(all)));
  }
  return indexes;
}

std::vector<PoolPlan> plan_pinning(const TopologyInfo& topo, const PinningConfig& config) {
  const std::size_t n = topo.l3.size();
  // What the policy gives each pool: its PUs and how to say so.
  std::map<PoolKind, PoolPlan> policy;
  const auto set = [&](PoolKind kind, std::size_t first, std::size_t count) {
    policy[kind] = {kind, domain_pus(topo, first, count),
                    fmt::format("policy {}: {}", config.policy, domain_spec(topo, first, count))};
  };
  if (config.policy == "none" || n == 0) {
    for (const auto kind : all_pools()) policy[kind] = {kind, {}, "unbound"};
  } else if (config.policy == "scatter") {
    for (const auto kind : all_pools()) set(kind, 0, n);
  } else if (config.policy == "compact") {
    const std::size_t synth = domains_covering(topo, 0, config.synthesis_threads);
    const std::size_t g_first = synth % n;  // the next domain, wrapping to 0 when synthesis took them all
    const std::size_t g_count = domains_covering(topo, g_first, config.groth16_threads);
    for (const auto kind : all_pools()) {
      if (kind == PoolKind::kGroth16) {
        set(kind, g_first, g_count);
      } else {
        set(kind, 0, synth);
      }
    }
  } else if (config.policy == "split") {
    if (n == 1) {
      for (const auto kind : all_pools()) set(kind, 0, 1);
    } else {
      const std::size_t g = std::max<std::size_t>(1, n / 6);
      for (const auto kind : all_pools()) {
        if (kind == PoolKind::kGroth16) {
          set(kind, n - g, g);
        } else {
          set(kind, 0, n - g);
        }
      }
    }
  } else {
    // The config schema rejects unknown names; this guards direct callers (tests, the topo command).
    throw std::invalid_argument(fmt::format("pinning.policy = \"{}\": unknown policy (accepted: none, compact, "
                                            "scatter, split)",
                                            config.policy));
  }

  std::vector<PoolPlan> out;
  for (const auto kind : all_pools()) {
    const auto it = config.explicit_spec.find(kind);
    if (it == config.explicit_spec.end() || it->second.empty()) {
      out.push_back(policy[kind]);
      continue;
    }
    const std::string key = std::string("pinning.") + pool_key(kind);
    try {
      out.push_back({kind, resolve_spec(topo, it->second), fmt::format("{} = \"{}\"", key, it->second)});
    } catch (const std::invalid_argument& e) {
      // resolve_spec's message starts with the quoted spec: prefixing the key gives
      // pinning.groth16 = "l3:10-13": L3 domains 12-13 do not exist (this topology has 0-11)
      throw std::invalid_argument(fmt::format("{} = {}", key, e.what()));
    }
  }
  return out;
}

}  // namespace zkc::harness::topology
