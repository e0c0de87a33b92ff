#include "analysis/report/counters_table.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "model/metric_catalog.hpp"
#include "analysis/present/format.hpp"
#include "analysis/present/sweep_points.hpp"

namespace zkc::analysis {
namespace {

// The counters-per-arm columns: metric_catalog's kGroupCounters, in catalog order.
struct Counter {
  std::string metric, title;
};
std::vector<Counter> counters() {
  std::vector<Counter> out;
  for (const auto& m : metrics_in(kGroupCounters)) out.push_back({m, metric_title(m)});
  return out;
}

bool any_counter(std::span<const ArmSummary> summaries, const std::vector<Counter>& cs) {
  return std::any_of(summaries.begin(), summaries.end(), [&](const ArmSummary& s) {
    return std::any_of(cs.begin(), cs.end(), [&](const Counter& c) { return c.metric == s.metric; });
  });
}

double extra_value(const RunData& run, std::string_view metric) {
  for (const auto& r : run.extra)
    if (r.name == metric) return r.value;
  return std::numeric_limits<double>::quiet_NaN();
}

}  // namespace

Table counters_table(std::span<const ArmSummary> summaries, const std::vector<RunData>& runs) {
  Table t;
  const std::vector<Counter> kCounters = counters();
  if (any_counter(summaries, kCounters)) {
    t.header = {"configuration", "arm"};
    for (const auto& c : kCounters) t.header.emplace_back(c.title);
    for (const auto& p : points_of(summaries))
      for (const auto& a : arms_of(summaries)) {
        const bool present = std::any_of(summaries.begin(), summaries.end(),
                                         [&](const ArmSummary& s) { return s.point == p && s.arm == a; });
        if (!present) continue;
        std::vector<std::string> row{point_title(p), a};
        for (const auto& c : kCounters) {
          const ArmSummary* s = find_summary(summaries, p, a, c.metric);
          row.push_back(s ? count_text(s->median) : "n/a");
        }
        t.rows.push_back(std::move(row));
      }
    t.footnotes.push_back("Medians over repeats; n/a: not measured on this machine (see the notes).");
  } else {
    t.header = {"run", "label"};
    for (const auto& c : kCounters) t.header.emplace_back(c.title);
    for (const auto& run : runs) {
      std::vector<std::string> row{run.id, run.label};
      for (const auto& c : kCounters) row.push_back(count_text(extra_value(run, c.metric)));
      t.rows.push_back(std::move(row));
    }
    t.footnotes.push_back("One row per run; n/a: not measured on this machine (see the notes).");
  }
  // Runs of one sweep usually share their notes: each distinct note once, with how many runs gave it.
  std::vector<std::pair<std::string, std::size_t>> notes;
  for (const auto& run : runs)
    for (const auto& n : run.notes) {
      auto it = std::find_if(notes.begin(), notes.end(), [&](const auto& e) { return e.first == n; });
      if (it == notes.end())
        notes.emplace_back(n, 1);
      else
        ++it->second;
    }
  for (const auto& [text, count] : notes)
    t.footnotes.push_back(count == runs.size() ? "Note: " + text
                                               : fmt::format("Note ({} of {} runs): {}", count, runs.size(), text));
  return t;
}

}  // namespace zkc::analysis
