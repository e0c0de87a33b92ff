#include "analysis/report/drawn_window.hpp"

#include "model/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <vector>

#include "analysis/present/format.hpp"

namespace zkc::analysis {
namespace {

// The time before which at most `n` of `times` lie (infinity when there are no more than n).
double cut_time(std::vector<double> times, std::size_t n) {
  if (times.size() <= n) return std::numeric_limits<double>::infinity();
  std::nth_element(times.begin(), times.begin() + static_cast<std::ptrdiff_t>(n), times.end());
  return times[n];
}

}  // namespace

DrawnRun::DrawnRun(const RunData& run) : run_(&run) {
  std::vector<double> stage_starts, gpu_starts;
  stage_starts.reserve(run.stages.size());
  for (const auto& s : run.stages) stage_starts.push_back(s.start_ms);
  for (const auto& e : run.events)
    if (is(e, Event::kGpuStart)) gpu_starts.push_back(e.offset_ms);
  const double cut = std::min(cut_time(std::move(stage_starts), kMaxDrawnSpans),
                              cut_time(std::move(gpu_starts), kMaxDrawnSpans));
  if (cut == std::numeric_limits<double>::infinity()) return;

  RunData c;
  c.id = run.id;
  c.label = run.label;
  c.config = run.config;
  c.metrics = run.metrics;
  double end = 0;
  for (const auto& e : run.events) {
    end = std::max(end, e.offset_ms);
    if (e.offset_ms < cut) c.events.push_back(e);
  }
  for (const auto& s : run.stages)
    if (s.start_ms < cut) c.stages.push_back(s);
  note_ = fmt::format("Drawn: the first {} of {} ({} of {} stage spans), so that the report stays near 1 MB; the "
                      "metrics count every event, and timeline.csv (trace.json after `zkcontend report`) has them all.",
                      duration_text(cut), duration_text(end), c.stages.size(), run.stages.size());
  cut_ = std::move(c);
}

}  // namespace zkc::analysis
