#include "harness/recorder/machine_share.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace zkc::harness {
namespace {

bool measured(const StageSpan& s) {
  return std::isfinite(s.machine_begin) && std::isfinite(s.machine_end) && !s.counters.empty() &&
         s.counters.back().has_value();
}

void share_kind(std::vector<StageSpan*>& kind) {
  // The kind's cumulative machine count at each boundary time, made monotone.
  std::vector<std::pair<double, double>> points;
  for (const StageSpan* s : kind) {
    points.emplace_back(s->start_ms, s->machine_begin);
    points.emplace_back(s->end_ms, s->machine_end);
  }
  std::sort(points.begin(), points.end());
  std::vector<double> times;
  std::vector<double> counts;
  for (const auto& [t, v] : points) {
    const double c = counts.empty() ? v : std::max(counts.back(), v);
    if (!times.empty() && times.back() == t) {
      counts.back() = c;
    } else {
      times.push_back(t);
      counts.push_back(c);
    }
  }
  std::vector<double> share(kind.size(), 0.0);
  for (std::size_t k = 0; k + 1 < times.size(); ++k) {
    const double d = counts[k + 1] - counts[k];
    if (d <= 0) continue;
    std::vector<std::size_t> active;
    for (std::size_t i = 0; i < kind.size(); ++i) {
      if (kind[i]->start_ms <= times[k] && kind[i]->end_ms >= times[k + 1]) active.push_back(i);
    }
    for (const std::size_t i : active) share[i] += d / static_cast<double>(active.size());
  }
  for (std::size_t i = 0; i < kind.size(); ++i) kind[i]->counters.back() = share[i];
}

}  // namespace

void share_machine_counts(std::vector<StageSpan>& spans) {
  std::map<std::string, std::vector<StageSpan*>> by_kind;
  for (auto& s : spans) {
    if (measured(s)) by_kind[s.stage].push_back(&s);
  }
  for (auto& [stage, kind] : by_kind) share_kind(kind);
}

}  // namespace zkc::harness
