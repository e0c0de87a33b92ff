#include "analysis/report/attribution_svg.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/present/format.hpp"
#include "analysis/present/svg.hpp"
#include "analysis/present/sweep_points.hpp"
#include "analysis/report/time_axis.hpp"

namespace zkc::analysis {
namespace {

constexpr double kWidth = 900, kLeft = 130, kRight = 150, kTop = 62, kBar = 16, kGap = 8, kBottom = 34;
constexpr std::string_view kIsolationColour = "#cfcfcf";

}  // namespace

std::string attribution_svg(const std::vector<Attribution>& all, double min_ms) {
  std::vector<const Attribution*> rows;
  for (const auto& a : all)
    if (a.loaded.dur_ms >= min_ms || std::fabs(a.inflation()) >= min_ms) rows.push_back(&a);  // as the table
  const std::string who = all.empty() ? std::string() : all.front().arm + (all.front().point.empty() ? "" : ", " + point_title(all.front().point));
  const std::string title = fmt::format("Why each stage is slower than in isolation: {}", who);
  std::string body = svg::text(10, 20, title, {{"font-size", "14"}, {"font-weight", "bold"}});

  // Legend: isolation, then the parts.
  double lx = 10;
  const auto legend = [&](std::string_view colour, std::string_view label) {
    body += svg::rect(lx, 30, 12, 12, {{"fill", std::string(colour)}});
    body += svg::text(lx + 16, 40, label, {{"font-size", "11"}});
    lx += 22 + 6.2 * static_cast<double>(label.size());
  };
  legend(kIsolationColour, "isolation");
  for (const PartSpec& p : kParts) legend(p.colour, p.label);
  body += svg::text(10, 56, "rises stack right of the isolation bar, drops (faded) left of its end; | = loaded",
                    {{"font-size", "10"}, {"fill", "#555"}});

  double hi = 0;
  for (const Attribution* a : rows) {
    double up = a->isolation.dur_ms;
    for (const PartSpec& p : kParts) up += std::max(0.0, ((*a).*p.delta)());
    hi = std::max({hi, up, a->loaded.dur_ms});
  }
  if (!(hi > 0)) hi = 1;
  const double plot_w = kWidth - kLeft - kRight;
  const auto x = [&](double ms) { return kLeft + std::clamp(ms, 0.0, hi) / hi * plot_w; };
  const double height = kTop + static_cast<double>(rows.size()) * (kBar + kGap) + kBottom;

  for (std::size_t i = 0; i < rows.size(); ++i) {
    const Attribution& a = *rows[i];
    const double y = kTop + static_cast<double>(i) * (kBar + kGap);
    body += svg::text(kLeft - 6, y + kBar - 4, a.stage, {{"font-size", "11"}, {"text-anchor", "end"}});
    const double iso = a.isolation.dur_ms;
    body += svg::rect(x(0), y, x(iso) - x(0), kBar, {{"fill", std::string(kIsolationColour)}},
                      fmt::format("{}: isolation {}", a.stage, duration_text(iso)));
    double right = iso, left = iso;
    for (const PartSpec& p : kParts) {
      const double d = (a.*p.delta)();
      const std::string tip = fmt::format("{}: {} {}", a.stage, p.label, signed_duration_text(d));
      if (d > 0) {
        body += svg::rect(x(right), y, x(right + d) - x(right), kBar, {{"fill", std::string(p.colour)}}, tip);
        right += d;
      } else if (d < 0) {
        body += svg::rect(x(left + d), y + 3, x(left) - x(left + d), kBar - 6,
                          {{"fill", std::string(p.colour)}, {"fill-opacity", "0.45"}}, tip);
        left += d;
      }
    }
    body += svg::line(x(a.loaded.dur_ms), y - 2, x(a.loaded.dur_ms), y + kBar + 2, {{"stroke", "#000"}, {"stroke-width", "2"}});
    body += svg::text(x(std::max(right, a.loaded.dur_ms)) + 4, y + kBar - 4,
                      fmt::format("{} -> {}", duration_text(iso), duration_text(a.loaded.dur_ms)), {{"font-size", "10"}});
  }
  const double axis_y = height - kBottom + 4;
  body += svg::line(kLeft, axis_y, kLeft + plot_w, axis_y, {{"stroke", "#888"}});
  for (const double t : ticks(0, hi, 6)) {
    body += svg::line(x(t), axis_y, x(t), axis_y + 4, {{"stroke", "#888"}});
    body += svg::text(x(t), axis_y + 16, duration_text(t), {{"font-size", "10"}, {"text-anchor", "middle"}});
  }
  if (rows.empty())
    body += svg::text(kLeft, kTop + 12, fmt::format("no stage of at least {}", duration_text(min_ms)), {{"fill", "#666"}});
  return svg::document(kWidth, height, "attribution-chart", title, body);
}

}  // namespace zkc::analysis
