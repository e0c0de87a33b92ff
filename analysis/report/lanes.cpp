#include "analysis/report/lanes.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <tuple>

#include "analysis/report/event_spans.hpp"
#include "model/events.hpp"

namespace zkc::analysis {
namespace {

// Lanes in the model's drawing order; workers of no declared lane after them.
std::size_t lane_group(std::string_view w) {
  const auto lane = lane_of_worker(w);
  return lane ? static_cast<std::size_t>(*lane) : static_cast<std::size_t>(model::Lane::kQueue) + 1;
}

bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }

// Natural order: digit runs compare as numbers, so synth-2 comes before synth-10.
bool natural_less(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (is_digit(a[i]) && is_digit(b[j])) {
      std::size_t ie = i, je = j;
      while (ie < a.size() && is_digit(a[ie])) ++ie;
      while (je < b.size() && is_digit(b[je])) ++je;
      std::string_view na = a.substr(i, ie - i), nb = b.substr(j, je - j);
      while (na.size() > 1 && na.front() == '0') na.remove_prefix(1);
      while (nb.size() > 1 && nb.front() == '0') nb.remove_prefix(1);
      if (na.size() != nb.size()) return na.size() < nb.size();
      if (na != nb) return na < nb;
      i = ie;
      j = je;
    } else {
      if (a[i] != b[j]) return a[i] < b[j];
      ++i;
      ++j;
    }
  }
  return a.size() - i < b.size() - j;
}

}  // namespace

bool lane_less(std::string_view a, std::string_view b) {
  const std::size_t ga = lane_group(a), gb = lane_group(b);
  if (ga != gb) return ga < gb;
  return natural_less(a, b);
}

std::vector<Lane> build_lanes(const std::vector<StageRow>& stages) {
  std::map<std::string, std::vector<const StageRow*>> by_lane;
  for (const auto& s : stages) by_lane[s.worker.empty() ? "(none)" : s.worker].push_back(&s);

  std::vector<Lane> lanes;
  for (auto& [name, spans] : by_lane) {
    Lane lane;
    lane.name = name;
    // Parents before the spans nested in them: by start, then the longer first.
    std::stable_sort(spans.begin(), spans.end(), [](const StageRow* x, const StageRow* y) {
      return std::tie(x->start_ms, y->end_ms) < std::tie(y->start_ms, x->end_ms);
    });
    std::vector<std::vector<const StageRow*>> open;  // per row: the stack of spans still open
    for (const StageRow* s : spans) {
      std::size_t r = 0;
      for (; r < open.size(); ++r) {
        auto& stack = open[r];
        while (!stack.empty() && stack.back()->end_ms <= s->start_ms) stack.pop_back();
        if (stack.empty() || stack.back()->end_ms >= s->end_ms) break;
      }
      if (r == open.size()) open.emplace_back();
      open[r].push_back(s);
      lane.spans.push_back(s);
      lane.row.push_back(r);
    }
    lane.rows = std::max<std::size_t>(1, open.size());
    lanes.push_back(std::move(lane));
  }
  std::sort(lanes.begin(), lanes.end(), [](const Lane& x, const Lane& y) { return lane_less(x.name, y.name); });
  return lanes;
}

std::vector<StageRow> lane_rows(const RunData& run) {
  return run.stages.empty() ? stage_rows_from_events(run.events) : run.stages;
}

}  // namespace zkc::analysis
