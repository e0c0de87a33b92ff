#include "analysis/report/gpu_timeline_svg.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>

#include "analysis/report/event_spans.hpp"
#include "analysis/present/format.hpp"
#include "analysis/present/svg.hpp"
#include "analysis/report/time_axis.hpp"

namespace zkc::analysis {

std::string gpu_timeline_svg(const RunData& run, double min_gap_ms) {
  const std::vector<TimeSpan> busy = gpu_busy_spans(run.events);
  double t0 = 0, t1 = -std::numeric_limits<double>::infinity();
  for (const auto& e : run.events) {
    t0 = std::min(t0, e.offset_ms);
    t1 = std::max(t1, e.offset_ms);
  }
  for (const auto& s : run.stages) t1 = std::max(t1, s.end_ms);  // same span as the waterfall
  const TimeFrame frame = standard_frame(t0, t1);

  std::size_t gap_count = 0, longest = 0;
  double gap_total = 0, longest_ms = -1;
  for (std::size_t k = 1; k < busy.size(); ++k) {
    const double hole = busy[k].start_ms - busy[k - 1].end_ms;
    if (hole < min_gap_ms) continue;
    ++gap_count;
    gap_total += hole;
    if (hole > longest_ms) {
      longest_ms = hole;
      longest = k;
    }
  }

  const std::string title = "GPU busy/idle: " + run.id;
  std::string body = svg::text(10, 18, title, {{"font-size", "14"}, {"font-weight", "bold"}});
  std::string summary = "no GPU_START/GPU_END events";
  if (!busy.empty())
    summary = gap_count == 0 ? fmt::format("GPU util {:.1f}%; no idle gaps of at least {}",
                                           100.0 * run.metrics.gpu_util, duration_text(min_gap_ms))
                             : fmt::format("GPU util {:.1f}%; {} idle gaps of at least {} totalling {}; longest {}",
                                           100.0 * run.metrics.gpu_util, gap_count, duration_text(min_gap_ms),
                                           duration_text(gap_total), duration_text(longest_ms));
  body += svg::text(kLabelColumn, 36, summary, {{"fill", "#333"}});

  constexpr double kTop = 62, kBar = 22;
  std::string bars = svg::text(6, kTop + 15, "GPU busy", {{"fill", "#222"}});
  for (const auto& s : busy)
    bars += svg::rect(frame.x(s.start_ms), kTop, std::max(0.5, frame.w(s.end_ms - s.start_ms)), kBar,
                      {{"fill", "#4e79a7"}, {"class", "busy"}},
                      fmt::format("busy {} ({} to {})", duration_text(s.end_ms - s.start_ms), duration_text(s.start_ms),
                                  duration_text(s.end_ms)));
  for (std::size_t k = 1; k < busy.size(); ++k) {
    const double a = busy[k - 1].end_ms, b = busy[k].start_ms;
    if (b - a < min_gap_ms) continue;
    bars += svg::rect(frame.x(a), kTop - 3, std::max(1.0, frame.w(b - a)), kBar + 6,
                      {{"fill", "#e15759"}, {"fill-opacity", "0.75"}, {"class", "idle-gap"}},
                      fmt::format("idle {} ({} to {})", duration_text(b - a), duration_text(a), duration_text(b)));
  }
  if (gap_count > 0) {
    // The longest gap gets a marker and a label above the bar.
    const double mid = frame.x((busy[longest - 1].end_ms + busy[longest].start_ms) / 2);
    bars += svg::line(mid, kTop - 12, mid, kTop - 3, {{"stroke", "#e15759"}, {"stroke-width", "1.5"}});
    const double label_x = std::clamp(mid, kLabelColumn + 60, kChartWidth - kRightMargin - 60);
    bars += svg::text(label_x, kTop - 14, "longest idle " + duration_text(longest_ms),
                      {{"text-anchor", "middle"}, {"fill", "#b22222"}, {"class", "longest-gap"}});
  }
  body += time_axis_svg(frame, kTop - 4, kTop + kBar + 4);
  body += svg::group({{"class", "gpu-busy"}}, bars);
  return svg::document(kChartWidth, kTop + kBar + 28, "gpu-timeline", title, body);
}

}  // namespace zkc::analysis
