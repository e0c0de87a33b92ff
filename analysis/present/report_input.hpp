// What a report is made of: the runs (waterfalls, GPU timelines, traces) and, for an A/B or a sweep,
// the long-format measurements the statistics are computed from, with what the A/B recorded about
// itself (ab.json: the arms' overrides, the order, the arm holding I1+I2+I3, warnings).
#pragma once

#include <string>
#include <vector>

#include "model/run_data.hpp"
#include "analysis/stats/measurement.hpp"
#include "analysis/stats/primary_endpoint.hpp"

namespace zkc::analysis {

struct ArmInfo {
  std::string name;
  std::vector<std::string> overrides;  // "key=value"
};

// An A/B's isolation run of one arm (ab --isolation: c=1 j=1 with the arm's settings), kept apart
// from the measured runs: `explain` divides each stage's inflation against it.
struct IsolationRun {
  std::string arm;
  RunData run;
};

struct ReportInput {
  std::string title;
  std::vector<RunData> runs;
  std::vector<Measurement> measurements;  // empty for a single run or a log: the A/B sections say so
  std::string baseline_arm = "baseline";
  std::vector<std::string> notes;  // shown at the top (how the data was made, what is missing)
  std::string x_key = "j";         // the point-label key on the x axis of the s/proof chart
  double detect_pct = 5.0;         // the change the "repeats needed" column is computed for
  std::vector<ArmInfo> arms;       // as run, in declared order; empty when not recorded
  // The arm "after all three interventions" of Expected Results; "" = none known (the section says so
  // rather than guessing), and after_how says how it was chosen ("--after", "its overrides ...").
  std::string after_arm, after_how;
  std::string all_interventions;  // the name of the arm stacking every intervention ("I1+I2+I3"), "" unknown
  std::vector<std::string> warnings;  // shown in the verdict (e.g. the balance fit off)
  std::vector<IsolationRun> isolation;  // empty unless ab ran with --isolation
  // How the A/B decided and why it stopped (ab.json's "design"); a sweep's: a fixed design.
  PrimaryDesign design;
  bool interrupted = false;  // the A/B was stopped by a signal before its design ended it
};

}  // namespace zkc::analysis
