// What a stage's time is made of, from its rows' own scheduler accounting (stages.csv): on-CPU,
// waiting in the run queue for a CPU, a wait the pipeline records (lock, queue, pool queue, barrier),
// and the rest, which nothing measured explains. Per row the four parts add up to the row's duration
// exactly, so the means over a group of runs do too, and so do their differences between two groups:
// `explain` splits an inflation into parts that sum to it, with the unexplained part shown.
#pragma once

#include <cstddef>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/run_data.hpp"
#include "model/stages.hpp"
#include "model/counter_columns.hpp"

namespace zkc::analysis {

// The columns of stages.csv the parts are computed from.
inline constexpr std::string_view kOnCpuColumn = model::counter::kSchedOnCpuNs;
inline constexpr std::string_view kRunQueueColumn = model::counter::kSchedRunQueueNs;

// Counter evidence shown beside the parts: declared once, read by the tables and attribution.csv.
struct EvidenceSpec {
  std::string_view column;  // a stages.csv counter column
  std::string_view label;   // how the tables name it
  bool per_cpu_second;      // true: per second on-CPU (a rate the stage suffers); false: per row
  bool scheduler = false;   // the scheduler's own view (already in the run-queue part): not a memory cause
};
// Evidence below this on both sides is not said to have moved (0.1 -> 0.3 migrations per row is chance).
inline constexpr double kEvidenceFloor = 1.0;
inline constexpr EvidenceSpec kEvidence[] = {
    {model::counter::kTlbFlushRemoteShootdown, "TLB shootdown IPIs received /s on-CPU", true},
    {model::counter::kTlbIpisMachine, "machine TLB IPIs /row", false},
    {model::counter::kPageFaults, "page faults /row", false},
    {model::counter::kInvoluntarySwitches, "preemptions /row", false, true},
    {model::counter::kCpuMigrations, "CPU migrations /row", false, true},
    {model::counter::kL3Misses, "L3 misses /row", false},
    {model::counter::kDtlbMisses, "dTLB misses /row", false},
    {model::counter::kCycles, "cycles /row", false},
    {model::counter::kInstructions, "instructions /row", false},
};

// One row's duration split: on_cpu + run_queue + wait + rest = dur (all ms, each >= 0).
struct RowParts {
  double dur = 0, on_cpu = 0, run_queue = 0, wait = 0, rest = 0;
  double width = 1;  // what thread time was divided by: the pool's threads for a pool stage, else 1
  bool accounted = false;  // false: no scheduler columns (a composite row, a simulated GPU stage, schedstat
                           // missing): wait = dur for a kWait stage, else rest = dur
};
// A pool stage's row sums the thread time (on-CPU + run queue) of all its jobs: both are divided by
// the pool's thread count `pool_threads` (or by the width the thread time shows, if larger), so the
// parts stay wall time and the time its jobs did not fill the pool (waiting in the pool's queue,
// fewer jobs than threads) stays off-CPU rather than passing for on-CPU growth. 0 = one thread.
// The off-CPU part is `wait` for a kWait stage (the pipeline records that wait), `rest` otherwise.
RowParts row_parts(const StageRow& row, StageKind::Role role, double pool_threads = 0);

// Means per row over every row of one stage kind in a group of runs.
struct StageParts {
  std::string stage;
  std::size_t rows = 0, accounted_rows = 0, runs = 0;
  double proofs = 0;  // proofs in the runs the rows came from (rows / proofs: rows per proof)
  double dur_ms = 0, on_cpu_ms = 0, run_queue_ms = 0, wait_ms = 0, rest_ms = 0;
  double width = 1;                        // mean of the rows' widths
  std::map<std::string, double> evidence;  // kEvidence column -> value, only where every row measured it
  double rows_per_proof() const { return proofs > 0 ? static_cast<double>(rows) / proofs : 0; }
};

// Per stage kind present in the runs' rows, in pipeline order (stage_kinds()), unknown kinds last by name;
// a pool stage's pool size is read from each run's resolved config (StageKind::pool_threads_key).
// Composite kinds are left out: their rows enclose others that are accounted for themselves.
std::vector<StageParts> stage_parts(std::span<const RunData* const> runs);

}  // namespace zkc::analysis
