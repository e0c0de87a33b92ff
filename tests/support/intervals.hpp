// Intervals of a timeline and how many are open at once.
#pragma once

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace zkc::test {

struct Interval {
  double start = 0, end = 0;
};

// Most intervals open at once; an interval ending exactly when another starts does not overlap it.
inline std::size_t max_overlap(const std::vector<Interval>& iv) {
  std::vector<std::pair<double, int>> points;
  for (const auto& i : iv) {
    points.emplace_back(i.start, +1);
    points.emplace_back(i.end, -1);
  }
  std::sort(points.begin(), points.end());  // -1 before +1 at equal times
  std::size_t open = 0, most = 0;
  for (const auto& [t, d] : points) {
    open = static_cast<std::size_t>(static_cast<long>(open) + d);
    most = std::max(most, open);
  }
  return most;
}

}  // namespace zkc::test
