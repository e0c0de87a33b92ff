// The answer of an A/B, computed once and shown first: by report.html, report.md and the end of the
// terminal output alike.
//
//   headline    one sentence per point: which arm is fastest and whether any differs from the
//               baseline at the family's 5% level, or that n is too small to tell
//   ranking     arms ranked by s/proof median [95% bootstrap interval], change vs baseline with its
//               interval, the exact rank test's Holm-adjusted p (or "inconclusive at n=..."), and the
//               repeats per arm a 5% change needs
//   mechanism   per arm the evidence for why (metric_catalog group kGroupMechanism: shootdowns/s in
//               dealloc, L3 misses per b_g2, synthesis p50, throttle up-time, memory strategy counts)
//   family      every compared metric (kGroupCompared) x arm: the whole family Holm corrects over
//   warnings    what limits the answer (the balance fit off, counters unavailable and why, statistics
//               that pool runs from several machines)
//   hosts       which machine ran each point (collected sweep shards); its notes name every statistic
//               that mixes hosts
#pragma once

#include <string>
#include <vector>

#include "analysis/report/host_split.hpp"
#include "analysis/report/report_input.hpp"
#include "analysis/report/table.hpp"
#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {

struct Verdict {
  std::vector<ArmSummary> summaries;    // compared and mechanism metrics
  std::vector<Comparison> comparisons;  // the family: compared metrics x arms x points
  std::vector<std::string> headline;
  Table ranking;
  Table mechanism;
  Table family;
  std::vector<std::string> warnings;
  HostSplit hosts;
  bool empty() const { return summaries.empty(); }
};

Verdict compute_verdict(const ReportInput& input);

// The median run of `arm` at `point` by s/proof (the lower middle one for an even count): its `run`
// folder as recorded in the measurements ("runs/I1-r0"), or "" when unknown.
std::string median_run(const std::vector<Measurement>& data, const std::string& point, const std::string& arm);

}  // namespace zkc::analysis
