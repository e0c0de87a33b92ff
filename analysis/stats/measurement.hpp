// Measurement: one number from one run, in the long format of ab.csv and sweep.csv: which sweep point
// (a label of its varied keys, "" for a plain A/B), which arm, which repeat, which metric, which run, and on
// which machine.
#pragma once

#include <string>

namespace zkc::analysis {

struct Measurement {
  std::string point;   // "c=10 j=10"; "" when nothing is swept
  std::string arm;     // "baseline", "I1", "I1+I2", ...
  int repeat = 0;      // 0-based
  std::string metric;  // a metric_rows() name: "s_per_proof", "synthesis_ms_p95", ...
  double value = 0;
  std::string run;     // the run's folder under the results folder ("runs/I1-r0"); "" when unknown
  std::string host = "";  // the machine that ran it ("" when not known: an A/B, a log, an older sweep.csv)
};

}  // namespace zkc::analysis
