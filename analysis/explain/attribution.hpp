// `explain`: each stage's inflation under load against its isolation reference, split into measured
// parts (stage_parts): run-queue wait (CPU starvation), waits the pipeline records, on-CPU growth
// (with the counters that may explain it as evidence) and the remainder nothing measured explains.
// The parts are differences of per-row means, so they add up to the inflation exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "analysis/explain/stage_parts.hpp"
#include "analysis/present/report_input.hpp"

namespace zkc::analysis {

// Runs measured alike: one (point, arm) of an A/B or a sweep.
struct RunGroup {
  std::string point, arm;
  std::vector<const RunData*> runs;
};

// The loaded groups and the isolation reference of each arm. An A/B's reference is its arm's
// isolation runs (ab --isolation); a sweep's is the arm's c=1 j=1 point, which is then not also
// a loaded group. `missing` says why an arm has none.
struct ExplainGroups {
  std::vector<RunGroup> loaded;
  std::vector<RunGroup> reference;  // point: what it is ("c=1 j=1", "isolation runs")
  std::vector<std::string> missing;
};
ExplainGroups explain_groups(const ReportInput& input);

// One (point, arm, stage). Every delta is loaded minus isolation, per row, in ms.
struct Attribution {
  std::string point, arm, stage, reference;
  StageParts isolation, loaded;
  double inflation() const { return loaded.dur_ms - isolation.dur_ms; }
  double run_queue() const { return loaded.run_queue_ms - isolation.run_queue_ms; }
  double wait() const { return loaded.wait_ms - isolation.wait_ms; }
  double on_cpu() const { return loaded.on_cpu_ms - isolation.on_cpu_ms; }
  double remainder() const { return loaded.rest_ms - isolation.rest_ms; }
};

// Every stage kind present in both a loaded group and its arm's reference, groups in input order,
// stages in pipeline order.
std::vector<Attribution> attribute(const ExplainGroups& groups);

// The parts of an inflation by name, declared once for the tables, the CSV and the bars.
struct PartSpec {
  std::string_view key;     // attribution.csv column: "run_queue_ms"
  std::string_view label;   // in sentences and legends: "run queue (CPU starvation)"
  std::string_view column;  // a table's header: "run queue"
  double (Attribution::*delta)() const;
  std::string_view colour;
};
inline constexpr PartSpec kParts[] = {
    {"run_queue_ms", "run queue (CPU starvation)", "run queue", &Attribution::run_queue, "#e15759"},
    {"wait_ms", "pipeline waits (lock, queue, pool, barrier)", "pipeline waits", &Attribution::wait, "#b07aa1"},
    {"on_cpu_ms", "on-CPU growth", "on-CPU", &Attribution::on_cpu, "#4e79a7"},
    {"remainder_ms", "remainder (off-CPU, not recorded)", "remainder", &Attribution::remainder, "#edc948"},
};

// Arms compared by cause, at one point: per arm, the part of one stage whose inflation per proof it
// reduced most against the baseline's, the one it grew most, and the memory-subsystem counter (not the
// scheduler's, which the run-queue part already covers) that changed most, relative. Needs the
// baseline and the arm attributed at the same point.
struct ArmCause {
  std::string point, arm;
  std::string reduced, grew, evidence;  // "" when nothing changed by at least the threshold
};
std::vector<ArmCause> causes_by_arm(const std::vector<Attribution>& rows, const std::string& baseline);

}  // namespace zkc::analysis
