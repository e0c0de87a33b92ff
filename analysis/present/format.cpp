#include "analysis/present/format.hpp"

#include <cmath>

#include <fmt/format.h>

namespace zkc::analysis {

namespace {
// Decimals that keep about three significant digits for |v| >= 1.
int decimals_for(double v) {
  const double a = std::fabs(v);
  return a < 10 ? 2 : a < 100 ? 1 : 0;
}
}  // namespace

std::string duration_text(double ms) {
  if (!std::isfinite(ms)) return "n/a";
  if (std::fabs(ms) < 1.0) return fmt::format("{:.2f} ms", ms);
  if (std::fabs(ms) < 1000.0) return fmt::format("{:.{}f} ms", ms, decimals_for(ms));
  const double s = ms / 1000.0;
  return fmt::format("{:.{}f} s", s, decimals_for(s));
}

std::string signed_duration_text(double ms) {
  if (!std::isfinite(ms)) return "n/a";
  return fmt::format("{}{}", ms < 0 ? '-' : '+', duration_text(std::fabs(ms)));
}

std::string percent_text(double pct) {
  if (!std::isfinite(pct)) return "n/a";
  return fmt::format("{:+.1f}%", pct);
}

std::string count_text(double value) {
  if (!std::isfinite(value)) return "n/a";
  const double a = std::fabs(value);
  if (a >= 1e9) return fmt::format("{:.{}f}G", value / 1e9, decimals_for(value / 1e9));
  if (a >= 1e6) return fmt::format("{:.{}f}M", value / 1e6, decimals_for(value / 1e6));
  if (a >= 1e4) return fmt::format("{:.{}f}k", value / 1e3, decimals_for(value / 1e3));
  if (a >= 100 || value == std::floor(value)) return fmt::format("{:.0f}", value);
  return fmt::format("{:.3g}", value);
}

}  // namespace zkc::analysis
