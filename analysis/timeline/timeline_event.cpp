#include "analysis/timeline/timeline_event.hpp"

#include <charconv>

namespace zkc::analysis {

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

}  // namespace zkc::analysis
