#include "analysis/report/event_spans.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <map>
#include <string>
#include <string_view>

#include "model/events.hpp"
#include "model/stages.hpp"

namespace zkc::analysis {
namespace {

// The families a waterfall draws from events alone: the shared table's, less the queue wait (a
// wait, not work on a lane).
bool drawn(const EventFamily& f) { return f.id != Family::kQueueWait; }

std::vector<const TimelineEvent*> sorted(std::span<const TimelineEvent> events) {
  std::vector<const TimelineEvent*> v;
  v.reserve(events.size());
  for (const auto& e : events) v.push_back(&e);
  std::stable_sort(v.begin(), v.end(),
                   [](const TimelineEvent* a, const TimelineEvent* b) { return a->offset_ms < b->offset_ms; });
  return v;
}

}  // namespace

std::vector<StageRow> stage_rows_from_events(std::span<const TimelineEvent> events) {
  std::map<std::string, int> proof_index;  // job id -> order of first appearance
  std::map<std::string, std::deque<const TimelineEvent*>> open;
  std::vector<StageRow> rows;
  for (const TimelineEvent* e : sorted(events)) {
    const auto [it, inserted] = proof_index.try_emplace(e->job_id, static_cast<int>(proof_index.size()));
    (void)inserted;
    for (const EventFamily& f : event_families()) {
      if (!drawn(f)) continue;
      const bool is_start = opens(f, *e), is_end = closes(f, *e);
      if (!is_start && !is_end) continue;
      // Lock and GPU events of one partition are separate families: the key carries the family.
      const std::string key = std::string(name(f.start)) + '\x1f' + std::string(e->job_id) + '\x1f' +
                              std::string(detail_value(e->detail, "partition").value_or("")) + '\x1f' +
                              std::string(detail_value(e->detail, "side").value_or(""));
      if (is_start) {
        open[key].push_back(e);
        continue;
      }
      const TimelineEvent* start = nullptr;
      if (auto o = open.find(key); o != open.end() && !o->second.empty()) {
        start = o->second.front();
        o->second.pop_front();
      }
      double start_ms = 0;
      if (start) {
        start_ms = start->offset_ms;
      } else if (const auto dur = detail_number(e->detail, f.dur_key); dur && std::isfinite(*dur)) {
        start_ms = e->offset_ms - *dur;
      } else {
        continue;  // neither a start nor a duration: nothing to draw
      }
      StageRow row;
      row.proof = it->second;
      row.partition = static_cast<int>(detail_number(e->detail, "partition").value_or(-1));
      row.stage = stage_name(f, *e);
      row.start_ms = start_ms;
      row.end_ms = e->offset_ms;
      row.worker = lane_of(f, start ? *start : *e);
      rows.push_back(std::move(row));
    }
  }
  return rows;
}

std::vector<TimeSpan> gpu_busy_spans(std::span<const TimelineEvent> events) {
  std::vector<TimeSpan> spans;
  for (const auto& r : stage_rows_from_events(events))
    if (r.stage == name(Stage::kGpu) && r.end_ms >= r.start_ms) spans.push_back({r.start_ms, r.end_ms});
  std::sort(spans.begin(), spans.end(), [](const TimeSpan& a, const TimeSpan& b) { return a.start_ms < b.start_ms; });
  std::vector<TimeSpan> merged;
  for (const auto& s : spans) {
    if (!merged.empty() && s.start_ms <= merged.back().end_ms)
      merged.back().end_ms = std::max(merged.back().end_ms, s.end_ms);
    else
      merged.push_back(s);
  }
  return merged;
}

}  // namespace zkc::analysis
