// What a report is made of: the runs (waterfalls, GPU timelines, traces) and, for an A/B or a sweep,
// the long-format measurements the statistics are computed from.
#pragma once

#include <string>
#include <vector>

#include "analysis/report/run_data.hpp"
#include "analysis/stats/measurement.hpp"

namespace zkc::analysis {

struct ReportInput {
  std::string title;
  std::vector<RunData> runs;
  std::vector<Measurement> measurements;  // empty for a single run or a log: sections 3, 4 and 6 say so
  std::string baseline_arm = "baseline";
  std::vector<std::string> notes;  // shown at the top (how the data was made, what is missing)
  std::string x_key = "j";         // the point-label key on the x axis of the s/proof chart
  double detect_pct = 5.0;         // the change the "repeats needed" column is computed for
};

}  // namespace zkc::analysis
