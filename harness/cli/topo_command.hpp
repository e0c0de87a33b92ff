// `zkcontend topo [--synthetic DESC | --xml FILE] [--policy P] [--config F ...] [--set k=v ...]`: the
// topology the configuration plans for (this machine, or a what-if one), whether binding would be real
// or simulated, its L3 domains (size, PUs, NUMA nodes) and SMT siblings, then the pin plan the
// configuration produces: one line per pool with its PUs and why. Runs nothing; exit 2 for a bad
// configuration, topology or spec.
#pragma once

#include <CLI/CLI.hpp>

#include "harness/cli/run_execution.hpp"

#include <string>
#include <vector>

namespace zkc::cli {

struct TopoOptions {
  ProfileOptions profile;  // --config, --set
  std::string synthetic;  // --synthetic: topology.synthetic, wins over the configuration
  std::string xml;        // --xml: topology.xml, wins over the configuration
  std::string policy;     // --policy: pinning.policy, wins over the configuration
};

void add_topo_options(CLI::App& cmd, TopoOptions& opts);
int run_topo(const TopoOptions& opts);

}  // namespace zkc::cli
