// The answer of an A/B, computed once and shown first: by report.html, report.md and the end of the
// terminal output alike.
//
//   primary     every arm's answer to the one primary question (s/proof against the baseline: faster,
//               slower, equivalent within the margin, or undecided with what would decide it), by the
//               rule the A/B was designed with (analysis/stats/primary_endpoint)
//   headline    per point: the fastest arm, the answers in a sentence, the design and why it stopped
//   ranking     arms ranked by s/proof median [95% bootstrap interval], the change against the baseline
//               with its anytime-valid interval, the answer, the round it was decided at
//   controls    --controls: each control's answer against the one expected, and the positive
//               control's measured effect
//   mechanism   per arm the evidence for why (metric_catalog group kGroupMechanism: shootdowns/s in
//               dealloc, L3 misses per b_g2, synthesis p50, throttle up-time, memory strategy counts)
//   family      the secondary metrics (kGroupCompared) x arms: effect sizes with intervals and an
//               exact rank test Holm-corrected over their own family, which never widens the primary's
//   warnings    what limits the answer (the balance fit off, counters unavailable and why, statistics
//               that pool runs from several machines, an interrupted A/B, outlier runs and their
//               likely cause)
//   hosts       which machine ran each point (collected sweep shards); its notes name every statistic
//               that mixes hosts
#pragma once

#include <string>
#include <vector>

#include "analysis/report/host_split.hpp"
#include "analysis/present/report_input.hpp"
#include "analysis/present/table.hpp"
#include "analysis/stats/arm_stats.hpp"
#include "analysis/stats/outliers.hpp"
#include "analysis/stats/primary_endpoint.hpp"

namespace zkc::analysis {

struct Verdict {
  std::vector<ArmSummary> summaries;    // primary, secondary and mechanism metrics
  std::vector<PrimaryDecision> primary;  // every arm's answer, per point
  std::vector<Comparison> comparisons;  // the secondary family: compared metrics x arms x points
  std::vector<std::string> headline;
  Table ranking;
  Table controls;
  Table mechanism;
  Table family;
  std::vector<std::string> warnings;
  std::vector<Outlier> outliers;  // runs far from their arm's median, with the likely cause (also warnings)
  HostSplit hosts;
  bool empty() const { return summaries.empty(); }
};

Verdict compute_verdict(const ReportInput& input);

// The median run of `arm` at `point` by s/proof (the lower middle one for an even count): its `run`
// folder as recorded in the measurements ("runs/I1-r0"), or "" when unknown.
std::string median_run(const std::vector<Measurement>& data, const std::string& point, const std::string& arm);

}  // namespace zkc::analysis
