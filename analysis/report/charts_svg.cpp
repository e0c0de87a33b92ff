#include "analysis/report/charts_svg.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "analysis/report/palette.hpp"
#include "analysis/present/svg.hpp"
#include "analysis/present/sweep_points.hpp"
#include "analysis/report/time_axis.hpp"

namespace zkc::analysis {
namespace {

constexpr double kWidth = 780, kHeight = 380;
constexpr double kLeft = 70, kRight = 170, kTop = 40, kBottom = 56;
constexpr std::string_view kMetric = "s_per_proof";

struct Scale {
  double lo = 0, hi = 1, px_lo = 0, px_hi = 1;
  double operator()(double v) const { return px_lo + (v - lo) * (px_hi - px_lo) / (hi - lo); }
};

Scale padded(double lo, double hi, double px_lo, double px_hi, double pad) {
  if (!(hi > lo)) {
    lo -= 1;
    hi += 1;
  }
  const double p = (hi - lo) * pad;
  return {lo - p, hi + p, px_lo, px_hi};
}

}  // namespace

std::string sproof_vs_concurrency_svg(std::span<const ArmSummary> all, std::string_view x_key) {
  std::vector<ArmSummary> summaries;
  for (const auto& s : all)
    if (s.metric == kMetric) summaries.push_back(s);
  const std::vector<std::string> points = points_of(summaries);
  const std::vector<std::string> arms = arms_of(summaries);
  const std::string title = fmt::format("s/proof vs concurrency ({}), median and 95% interval per arm", x_key);
  std::string body = svg::text(10, 20, title, {{"font-size", "14"}, {"font-weight", "bold"}});
  if (summaries.empty()) {
    body += svg::text(kLeft, kTop + 20, "no s_per_proof measurements", {{"fill", "#666"}});
    return svg::document(kWidth, kTop + 40, "sproof-chart", title, body);
  }

  // x: the key's value when every point has a distinct one, else the point's position.
  std::vector<double> xs;
  std::set<double> seen;
  bool numeric = true;
  for (const auto& p : points) {
    const auto v = point_value(p, x_key);
    numeric = numeric && v && seen.insert(*v).second;
    xs.push_back(v.value_or(0));
  }
  if (!numeric)
    for (std::size_t i = 0; i < xs.size(); ++i) xs[i] = static_cast<double>(i);

  double ylo = std::numeric_limits<double>::infinity(), yhi = -ylo;
  for (const auto& s : summaries)
    for (const double v : {s.median, s.ci.lo, s.ci.hi})
      if (std::isfinite(v)) {
        ylo = std::min(ylo, v);
        yhi = std::max(yhi, v);
      }
  if (!std::isfinite(ylo)) ylo = yhi = 0;
  const double plot_r = kWidth - kRight, plot_b = kHeight - kBottom;
  const auto [xmin, xmax] = std::minmax_element(xs.begin(), xs.end());
  const Scale sx = numeric ? padded(*xmin, *xmax, kLeft, plot_r, 0.08)
                           : Scale{-0.5, static_cast<double>(xs.size()) - 0.5, kLeft, plot_r};
  const Scale sy = padded(ylo, yhi, plot_b, kTop, 0.1);

  // Axes, y grid and ticks, one x tick per point labelled with the point.
  std::string axes;
  for (const double t : ticks(sy.lo, sy.hi, 8)) {
    axes += svg::line(kLeft, sy(t), plot_r, sy(t), {{"stroke", "#e0e0e0"}});
    axes += svg::text(kLeft - 6, sy(t) + 4, fmt::format("{:g} s", t), {{"text-anchor", "end"}, {"fill", "#333"}});
  }
  axes += svg::line(kLeft, plot_b, plot_r, plot_b, {{"stroke", "#333"}});
  axes += svg::line(kLeft, kTop, kLeft, plot_b, {{"stroke", "#333"}});
  for (std::size_t i = 0; i < points.size(); ++i) {
    axes += svg::line(sx(xs[i]), plot_b, sx(xs[i]), plot_b + 4, {{"stroke", "#333"}});
    axes += svg::text(sx(xs[i]), plot_b + 16, points[i].empty() ? "(all)" : points[i],
                      {{"text-anchor", "middle"}, {"fill", "#333"}});
  }
  axes +=
      svg::text((kLeft + plot_r) / 2, kHeight - 12, numeric ? fmt::format("concurrency ({})", x_key) : "sweep point",
                {{"text-anchor", "middle"}, {"fill", "#333"}});
  axes += svg::text(16, (kTop + plot_b) / 2, "s/proof",
                    {{"text-anchor", "middle"},
                     {"fill", "#333"},
                     {"transform", fmt::format("rotate(-90 16 {})", svg::num((kTop + plot_b) / 2))}});
  body += svg::group({{"class", "axes"}}, axes);

  // Per arm: a line through its medians in x order, whiskers for the interval, dots with tooltips.
  for (std::size_t a = 0; a < arms.size(); ++a) {
    const std::string colour = series_colour(a);
    const double dx =
        (static_cast<double>(a) - (static_cast<double>(arms.size()) - 1) / 2) * 6;  // keeps whiskers apart
    std::vector<std::pair<double, const ArmSummary*>> pts;
    for (std::size_t i = 0; i < points.size(); ++i)
      if (const ArmSummary* s = find_summary(summaries, points[i], arms[a], kMetric)) pts.emplace_back(xs[i], s);
    std::sort(pts.begin(), pts.end(), [](const auto& l, const auto& r) { return l.first < r.first; });
    std::string g, path;
    for (const auto& [x, s] : pts) {
      const double px = sx(x) + dx;
      path += fmt::format("{}{} {} ", path.empty() ? "M" : "L", svg::num(px), svg::num(sy(s->median)));
      g += svg::line(px, sy(s->ci.lo), px, sy(s->ci.hi), {{"stroke", colour}, {"stroke-width", "1.5"}});
      for (const double v : {s->ci.lo, s->ci.hi}) g += svg::line(px - 4, sy(v), px + 4, sy(v), {{"stroke", colour}});
      const std::string tip =
          fmt::format("{} at {}: median {:.2f} s, 95% interval [{:.2f}, {:.2f}] s, n={}, CV {:.1f}%", s->arm,
                      s->point.empty() ? "(all)" : s->point, s->median, s->ci.lo, s->ci.hi, s->n, 100 * s->cv);
      g += svg::wrap("circle", {{"cx", svg::num(px)}, {"cy", svg::num(sy(s->median))}, {"r", "3.5"}, {"fill", colour}},
                     svg::element("title", {}, tip));
    }
    if (!path.empty()) path.pop_back();
    if (pts.size() > 1)
      g = svg::element("path", {{"d", path}, {"fill", "none"}, {"stroke", colour}, {"stroke-width", "1.5"}}) + g;
    const double ly = kTop + 8 + 18 * static_cast<double>(a);
    g += svg::rect(plot_r + 16, ly - 9, 12, 12, {{"fill", colour}});
    g += svg::text(plot_r + 34, ly + 1, arms[a], {{"fill", "#222"}});
    body += svg::group({{"class", "arm"}}, g);
  }
  return svg::document(kWidth, kHeight, "sproof-chart", title, body);
}

}  // namespace zkc::analysis
