#include "analysis/report/schedule_svg.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <utility>
#include <vector>

#include "analysis/metrics/schedule_metrics.hpp"
#include "analysis/present/format.hpp"
#include "analysis/present/svg.hpp"
#include "analysis/report/time_axis.hpp"
#include "model/events.hpp"

namespace zkc::analysis {
namespace {

using model::Event;

struct Step {
  double t = 0, value = 0;
};

// A step line of (t, value) points over [x of first, right edge], value scaled into [y0, y0 - h].
std::string step_path(const TimeFrame& f, const std::vector<Step>& steps, double top, double h, double vmax,
                      const char* colour) {
  if (steps.empty() || vmax <= 0) return "";
  std::string d;
  double y_prev = top + h;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    const double x = f.x(steps[i].t), y = top + h - h * std::clamp(steps[i].value / vmax, 0.0, 1.0);
    d += i == 0 ? fmt::format("M{} {} L{} {}", svg::num(x), svg::num(y_prev), svg::num(x), svg::num(y))
                : fmt::format(" L{} {} L{} {}", svg::num(x), svg::num(y_prev), svg::num(x), svg::num(y));
    y_prev = y;
  }
  d += fmt::format(" L{} {}", svg::num(f.x0 + f.width), svg::num(y_prev));
  return svg::element("path", {{"d", d}, {"fill", "none"}, {"stroke", colour}, {"stroke-width", "1.5"}});
}

struct Series {
  std::map<std::string, std::pair<double, double>> proofs;  // job -> (first SYNTH_START, last GPU_END)
  std::vector<Step> queue, budget;                          // GPU queue depth; budget share
  std::vector<std::pair<double, double>> dispatches;        // (t, pacer rate or 0)
};

Series series_of(const RunData& run) {
  Series s;
  double depth = 0;
  std::vector<const TimelineEvent*> sorted;
  for (const auto& e : run.events) sorted.push_back(&e);
  std::stable_sort(sorted.begin(), sorted.end(), [](auto* a, auto* b) { return a->offset_ms < b->offset_ms; });
  for (const auto& [job, span] : proof_spans(sorted)) s.proofs.emplace(job, std::pair(span.first_synth_ms, span.last_gpu_end_ms));
  for (const auto& e : run.events) {
    if (is(e, Event::kGpuQueue) || is(e, Event::kChanSend)) s.queue.push_back({e.offset_ms, ++depth});
    if (is(e, Event::kGpuPickup)) s.queue.push_back({e.offset_ms, depth = std::max(0.0, depth - 1)});
    if (is(e, Event::kBudgetAcquired) || is(e, Event::kBudgetReleased)) {
      const auto held = detail_number(e.detail, "held"), total = detail_number(e.detail, "total");
      if (held && total && *total > 0) s.budget.push_back({e.offset_ms, *held / *total});
    }
    if (is(e, Event::kDispatch)) s.dispatches.emplace_back(e.offset_ms, detail_number(e.detail, "rate").value_or(0));
  }
  return s;
}

}  // namespace

bool has_schedule(const RunData& run) {
  const Series s = series_of(run);
  return s.proofs.size() >= 2 || !s.budget.empty() || !s.dispatches.empty();
}

std::string schedule_svg(const RunData& run) {
  const Series s = series_of(run);
  double t0 = 0, t1 = -std::numeric_limits<double>::infinity();
  for (const auto& e : run.events) t1 = std::max(t1, e.offset_ms);
  for (const auto& r : run.stages) t1 = std::max(t1, r.end_ms);  // the waterfall's span
  const TimeFrame f = standard_frame(t0, t1);
  const std::string title = "Scheduling: " + run.id;
  std::string body = svg::text(10, 18, title, {{"font-size", "14"}, {"font-weight", "bold"}});
  body += svg::text(kLabelColumn, 36,
                    fmt::format("proofs interleaved on the GPU {:.0f}%; proof latency p50 {}, max {}; budget peak {:.0f}%",
                                100 * run.metrics.interleave_share, duration_text(run.metrics.proof_ms.p50),
                                duration_text(run.metrics.proof_ms.max), 100 * run.metrics.budget_peak_share),
                    {{"fill", "#333"}});
  double y = 50;
  std::string rows;
  constexpr double kBar = 12, kGap = 4, kPlot = 48;
  for (const auto& [job, span] : s.proofs) {
    rows += svg::text(6, y + 10, job, {{"fill", "#222"}});
    rows += svg::rect(f.x(span.first), y, std::max(0.5, f.w(span.second - span.first)), kBar,
                      {{"fill", "#59a14f"}, {"class", "proof"}},
                      fmt::format("{}: first synthesis {} to last GPU end {}", job, duration_text(span.first),
                                  duration_text(span.second)));
    y += kBar + kGap;
  }
  double max_depth = 1;
  for (const auto& q : s.queue) max_depth = std::max(max_depth, q.value);
  if (!s.queue.empty()) {
    y += 6;
    rows += svg::text(6, y + 14, fmt::format("GPU queue (max {:.0f})", max_depth), {{"fill", "#222"}});
    rows += step_path(f, s.queue, y, kPlot, max_depth, "#4e79a7");
    y += kPlot + kGap;
  }
  if (!s.budget.empty() || !s.dispatches.empty()) {
    y += 6;
    rows += svg::text(6, y + 14, "budget held", {{"fill", "#222"}});
    rows += step_path(f, s.budget, y, kPlot, 1.0, "#e15759");
    for (const auto& [t, rate] : s.dispatches)
      rows += svg::line(f.x(t), y + kPlot - 6, f.x(t), y + kPlot, {{"stroke", "#222"}, {"class", "dispatch"}});
    y += kPlot + kGap;
  }
  body += time_axis_svg(f, 46, y);
  body += svg::group({{"class", "schedule-rows"}}, rows);
  return svg::document(kChartWidth, y + 24, "schedule", title, body);
}

}  // namespace zkc::analysis
