#include "analysis/report/stage_inflation.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "model/metric_catalog.hpp"
#include "analysis/present/format.hpp"
#include "analysis/present/sweep_points.hpp"

namespace zkc::analysis {
namespace {

// The rows: metric_catalog's kGroupStage (durations), in catalog order.
struct StageMetric {
  std::string metric, title;
  double to_ms;  // the metric's unit in ms
};
std::vector<StageMetric> stages() {
  std::vector<StageMetric> out;
  for (const auto& m : metrics_in(kGroupStage)) out.push_back({m, metric_title(m), metric_to_ms(m)});
  return out;
}

}  // namespace

Table stage_inflation_table(std::span<const ArmSummary> summaries, std::string_view arm) {
  std::vector<std::string> points;
  for (const auto& p : points_of(summaries))
    if (std::any_of(summaries.begin(), summaries.end(),
                    [&](const ArmSummary& s) { return s.point == p && s.arm == arm; }))
      points.push_back(p);
  const auto iso =
      std::find_if(points.begin(), points.end(), [](const std::string& p) { return is_isolation_point(p); });
  const bool has_iso = iso != points.end();
  if (has_iso) std::rotate(points.begin(), iso, iso + 1);  // isolation first: the reference column

  Table t;
  t.header.push_back("stage");
  for (const auto& p : points) t.header.push_back(point_title(p));
  for (const auto& st : stages()) {
    std::vector<std::string> row{std::string(st.title)};
    const ArmSummary* ref = has_iso ? find_summary(summaries, points.front(), arm, st.metric) : nullptr;
    for (const auto& p : points) {
      const ArmSummary* s = find_summary(summaries, p, arm, st.metric);
      if (!s) {
        row.push_back("n/a");
        continue;
      }
      const std::string value = duration_text(s->median * st.to_ms);
      if (!ref || s == ref || ref->median == 0) {
        row.push_back(value);
        continue;
      }
      const double pct = 100.0 * (s->median - ref->median) / std::fabs(ref->median);
      row.push_back(duration_text(ref->median * st.to_ms) + " -> " + value + " (" + percent_text(pct) + ")");
    }
    t.rows.push_back(std::move(row));
  }
  std::string note = "Arm " + std::string(arm) + ": medians over repeats of each run's value.";
  note += has_iso ? " Each cell: isolation (c=1 j=1) -> this point (change)."
                  : " No isolation point (c=1 j=1) in these measurements: values only.";
  t.footnotes.push_back(std::move(note));
  return t;
}

}  // namespace zkc::analysis
