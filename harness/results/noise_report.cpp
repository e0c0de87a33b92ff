#include "harness/results/noise_report.hpp"

#include <limits>
#include <string>

#include "model/metric_catalog.hpp"

namespace zkc::harness {
namespace {

struct Entry {
  const char* metric;
  Visible<double> NoiseReading::*reading;
};

// The one mapping of readings to their metric names (declared in model/metric_catalog).
constexpr Entry kEntries[] = {
    {"noise_steal_share", &NoiseReading::steal_share},
    {"noise_other_cpu_share", &NoiseReading::other_cpu_share},
    {"noise_load1_start", &NoiseReading::load1_start},
    {"noise_throttle_events", &NoiseReading::throttle_events},
    {"noise_freq_ratio", &NoiseReading::freq_ratio},
};

}  // namespace

nlohmann::json noise_json(const NoiseReading& r) {
  nlohmann::json j;
  j["window"] = "the batch: from the run clock's start to the last proof (set-up excluded)";
  j["wall_s"] = r.wall_s;
  j["online_cpus"] = r.online_cpus;
  nlohmann::json not_visible = nlohmann::json::object();
  for (const Entry& e : kEntries) {
    const Visible<double>& v = r.*e.reading;
    j[e.metric] = v.value ? nlohmann::json(*v.value) : nlohmann::json(nullptr);
    if (!v.value) not_visible[e.metric] = "not visible here: " + v.why;
  }
  j["not_visible"] = not_visible;
  return j;
}

std::vector<analysis::MetricRow> noise_rows(const NoiseReading& r) {
  std::vector<analysis::MetricRow> rows;
  for (const Entry& e : kEntries) {
    const Visible<double>& v = r.*e.reading;
    rows.push_back(analysis::metric_row(e.metric, v.value.value_or(std::numeric_limits<double>::quiet_NaN())));
  }
  return rows;
}

}  // namespace zkc::harness
