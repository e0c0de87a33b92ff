#include "analysis/present/sweep_points.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>

namespace zkc::analysis {

std::vector<std::string_view> point_items(std::string_view label) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (pos < label.size()) {
    const std::size_t end = std::min(label.find_first_of(" ,", pos), label.size());
    if (end > pos) out.push_back(label.substr(pos, end - pos));
    pos = end + 1;
  }
  return out;
}

std::optional<double> point_value(std::string_view label, std::string_view key) {
  for (const std::string_view item : point_items(label)) {
    if (item.size() > key.size() && item.starts_with(key) && item[key.size()] == '=') {
      const std::string_view v = item.substr(key.size() + 1);
      double out = 0;
      const auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
      if (ec == std::errc() && ptr == v.data() + v.size() && std::isfinite(out)) return out;
      return std::nullopt;
    }
  }
  return std::nullopt;
}

std::optional<model::Concurrency> concurrency_of(std::string_view label) {
  const auto c = point_value(label, model::kProofsShort), j = point_value(label, model::kJobsShort);
  if (!c || !j || *c != std::floor(*c) || *j != std::floor(*j)) return std::nullopt;
  return model::Concurrency{static_cast<std::int64_t>(*c), static_cast<std::int64_t>(*j)};
}

bool is_isolation_point(std::string_view label) {
  const auto c = concurrency_of(label);
  return c && model::is_isolation(*c);
}

std::string point_title(std::string_view label) {
  if (label.empty()) return "(all runs)";
  std::string t(label);
  if (is_isolation_point(label)) t += " (isolation)";
  return t;
}

namespace {
template <typename Field>
std::vector<std::string> distinct(std::span<const ArmSummary> summaries, Field field) {
  std::vector<std::string> out;
  for (const auto& s : summaries)
    if (std::find(out.begin(), out.end(), s.*field) == out.end()) out.push_back(s.*field);
  return out;
}
}  // namespace

std::vector<std::string> points_of(std::span<const ArmSummary> summaries) {
  return distinct(summaries, &ArmSummary::point);
}

std::vector<std::string> arms_of(std::span<const ArmSummary> summaries) {
  return distinct(summaries, &ArmSummary::arm);
}

const ArmSummary* find_summary(std::span<const ArmSummary> summaries, std::string_view point, std::string_view arm,
                               std::string_view metric) {
  for (const auto& s : summaries)
    if (s.point == point && s.arm == arm && s.metric == metric) return &s;
  return nullptr;
}

}  // namespace zkc::analysis
