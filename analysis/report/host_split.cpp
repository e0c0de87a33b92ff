#include "analysis/report/host_split.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "analysis/present/sweep_points.hpp"
#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {
namespace {

constexpr std::string_view kMetric = "s_per_proof";

template <typename T>
void add_once(std::vector<T>& list, const T& v) {
  if (std::find(list.begin(), list.end(), v) == list.end()) list.push_back(v);
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += (out.empty() ? "" : ", ") + i;
  return out;
}

}  // namespace

HostSplit host_split(std::span<const Measurement> data, std::string_view baseline_arm) {
  HostSplit out;
  std::vector<std::string> points, arms;
  // (point, arm) -> host -> values, hosts in first-appearance order per cell.
  std::map<std::pair<std::string, std::string>, std::vector<std::pair<std::string, std::vector<double>>>> cells;
  for (const auto& m : data) {
    if (m.metric != kMetric || m.host.empty() || !std::isfinite(m.value)) continue;
    add_once(out.hosts, m.host);
    add_once(points, m.point);
    add_once(arms, m.arm);
    auto& per_host = cells[{m.point, m.arm}];
    auto it = std::find_if(per_host.begin(), per_host.end(), [&](const auto& h) { return h.first == m.host; });
    if (it == per_host.end()) it = per_host.insert(per_host.end(), {m.host, {}});
    it->second.push_back(m.value);
  }
  if (out.hosts.empty()) return out;

  out.table.header = {"configuration", "arm"};
  for (const auto& h : out.hosts) out.table.header.push_back("s/proof on " + h);
  const auto hosts_of = [&](const std::string& p, const std::string& a) {
    std::vector<std::string> hs;
    if (const auto it = cells.find({p, a}); it != cells.end())
      for (const auto& [h, v] : it->second) hs.push_back(h);
    return hs;
  };
  for (const auto& p : points)
    for (const auto& a : arms) {
      const auto it = cells.find({p, a});
      if (it == cells.end()) continue;
      std::vector<std::string> row{point_title(p), a};
      for (const auto& h : out.hosts) {
        const auto c = std::find_if(it->second.begin(), it->second.end(), [&](const auto& e) { return e.first == h; });
        row.push_back(c == it->second.end() ? ""
                                            : fmt::format("{:.2f} s (n={})", median(c->second), c->second.size()));
      }
      out.table.rows.push_back(std::move(row));
      if (it->second.size() > 1) {
        std::vector<std::string> parts;
        for (const auto& [h, v] : it->second) parts.push_back(fmt::format("{} on {}", v.size(), h));
        out.notes.push_back(fmt::format("{}, arm {}: its statistics pool runs from {} hosts ({})", point_title(p), a,
                                        it->second.size(), joined(parts)));
      }
      if (a != baseline_arm) {
        const auto base = hosts_of(p, std::string(baseline_arm));
        const auto mine = hosts_of(p, a);
        if (!base.empty() && std::set<std::string>(base.begin(), base.end()) !=
                                 std::set<std::string>(mine.begin(), mine.end())) {
          out.notes.push_back(fmt::format("{}, arm {}: its change vs {} compares machines ({} on {}, {} on {})",
                                          point_title(p), a, baseline_arm, a, joined(mine), baseline_arm,
                                          joined(base)));
        }
      }
    }
  out.table.footnotes.push_back(
      "s/proof: median over the runs of that host (n = runs). A sweep shard keeps a configuration's repeats on "
      "one machine; arms and points may run on different ones.");
  return out;
}

std::string mixed_hosts_note(const HostSplit& split) {
  return fmt::format("Runs from {} host{}; {} of this report's statistics mix machines, each named in the section "
                     "\"Hosts\".",
                     split.hosts.size(), split.hosts.size() == 1 ? "" : "s", split.notes.size());
}

}  // namespace zkc::analysis
