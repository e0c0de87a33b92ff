// The run's summary in three forms from the same rows: summary.csv (`metric,value,unit`: what A/B and
// sweeps read), summary.json ({"metrics": {name: {"value", "unit"}}}) and an aligned table for the
// terminal. The rows are analysis::metric_rows (fixed order) followed by the run's extra rows (facts
// the timeline cannot tell: peak RSS, VRAM, throttle checks, ...); extra names must not repeat metric
// names.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"

namespace zkc::harness {

// std::system_error naming the path on an I/O failure. Values are printed shortest round-trip.
void write_summary_csv(const std::filesystem::path& path, const analysis::RunMetrics& metrics,
                       const std::vector<analysis::MetricRow>& extra);
// Keeps the rows' order; a non-finite value becomes null.
nlohmann::ordered_json summary_json(const analysis::RunMetrics& metrics, const std::vector<analysis::MetricRow>& extra);
void write_summary_json(const std::filesystem::path& path, const analysis::RunMetrics& metrics,
                        const std::vector<analysis::MetricRow>& extra);

// The main figures as an aligned table (s/proof, avg prove, avg GPU/partition, utilisations, idle gaps,
// one count/mean/p50/p95/max line per stage distribution, dealloc concurrency, throttle yields), then
// the extra rows. `heading`, when given, is printed above it. Ends with a newline.
std::string format_summary_table(const analysis::RunMetrics& metrics, const std::vector<analysis::MetricRow>& extra,
                                 std::string_view heading = {});

}  // namespace zkc::harness
