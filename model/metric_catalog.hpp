// The one list of metrics (as google/benchmark registers each statistic once): every number a run's
// summary can hold is declared here with its unit, its title for people, and the groups that decide
// where it is shown. Producers build their rows with metric_row(name, value), which takes the unit
// from here and refuses an undeclared name; the terminal's A/B table, the report's verdict, counters,
// mechanism and stage-inflation tables, and the statistics filter this list by group. Adding a metric
// is one line here (and its producer).
//
// Two families have names made at run time and are declared by prefix: "balance_<number>" (the
// balance fit's numbers, harness/balance) and "cuzk_..." (what a prover log says beyond its events:
// CUZK_TIMING and CUZK_NTT_H means, the pacer's and the pinned pool's rows; analysis/ingest/log_extras).
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "model/run_metrics.hpp"

namespace zkc::model {

enum MetricGroup : std::uint32_t {
  kGroupNone = 0,
  // Secondary: compared arm against baseline as their own family (effect sizes with intervals, Holm
  // over these metrics x arms), never widening the primary's. Keep it short: every member widens it.
  kGroupCompared = 1u << 0,
  kGroupReport = 1u << 1,     // summarized (median, bootstrap interval) for the report's tables
  kGroupCounters = 1u << 2,   // the counters-per-arm table
  kGroupStage = 1u << 3,      // the stage-inflation table (a duration: unit "ms" or "s")
  kGroupMechanism = 1u << 4,  // per-arm evidence for why an arm differs (verdict section)
  kGroupMemory = 1u << 5,     // memory strategy counts (part of the mechanism evidence)
  // The primary endpoint, exactly one metric: the question every arm gets an answer to (faster,
  // slower, equivalent), by the sequential rule (analysis/stats/primary_endpoint).
  kGroupPrimary = 1u << 6,
  // What else used the machine during a run (harness/system/noise_sample): read to explain an outlier
  // run, never compared, so it widens no statistical family.
  kGroupNoise = 1u << 7,
};

struct MetricInfo {
  std::string name;   // stable identifier in summary.csv, ab.csv, sweep.csv
  std::string unit;   // "s", "ms", "fraction", "count", "IPIs/s", ...
  std::string title;  // what a table's header says
  std::uint32_t groups = kGroupNone;
  bool prefix = false;  // a family: `name` is the prefix of names made at run time
};

// The distributions of a run's durations (RunMetrics members), each summarized as five rows
// <name>_count, _mean, _p50, _p95, _max (kDistributionStats).
struct DistributionInfo {
  std::string_view name;   // "synthesis_ms"
  std::string_view title;  // "synthesis"
  Distribution RunMetrics::*field;
  std::uint32_t p50_groups = kGroupNone;
  bool summary_table = false;  // a row of the terminal summary's stage table
};
std::span<const DistributionInfo> distributions();
inline constexpr std::string_view kDistributionStats[] = {"count", "mean", "p50", "p95", "max"};
// A distribution's statistics in kDistributionStats' order.
inline std::array<double, 5> distribution_stats(const Distribution& d) {
  return {static_cast<double>(d.count), d.mean, d.p50, d.p95, d.max};
}

// Every declared metric, in the order summaries list them.
std::span<const MetricInfo> metric_catalog();
// The entry for `name` (exact, else a prefix family); nullptr when undeclared.
const MetricInfo* find_metric(std::string_view name);
// The names in `group`, in catalog order (prefix families excluded).
std::vector<std::string> metrics_in(std::uint32_t group);
// A row with the catalog's unit. std::logic_error for an undeclared name: a programming error.
MetricRow metric_row(std::string_view name, double value);
// The catalog's title, or the name itself when undeclared.
std::string metric_title(std::string_view name);
// A value as people read it, by its catalog unit: a fraction as percent (0.634 -> 63.4 "%"),
// anything else as it is.
struct Shown {
  double value = 0;
  std::string unit;
};
Shown shown(std::string_view name, double value);

// Milliseconds per unit of a duration metric (1 for "ms", 1000 for "s"); 0 when not a duration.
double metric_to_ms(std::string_view name);

}  // namespace zkc::model

namespace zkc::analysis {
using namespace zkc::model;
}  // namespace zkc::analysis
