// RunData: everything a report or an analysis needs from one run, whether it came from a harness
// results folder (harness/results/run_loader) or from an ingested production log
// (analysis/ingest). Plain data; analysis code never reads files of the harness's layout itself.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/run_metrics.hpp"
#include "model/timeline_event.hpp"

namespace zkc::model {

// One stage span (a row of stages.csv): what ran, when, on which lane.
struct StageRow {
  int proof = -1;
  int partition = -1;
  std::string stage;   // "witness_gen", "spmv", "lock_held", "b_g2_msm", "dealloc_cpp", ...
  double start_ms = 0;
  double end_ms = 0;
  std::string worker;  // lane: "synth-0", "gpu0.1", "prep", "groth16", "dealloc-cpp", ...
  std::map<std::string, double> counters;  // measured counter deltas only
};

// One sample of the tier 0 counter timeline (counters_timeline.csv).
struct CounterPoint {
  double t_ms = 0;
  double tlb_shootdowns_total = 0;  // cumulative, whole machine
  double minor_faults = 0;
  double rss_mib = 0;
};

struct RunData {
  std::string id;     // the run folder's name, or the log's file name
  std::string label;  // e.g. "baseline c=10 j=10"
  std::map<std::string, std::string> config;  // resolved settings as text ("batch.count" -> "10")
  std::vector<TimelineEvent> events;
  std::vector<StageRow> stages;         // empty for logs without stage detail
  std::vector<CounterPoint> counters;   // empty when not sampled
  RunMetrics metrics;
  std::vector<MetricRow> extra;         // summary rows beyond RunMetrics (peak RSS, counters ...)
  std::vector<std::string> notes;       // availability notes for the report (counters missing and why)
};

}  // namespace zkc::model

namespace zkc::analysis {
using namespace zkc::model;
}  // namespace zkc::analysis
