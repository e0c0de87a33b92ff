#include "analysis/report/time_axis.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/present/svg.hpp"

namespace zkc::analysis {

double TimeFrame::x(double t_ms) const { return x0 + w(t_ms - t0_ms); }

double TimeFrame::w(double dur_ms) const { return dur_ms * width / (t1_ms - t0_ms); }

TimeFrame standard_frame(double t0_ms, double t1_ms) {
  if (!std::isfinite(t0_ms)) t0_ms = 0;
  if (!std::isfinite(t1_ms) || t1_ms < t0_ms + 1) t1_ms = t0_ms + 1;
  return {kLabelColumn, kChartWidth - kLabelColumn - kRightMargin, t0_ms, t1_ms};
}

double nice_step(double span, int max_ticks) {
  if (!(span > 0) || !std::isfinite(span)) return 1;
  const double raw = span / std::max(1, max_ticks);
  const double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (const double m : {1.0, 2.0, 5.0})
    if (m * p >= raw) return m * p;
  return 10 * p;
}

std::vector<double> ticks(double lo, double hi, int max_ticks) {
  std::vector<double> out;
  if (!std::isfinite(lo) || !std::isfinite(hi) || hi < lo) return out;
  const double step = nice_step(hi - lo, max_ticks);
  for (double k = std::ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9 && out.size() < 1000; k += 1)
    out.push_back(k * step + 0.0);  // + 0.0 turns -0 (from ceil of a tiny negative) into 0
  return out;
}

std::string time_axis_svg(const TimeFrame& frame, double y_top, double y_bottom) {
  const double step = nice_step(frame.t1_ms - frame.t0_ms, 12);
  const bool seconds = step >= 1000;
  std::string out;
  for (const double t : ticks(frame.t0_ms, frame.t1_ms, 12)) {
    const double x = frame.x(t);
    out += svg::line(x, y_top, x, y_bottom, {{"stroke", "#e0e0e0"}});
    const std::string label =
        seconds ? fmt::format("{:g} s", t / 1000.0) : fmt::format("{:g} ms", std::abs(t) < 1e-9 ? 0.0 : t);
    out += svg::text(x, y_bottom + 14, label, {{"text-anchor", "middle"}, {"fill", "#333"}});
  }
  out += svg::line(frame.x0, y_bottom, frame.x0 + frame.width, y_bottom, {{"stroke", "#333"}});
  return svg::group({{"class", "time-axis"}}, out);
}

}  // namespace zkc::analysis
