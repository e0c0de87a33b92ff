// Which machine ran which point, for results collected from several machines (sweep shards): per
// (point, arm) the s/proof median and count on each host, one column per host, and a note wherever
// a statistic of the report pools runs from more than one host or compares an arm with a baseline
// that ran elsewhere. Nothing when the measurements do not say their host (A/B, logs).
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/present/table.hpp"
#include "analysis/stats/measurement.hpp"

namespace zkc::analysis {

struct HostSplit {
  std::vector<std::string> hosts;  // distinct hosts, in first-appearance order; empty: no host known
  Table table;                     // configuration, arm, then "s/proof on <host>" per host
  std::vector<std::string> notes;  // the statistics that mix hosts, each named
  bool empty() const { return hosts.empty(); }
};

HostSplit host_split(std::span<const Measurement> data, std::string_view baseline_arm);

// One line for the verdict's warnings when statistics mix hosts: how many, and where they are named.
std::string mixed_hosts_note(const HostSplit& split);

}  // namespace zkc::analysis
