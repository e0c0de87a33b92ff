// The statistics and tables of a report, computed once and rendered by both report_html and report_md
// so the two files always show the same numbers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/report/host_split.hpp"
#include "analysis/report/report_input.hpp"
#include "analysis/report/table.hpp"
#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {

struct ReportSections {
  std::vector<ArmSummary> summaries;    // of the metrics the report shows; NaN values (not measured) left out
  std::vector<Comparison> comparisons;  // s_per_proof of each arm against the baseline arm
  Table gpu_idle;                       // per run: GPU util, idle gaps (section 2)
  Table sproof;                         // per point: each arm's s/proof median [interval] (section 3)
  std::vector<std::pair<std::string, Table>> inflation;  // per arm (section 4)
  Table counters;                                        // section 5
  std::string after_arm;                                 // the arm "after interventions" of section 6 ("" without one)
  Table expected;                                        // section 6, the seed's layout
  Table each_arm;                                        // section 6, every arm
  HostSplit hosts;                                       // section 6: which machine ran what (collected sweeps)
};

ReportSections report_sections(const ReportInput& input);

}  // namespace zkc::analysis
