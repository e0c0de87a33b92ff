#include "harness/cli/topo_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <exception>
#include <map>
#include <stdexcept>

#include "harness/cli/app.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/topology/pin_plan.hpp"
#include "harness/topology/topology.hpp"

namespace zkc::cli {
namespace {

namespace ht = harness::topology;

std::string size_text(std::uint64_t bytes) {
  if (bytes == 0) return "-";
  if (bytes % (1ULL << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes % (1ULL << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} B", bytes);
}

std::string binding_text(const ht::Topology& topo) {
  if (topo.can_bind()) return "real (this machine; hwloc supports thread binding)";
  // Ask the topology itself, so the reason shown is the one a pool thread would record.
  const std::string why = topo.bind_current_thread(topo.info().l3.front().pus);
  return why + ": the plan is computed and shown, threads run unbound";
}

// "96 cores x 2 PUs (siblings 0+96, 1+97, 2+98, ...)"; groups by PUs per core so hybrid or partly
// offlined machines show every kind.
std::string smt_text(const ht::TopologyInfo& info) {
  std::map<std::size_t, std::vector<const std::vector<unsigned>*>> by_width;
  for (const auto& core : info.cores_pus) by_width[core.size()].push_back(&core);
  std::string out;
  for (const auto& [width, cores] : by_width) {
    if (!out.empty()) out += "; ";
    out += fmt::format("{} core{} x {} PU{}", cores.size(), cores.size() == 1 ? "" : "s", width, width == 1 ? "" : "s");
    if (width < 2) continue;
    std::vector<std::string> examples;
    for (std::size_t i = 0; i < std::min<std::size_t>(3, cores.size()); ++i) {
      std::string s;
      for (const unsigned pu : *cores[i]) {
        if (!s.empty()) s += '+';
        s += std::to_string(pu);
      }
      examples.push_back(s);
    }
    out += fmt::format(" (siblings {}{})", fmt::join(examples, ", "), cores.size() > 3 ? ", ..." : "");
  }
  return out.empty() ? "no cores reported" : out;
}

void print_topology(const ht::Topology& topo) {
  const ht::TopologyInfo& info = topo.info();
  fmt::print("topology   {}\n", info.source);
  fmt::print("binding    {}\n", binding_text(topo));
  fmt::print("size       {} PUs, {} cores, {} NUMA node{}, {} L3 domain{}\n", info.pus, info.cores, info.numa_nodes,
             info.numa_nodes == 1 ? "" : "s", info.l3.size(), info.l3.size() == 1 ? "" : "s");
  fmt::print("SMT        {}\n\n", smt_text(info));
  std::vector<std::string> pus;
  std::size_t pus_w = std::string_view("PUs").size();
  for (const auto& d : info.l3) {
    pus.push_back(ht::format_index_list(d.pus));
    pus_w = std::max(pus_w, pus.back().size());
  }
  fmt::print("{:>3}  {:>8}  {:<{}}  {:>5}  {}\n", "L3", "size", "PUs", pus_w, "count", "NUMA");
  for (std::size_t i = 0; i < info.l3.size(); ++i) {
    const auto& d = info.l3[i];
    fmt::print("{:>3}  {:>8}  {:<{}}  {:>5}  {}\n", d.index, size_text(d.size_bytes), pus[i], pus_w, d.pus.size(),
               d.numa_nodes.empty() ? "-" : ht::format_index_list(d.numa_nodes));
  }
  if (info.l3.size() == 1 && info.l3.front().size_bytes == 0) {
    fmt::print("(no L3 cache reported: one pseudo-domain with every PU)\n");
  }
}

void print_plan(const harness::RunPlan& plan) {
  fmt::print("\npin plan: policy {}, synthesis {} thread{}, groth16 {} thread{}\n", plan.pinning.policy,
             plan.pinning.synthesis_threads, plan.pinning.synthesis_threads == 1 ? "" : "s",
             plan.pinning.groth16_threads, plan.pinning.groth16_threads == 1 ? "" : "s");
  std::vector<std::string> pus;
  std::size_t pus_w = std::string_view("PUs").size();
  for (const auto& p : plan.pin_plan) {
    pus.push_back(p.pus.empty() ? "any" : ht::format_index_list(p.pus));
    pus_w = std::max(pus_w, pus.back().size());
  }
  fmt::print("{:<12}  {:<{}}  {:>5}  {}\n", "pool", "PUs", pus_w, "count", "how");
  for (std::size_t i = 0; i < plan.pin_plan.size(); ++i) {
    const auto& p = plan.pin_plan[i];
    fmt::print("{:<12}  {:<{}}  {:>5}  {}\n", ht::pool_key(p.kind), pus[i], pus_w,
               p.pus.empty() ? std::string("-") : std::to_string(p.pus.size()), p.how);
  }
}

}  // namespace

void add_topo_options(CLI::App& cmd, TopoOptions& opts) {
  add_profile_options(cmd, opts.profile, /*with_batch=*/false);
  auto* synthetic = cmd.add_option("--synthetic", opts.synthetic,
                                   "Plan for this hwloc synthetic topology (topology.synthetic), e.g. "
                                   "\"package:1 l3:12(size=32MiB) core:8 pu:2(indexes=core)\"");
  auto* xml = cmd.add_option("--xml", opts.xml,
                             "Plan for this lstopo XML export (topology.xml), e.g. configs/topologies/tr7995wx.xml")
                  ->check(CLI::ExistingFile);
  synthetic->excludes(xml);
  xml->excludes(synthetic);
  cmd.add_option("--policy", opts.policy, "pinning.policy for this plan")
      ->check(CLI::IsMember({"none", "compact", "scatter", "split"}));
}

int run_topo(const TopoOptions& opts) {
  ConfigInput input = config_input(opts.profile);
  // The command line's topology replaces the configuration's, which may name the other kind.
  if (!opts.synthetic.empty()) {
    input.overrides.push_back("topology.synthetic=" + opts.synthetic);
    input.overrides.push_back("topology.xml=");
  }
  if (!opts.xml.empty()) {
    input.overrides.push_back("topology.xml=" + opts.xml);
    input.overrides.push_back("topology.synthetic=");
  }
  if (!opts.policy.empty()) input.overrides.push_back("pinning.policy=" + opts.policy);

  PreparedRun run;
  try {
    run = prepare_run(input, machine_facts());
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend topo: invalid configuration:\n{}\n", e.what());
    return kExitUsage;
  }
  try {
    const ht::Topology topo = ht::Topology::load(run.plan.topology_source);
    print_topology(topo);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "zkcontend topo: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend topo: cannot read the topology: {}\n", e.what());
    return kExitFailure;
  }
  print_plan(run.plan);
  return kExitOk;
}

}  // namespace zkc::cli
