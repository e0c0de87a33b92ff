#include "analysis/report/trace_json.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "analysis/report/lanes.hpp"

namespace zkc::analysis {
namespace {

using nlohmann::json;

json metadata(int pid, int tid, const char* name, json args) {
  return {{"ph", "M"}, {"pid", pid}, {"tid", tid}, {"name", name}, {"args", std::move(args)}};
}

void add_run(json& events, const RunData& run, int pid) {
  events.push_back(
      metadata(pid, 0, "process_name", {{"name", run.label.empty() ? run.id : run.id + " (" + run.label + ")"}}));
  const std::vector<StageRow> rows = lane_rows(run);
  int next_tid = 1;
  for (const Lane& lane : build_lanes(rows)) {
    const int first = next_tid;
    for (std::size_t r = 0; r < lane.rows; ++r, ++next_tid) {
      const std::string name = r == 0 ? lane.name : fmt::format("{} #{}", lane.name, r + 1);
      events.push_back(metadata(pid, next_tid, "thread_name", {{"name", name}}));
      events.push_back(metadata(pid, next_tid, "thread_sort_index", {{"sort_index", next_tid}}));
    }
    for (std::size_t k = 0; k < lane.spans.size(); ++k) {
      const StageRow& s = *lane.spans[k];
      json args = {{"proof", s.proof}, {"partition", s.partition}};
      for (const auto& [counter, value] : s.counters)
        if (std::isfinite(value)) args[counter] = value;  // JSON has no NaN
      events.push_back({{"ph", "X"},
                        {"pid", pid},
                        {"tid", first + static_cast<int>(lane.row[k])},
                        {"name", s.stage},
                        {"cat", "stage"},
                        {"ts", s.start_ms * 1000.0},
                        {"dur", std::max(0.0, s.end_ms - s.start_ms) * 1000.0},
                        {"args", std::move(args)}});
    }
  }
  for (std::size_t i = 0; i < run.counters.size(); ++i) {
    const CounterPoint& c = run.counters[i];
    const double ts = c.t_ms * 1000.0;
    if (i > 0) {
      const double delta = c.tlb_shootdowns_total - run.counters[i - 1].tlb_shootdowns_total;
      if (std::isfinite(delta) && delta >= 0)
        events.push_back(
            {{"ph", "C"}, {"pid", pid}, {"name", "tlb_shootdowns"}, {"ts", ts}, {"args", {{"per_sample", delta}}}});
    }
    if (std::isfinite(c.rss_mib))
      events.push_back(
          {{"ph", "C"}, {"pid", pid}, {"name", "rss_mib"}, {"ts", ts}, {"args", {{"rss_mib", c.rss_mib}}}});
  }
}

}  // namespace

std::string trace_json(std::span<const RunData> runs, int first_pid) {
  json events = json::array();
  for (std::size_t i = 0; i < runs.size(); ++i) add_run(events, runs[i], first_pid + static_cast<int>(i));
  const json doc = {{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
  // Invalid UTF-8 in an id or a stage name is replaced instead of throwing.
  return doc.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string trace_json(const RunData& run) { return trace_json(std::span<const RunData>(&run, 1)); }

}  // namespace zkc::analysis
