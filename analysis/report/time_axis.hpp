// The horizontal time axis shared by the waterfall and the GPU busy/idle timeline: both use the same
// frame layout so the two charts of one run line up one above the other.
#pragma once

#include <string>
#include <vector>

namespace zkc::analysis {

// Maps batch time (ms) onto the x range [x0, x0 + width].
struct TimeFrame {
  double x0 = 0, width = 0;
  double t0_ms = 0, t1_ms = 1;
  double x(double t_ms) const;
  double w(double dur_ms) const;  // length of a duration in px
};

// The layout both charts use: a label column on the left, then the plot; t1 is at least t0 + 1 ms.
inline constexpr double kChartWidth = 1200;
inline constexpr double kLabelColumn = 110;
inline constexpr double kRightMargin = 20;
TimeFrame standard_frame(double t0_ms, double t1_ms);

// A "nice" step (1, 2 or 5 times a power of ten) giving at most about `max_ticks` ticks over `span`.
double nice_step(double span, int max_ticks);
// Tick positions: multiples of nice_step from lo to hi inclusive.
std::vector<double> ticks(double lo, double hi, int max_ticks);

// Vertical grid lines from y_top to y_bottom and tick labels below y_bottom, in ms for steps under a
// second and in s otherwise.
std::string time_axis_svg(const TimeFrame& frame, double y_top, double y_bottom);

}  // namespace zkc::analysis
