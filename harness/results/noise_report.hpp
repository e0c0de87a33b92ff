// A run's noise readings (harness/system/noise_sample) as the results record them: meta.json's "noise"
// object, which says for every reading that is not visible on this machine why, and the summary's
// noise_* rows (NaN where not visible: an empty value in summary.csv, no row in ab.csv/sweep.csv).
#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/system/noise_sample.hpp"

namespace zkc::harness {

// {window, wall_s, online_cpus, noise_steal_share, noise_other_cpu_share, noise_load1_start,
//  noise_throttle_events, noise_freq_ratio (null where not visible), not_visible {name: "not visible
//  here: <why>"}}.
nlohmann::json noise_json(const NoiseReading& r);

// noise_steal_share, noise_other_cpu_share, noise_load1_start, noise_throttle_events, noise_freq_ratio.
std::vector<analysis::MetricRow> noise_rows(const NoiseReading& r);

}  // namespace zkc::harness
