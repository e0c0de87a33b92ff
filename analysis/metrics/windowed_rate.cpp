#include "analysis/metrics/windowed_rate.hpp"

#include "model/events.hpp"

#include <algorithm>
#include <deque>
#include <map>
#include <string>

namespace zkc::analysis {
namespace {

std::vector<TimeWindow> merged(std::vector<TimeWindow> w) {
  std::sort(w.begin(), w.end(), [](const auto& a, const auto& b) { return a.start_ms < b.start_ms; });
  std::vector<TimeWindow> out;
  for (const auto& x : w) {
    if (!out.empty() && x.start_ms <= out.back().end_ms) {
      out.back().end_ms = std::max(out.back().end_ms, x.end_ms);
    } else {
      out.push_back(x);
    }
  }
  return out;
}

// Length of [a, b) covered by the (merged, sorted) windows.
double covered(double a, double b, const std::vector<TimeWindow>& w) {
  double sum = 0;
  for (const auto& x : w) {
    if (x.start_ms >= b) break;
    sum += std::max(0.0, std::min(b, x.end_ms) - std::max(a, x.start_ms));
  }
  return sum;
}

}  // namespace

WindowedRate windowed_rate(std::span<const CounterSample> samples, std::span<const TimeWindow> windows) {
  const auto w = merged({windows.begin(), windows.end()});
  WindowedRate r;
  for (std::size_t i = 1; i < samples.size(); ++i) {
    const double a = samples[i - 1].t_ms, b = samples[i].t_ms;
    if (b <= a) continue;
    const double inc = samples[i].value - samples[i - 1].value;
    const double in = covered(a, b, w);
    const double share = in / (b - a);
    r.inside_ms += in;
    r.outside_ms += (b - a) - in;
    r.inside_count += inc * share;
    r.outside_count += inc * (1 - share);
  }
  return r;
}

std::vector<TimeWindow> dealloc_windows(std::span<const TimelineEvent> events) {
  // Pair starts and ends per (job, side, partition), first in first out.
  std::map<std::string, std::deque<double>> open;
  std::vector<TimeWindow> out;
  for (const auto& e : events) {
    const EventFamily& dealloc = event_family(Family::kDealloc);
    const bool start = opens(dealloc, e);
    if (!start && !closes(dealloc, e)) continue;
    const std::string key = std::string(e.job_id) + "/" + std::string(detail_value(e.detail, "side").value_or("")) + "/" +
                            std::string(detail_value(e.detail, "partition").value_or(""));
    if (start) {
      open[key].push_back(e.offset_ms);
    } else if (!open[key].empty()) {
      out.push_back({open[key].front(), e.offset_ms});
      open[key].pop_front();
    }
  }
  return merged(std::move(out));
}

}  // namespace zkc::analysis
