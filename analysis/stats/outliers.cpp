#include "analysis/stats/outliers.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <tuple>

#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis {
namespace {

constexpr double kMadToSd = 1.4826;  // MAD x this = the standard deviation, for normal data

// One run: its measurements share all four.
using RunKey = std::tuple<std::string, std::string, int, std::string>;
RunKey run_key(const Measurement& m) { return {m.point, m.arm, m.repeat, m.run}; }

std::string pct(double fraction) {
  const double p = 100 * fraction;
  return std::abs(p) >= 10 ? fmt::format("{:.0f}%", p) : fmt::format("{:.1f}%", p);
}

// A noise reading that can explain an outlier: which way it moves s/proof, how far from the typical
// run it must be to count (both an absolute and a relative distance), and how it reads.
struct NoiseRule {
  const char* metric;  // declared in model/metric_catalog (group noise)
  bool slows;          // a higher value slows a run (false: a lower one does)
  double min_gap;      // |value - typical| at least this
  double min_ratio;    // and the larger at least this many times the smaller
  std::string (*say)(double value, double typical);
};

const NoiseRule kRules[] = {
    {"noise_other_cpu_share", true, 0.05, 2.0,
     [](double v, double t) { return fmt::format("other processes used {} of the CPU (typical {})", pct(v), pct(t)); }},
    {"noise_steal_share", true, 0.02, 2.0,
     [](double v, double t) { return fmt::format("steal {} (typical {})", pct(v), pct(t)); }},
    {"noise_throttle_events", true, 1.0, 1.0,
     [](double v, double t) { return fmt::format("{:.0f} thermal throttle events (typical {:.0f})", v, t); }},
    {"noise_freq_ratio", false, 0.1, 1.0,
     [](double v, double t) { return fmt::format("CPUs at {} of max frequency (typical {})", pct(v), pct(t)); }},
    {"noise_load1_start", true, 1.0, 1.5,
     [](double v, double t) { return fmt::format("load {:.1f} at start (typical {:.1f})", v, t); }},
};

// Whether `value` is far enough from `typical`, in the direction that makes a run `slower` (or, for a
// fast outlier, faster).
bool sets_apart(const NoiseRule& rule, double value, double typical, bool slower) {
  const bool noisier = rule.slows ? value > typical : value < typical;
  if (noisier != slower) return false;
  const double hi = std::max(value, typical), lo = std::min(value, typical);
  return hi - lo >= rule.min_gap && hi >= rule.min_ratio * lo;
}

std::string cause_of(const RunKey& run, bool slower, const std::map<RunKey, std::map<std::string, double>>& noise) {
  const auto it = noise.find(run);
  if (it == noise.end() || it->second.empty()) return "no noise readings for this run";
  std::string out;
  for (const NoiseRule& rule : kRules) {
    const auto own = it->second.find(rule.metric);
    if (own == it->second.end()) continue;
    std::vector<double> others;
    for (const auto& [key, readings] : noise) {
      if (key == run) continue;
      const auto r = readings.find(rule.metric);
      if (r != readings.end()) others.push_back(r->second);
    }
    if (others.empty()) continue;  // nothing to compare with
    const double typical = median(others);
    if (!sets_apart(rule, own->second, typical, slower)) continue;
    out += (out.empty() ? "" : "; ") + rule.say(own->second, typical);
  }
  return out.empty() ? "no visible cause" : out;
}

struct Group {
  std::string point, arm;
  std::vector<double> values;
  std::vector<RunKey> runs;
  double median = 0;
};

// Relative deviations of every run from its own arm's median, over the point's arms of 3 runs or
// more, each odd-sized arm's median run left out (its deviation is 0 by construction).
std::vector<double> pooled_deviations(const std::vector<Group>& groups, const std::string& point) {
  std::vector<double> out;
  for (const Group& g : groups) {
    if (g.point != point || g.values.size() < 3 || g.median == 0) continue;
    std::vector<double> d;
    for (double x : g.values) d.push_back(std::abs(x - g.median) / std::abs(g.median));
    if (d.size() % 2 == 1) d.erase(std::min_element(d.begin(), d.end()));
    out.insert(out.end(), d.begin(), d.end());
  }
  return out;
}

}  // namespace

std::vector<Outlier> find_outliers(std::span<const Measurement> data, const OutlierOptions& options) {
  std::vector<Group> groups;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  std::map<RunKey, std::map<std::string, double>> noise;
  for (const Measurement& m : data) {
    if (!std::isfinite(m.value)) continue;
    if (m.metric.starts_with("noise_")) noise[run_key(m)][m.metric] = m.value;
    if (m.metric != options.metric) continue;
    const auto [it, inserted] = index.try_emplace({m.point, m.arm}, groups.size());
    if (inserted) groups.push_back({m.point, m.arm, {}, {}, 0});
    groups[it->second].values.push_back(m.value);
    groups[it->second].runs.push_back(run_key(m));
  }
  for (Group& g : groups) g.median = median(g.values);

  std::vector<Outlier> out;
  for (const Group& g : groups) {
    const std::size_t n = g.values.size();
    if (n < 3 || g.median == 0) continue;
    double scale = 0;
    if (n >= options.min_runs) {
      std::vector<double> d;
      for (double x : g.values) d.push_back(std::abs(x - g.median));
      scale = kMadToSd * median(d);
    }
    if (scale == 0) {
      const std::vector<double> pooled = pooled_deviations(groups, g.point);
      if (pooled.size() < options.min_runs) continue;  // too few runs to know the spread: none judged
      scale = kMadToSd * median(pooled) * std::abs(g.median);
    }
    scale = std::max(scale, options.min_rel_scale * std::abs(g.median));
    for (std::size_t i = 0; i < n; ++i) {
      const double score = std::abs(g.values[i] - g.median) / scale;
      if (!(score > options.threshold)) continue;
      out.push_back({g.point, g.arm, std::get<3>(g.runs[i]), g.values[i], g.median, score,
                     cause_of(g.runs[i], g.values[i] > g.median, noise)});
    }
  }
  return out;
}

}  // namespace zkc::analysis
