#include "analysis/report/waterfall_svg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <utility>

#include <fmt/format.h>

#include "analysis/present/format.hpp"
#include "analysis/report/lanes.hpp"
#include "analysis/report/palette.hpp"
#include "analysis/present/svg.hpp"
#include "analysis/report/time_axis.hpp"
#include "model/stages.hpp"

namespace zkc::analysis {
namespace {

constexpr double kTitleHeight = 26;
constexpr double kLegendRow = 16;
constexpr double kLanePad = 4;
const std::string_view kLockHeld = model::name(model::Stage::kLockHeld);

// Rows get thinner when a lane stacks many overlapping spans, so one busy lane stays readable.
double row_height(std::size_t rows) { return rows <= 8 ? 12.0 : std::max(2.0, 96.0 / static_cast<double>(rows)); }

std::string tooltip(const StageRow& s) {
  std::string t = s.stage;
  if (s.proof >= 0) t += fmt::format(", proof {}", s.proof);
  if (s.partition >= 0) t += fmt::format(", partition {}", s.partition);
  t += fmt::format(": {} ({} to {}) on {}", duration_text(s.end_ms - s.start_ms), duration_text(s.start_ms),
                   duration_text(s.end_ms), s.worker);
  for (const auto& [name, value] : s.counters)
    if (std::isfinite(value)) t += fmt::format("; {}={}", name, count_text(value));
  return t;
}

// Presentation of one span: filled in its stage colour, or for lock_held an outline over what it holds.
svg::Attrs span_style(const StageRow& s) {
  if (s.stage == kLockHeld)
    return {{"fill", "#000000"},
            {"fill-opacity", "0.10"},
            {"stroke", "#000000"},
            {"stroke-width", "1.5"},
            {"class", "lock-held"}};
  return {{"fill", stage_colour(s.stage)}};
}

// Legend entries in pipeline order, wrapped to the chart width; returns the markup and its height.
std::pair<std::string, double> legend(const std::vector<StageRow>& rows, double y) {
  std::set<std::pair<std::size_t, std::string>> stages;
  for (const auto& r : rows) stages.emplace(stage_order(r.stage), r.stage);
  std::string out;
  double x = kLabelColumn, row_y = y;
  for (const auto& [rank, name] : stages) {
    const double item = 28 + 7 * static_cast<double>(name.size());  // swatch, gap, ~7 px per character
    if (x + item > kChartWidth - kRightMargin && x > kLabelColumn) {
      x = kLabelColumn;
      row_y += kLegendRow;
    }
    StageRow probe;
    probe.stage = name;
    out += svg::rect(x, row_y, 11, 11, span_style(probe));
    out += svg::text(x + 15, row_y + 10, name, {{"fill", "#333"}});
    x += item;
  }
  const double height = stages.empty() ? 0 : row_y - y + kLegendRow;
  return {svg::group({{"class", "legend"}}, out), height};
}

}  // namespace

std::string waterfall_svg(const RunData& run) {
  const std::vector<StageRow> rows = lane_rows(run);
  const std::vector<Lane> lanes = build_lanes(rows);

  double t0 = 0, t1 = -std::numeric_limits<double>::infinity();
  for (const auto& r : rows) {
    t0 = std::min(t0, r.start_ms);
    t1 = std::max(t1, r.end_ms);
  }
  for (const auto& e : run.events) t1 = std::max(t1, e.offset_ms);
  const TimeFrame frame = standard_frame(t0, t1);

  std::string title = "Waterfall: " + run.id;
  if (!run.label.empty()) title += " (" + run.label + ")";
  std::string body = svg::text(10, 18, title, {{"font-size", "14"}, {"font-weight", "bold"}});

  const auto [legend_svg, legend_h] = legend(rows, kTitleHeight);
  body += legend_svg;

  double y = kTitleHeight + legend_h + 6;
  const double lanes_top = y;
  std::string lane_svg;
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const Lane& lane = lanes[i];
    const double rh = row_height(lane.rows);
    const double lane_h = static_cast<double>(lane.rows) * rh + kLanePad;
    std::string g;
    if (i % 2 == 0) g += svg::rect(0, y, kChartWidth, lane_h, {{"fill", "#000000"}, {"fill-opacity", "0.04"}});
    g += svg::text(6, y + lane_h / 2 + 4, lane.name, {{"fill", "#222"}});
    std::string held;  // drawn last so the outline sits over the stages it covers
    for (std::size_t k = 0; k < lane.spans.size(); ++k) {
      const StageRow& s = *lane.spans[k];
      const double sy = y + kLanePad / 2 + static_cast<double>(lane.row[k]) * rh;
      const double sx = frame.x(s.start_ms), sw = std::max(0.5, frame.w(s.end_ms - s.start_ms));
      if (s.stage == kLockHeld)
        held += svg::rect(sx, sy - 0.5, sw, rh, span_style(s), tooltip(s));
      else
        g += svg::rect(sx, sy, sw, std::max(1.0, rh - 1), span_style(s), tooltip(s));
    }
    lane_svg += svg::group({{"class", "lane"}}, g + held);
    y += lane_h;
  }
  if (lanes.empty()) {
    lane_svg += svg::text(kLabelColumn, y + 16, "no stage spans or TIMELINE events in this run", {{"fill", "#666"}});
    y += 24;
  }
  // The grid goes under the lanes; the axis labels below them.
  body += time_axis_svg(frame, lanes_top, y + 2);
  body += lane_svg;
  return svg::document(kChartWidth, y + 24, "waterfall", title, body);
}

}  // namespace zkc::analysis
