#include "model/timeline_event.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace zkc::model {

bool valid_offset_ms(double ms) { return std::isfinite(ms) && ms >= 0 && ms <= kMaxOffsetMs; }

std::string detail_problem(std::string_view detail) {
  if (detail.empty()) return "";
  while (true) {
    const std::size_t comma = detail.find(',');
    const std::string_view item = detail.substr(0, comma);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      constexpr std::size_t kMax = 40;
      return fmt::format("detail item \"{}{}\" is not key=value", item.substr(0, kMax), item.size() > kMax ? "..." : "");
    }
    if (comma == std::string_view::npos) return "";
    detail.remove_prefix(comma + 1);
  }
}

std::optional<std::string_view> detail_value(std::string_view detail, std::string_view key) {
  while (!detail.empty()) {
    const std::size_t comma = detail.find(',');
    const std::string_view item = detail.substr(0, comma);
    const std::size_t eq = item.find('=');
    if (eq != std::string_view::npos && item.substr(0, eq) == key) return item.substr(eq + 1);
    if (comma == std::string_view::npos) break;
    detail.remove_prefix(comma + 1);
  }
  return std::nullopt;
}

std::optional<double> detail_number(std::string_view detail, std::string_view key) {
  const auto v = detail_value(detail, key);
  if (!v || v->empty()) return std::nullopt;
  double out = 0;
  const auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size()) return std::nullopt;
  return out;
}

}  // namespace zkc::model
