#include "analysis/report/report_sections.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "analysis/explain/attribution.hpp"
#include "analysis/explain/attribution_tables.hpp"
#include "model/metric_catalog.hpp"
#include "analysis/report/attribution_svg.hpp"
#include "analysis/report/charts_svg.hpp"
#include "analysis/report/counters_table.hpp"
#include "analysis/report/expected_results.hpp"
#include "analysis/present/format.hpp"
#include "analysis/report/drawn_window.hpp"
#include "analysis/report/gpu_timeline_svg.hpp"
#include "analysis/report/schedule_svg.hpp"
#include "analysis/report/stage_inflation.hpp"
#include "analysis/present/sweep_points.hpp"
#include "analysis/report/verdict.hpp"
#include "analysis/report/waterfall_svg.hpp"

namespace zkc::analysis {
namespace {

// Everything the sections draw from, computed once.
struct Context {
  const ReportInput& in;
  Verdict verdict;
  std::vector<ArmSummary> summaries;  // the metrics any report table shows
  std::vector<const RunData*> shown;  // one run per (point, arm): its median by s/proof; all without A/B data
  std::vector<const RunData*> hidden;
  ExplainGroups groups;               // explain's loaded groups and isolation references
  std::vector<Attribution> attribution;
  std::vector<ArmCause> causes;       // each arm against the baseline, by cause
  bool measured() const { return !summaries.empty(); }
};

Block block(Block::Kind kind, std::string text = {}) {
  Block b;
  b.kind = kind;
  b.text = std::move(text);
  return b;
}
Block heading(std::string text) { return block(Block::Kind::kHeading, std::move(text)); }
Block paragraph(std::string text) { return block(Block::Kind::kParagraph, std::move(text)); }
Block note(std::string text) { return block(Block::Kind::kNote, std::move(text)); }
Block table(Table t, std::string css) {
  Block b = block(Block::Kind::kTable);
  b.table = std::move(t);
  b.css = std::move(css);
  return b;
}
Block figure(std::string svg, std::string md_text) {
  Block b = block(Block::Kind::kFigure, std::move(md_text));
  b.svg = std::move(svg);
  return b;
}
constexpr std::string_view kNoMeasurements = "No A/B or sweep measurements.";

std::string run_heading(const RunData& r) { return r.label.empty() ? r.id : r.id + " (" + r.label + ")"; }

// ---- the sections, in report order -----------------------------------------------------------

void verdict_section(const Context& c, std::vector<Block>& b) {
  const Verdict& v = c.verdict;
  if (v.empty()) {
    b.push_back(paragraph(std::string(kNoMeasurements) + " The figures of each run follow."));
  } else {
    for (const auto& line : v.headline) b.push_back(paragraph(line));
    b.push_back(table(v.ranking, "verdict"));
    if (!v.controls.rows.empty()) {
      b.push_back(heading("Controls"));
      b.push_back(table(v.controls, "controls"));
    }
    b.push_back(heading("Mechanism evidence per arm"));
    b.push_back(table(v.mechanism, "mechanism"));
    if (!c.causes.empty()) {
      b.push_back(heading("What each arm changed, by cause"));
      b.push_back(table(causes_table(c.causes, c.in.baseline_arm), "causes"));
    }
  }
  if (!c.in.arms.empty()) {
    Block arms = block(Block::Kind::kList);
    for (const auto& a : c.in.arms)
      arms.items.push_back(fmt::format("{}: {}", a.name, a.overrides.empty() ? "(no overrides)"
                                                                             : fmt::format("{}", fmt::join(a.overrides, " "))));
    b.push_back(heading("Arms"));
    b.push_back(std::move(arms));
  }
  b.push_back(heading("Warnings"));
  if (v.warnings.empty()) {
    b.push_back(note("None."));
  } else {
    Block list = block(Block::Kind::kList);
    list.items = v.warnings;
    b.push_back(std::move(list));
  }
}

std::string every_intervention(const Context& c) {
  return c.in.all_interventions.empty() ? "every intervention" : "every intervention (" + c.in.all_interventions + ")";
}

void expected_section(const Context& c, std::vector<Block>& b) {
  if (!c.measured()) {
    b.push_back(paragraph(fmt::format("Needs measurements of the baseline and the arm holding {}.", every_intervention(c))));
  } else if (c.in.after_arm.empty()) {
    b.push_back(paragraph(fmt::format("No arm holds {}; `ab --after ARM` names the arm to compare with {}.",
                                      every_intervention(c), c.in.baseline_arm)));
  } else {
    if (!c.in.after_how.empty()) b.push_back(note("After: " + c.in.after_arm + ", " + c.in.after_how + "."));
    b.push_back(table(expected_results_table(c.summaries, c.verdict.primary, c.in.baseline_arm, c.in.after_arm),
                      "expected"));
  }
  b.push_back(heading("The seed's prediction"));
  b.push_back(table(seed_expected_table(), "seed-expected"));
}

void waterfalls_section(const Context& c, std::vector<Block>& b) {
  if (c.in.runs.empty()) b.push_back(note("No runs."));
  if (!c.hidden.empty())
    b.push_back(note(fmt::format("One waterfall per arm: its median run by s/proof. The other {} runs are in their "
                                 "trace.json (Perfetto, chrome://tracing), listed below.",
                                 c.hidden.size())));
  for (const RunData* r : c.shown) {
    b.push_back(heading(run_heading(*r)));
    const DrawnRun drawn(*r);
    if (!drawn.note().empty()) b.push_back(note(drawn.note()));
    b.push_back(figure(waterfall_svg(drawn.run()), "Waterfall: see report.html."));
  }
  if (!c.hidden.empty()) {
    Block links = block(Block::Kind::kLinks, fmt::format("The other {} runs (trace.json)", c.hidden.size()));
    for (const RunData* r : c.hidden) links.links.emplace_back(run_heading(*r), "runs/" + r->id + "/trace.json");
    b.push_back(std::move(links));
  }
}

// Proofs, the GPU queue and the budget over time, per shown run; only where a run has them.
void schedule_section(const Context& c, std::vector<Block>& b) {
  bool any = false;
  for (const RunData* r : c.shown) {
    if (!has_schedule(*r)) continue;
    any = true;
    const DrawnRun drawn(*r);
    b.push_back(figure(schedule_svg(drawn.run()), "Scheduling chart: see report.html."));
  }
  if (!any) {
    b.push_back(note("One proof at a time and no memory budget (engine.dispatch = semaphore): nothing to schedule."));
    return;
  }
  Table t;
  t.header = {"run", "first proof done", "proof latency p50", "max", "interleaved", "budget peak", "pacer rate"};
  for (const RunData* r : c.shown) {
    const auto& m = r->metrics;
    t.rows.push_back({run_heading(*r), duration_text(m.fill_ms), duration_text(m.proof_ms.p50),
                      duration_text(m.proof_ms.max), fmt::format("{:.1f}%", 100 * m.interleave_share),
                      fmt::format("{:.1f}%", 100 * m.budget_peak_share),
                      m.pacer_rate > 0 ? fmt::format("{:.2f}x", m.pacer_rate) : std::string("-")});
  }
  t.footnotes.push_back("interleaved: other proofs' partitions started on the GPU between a proof's first and last, "
                        "of all started there (0 = back to back); budget peak: the most of the budget held at once.");
  b.push_back(table(std::move(t), "schedule"));
}

Table gpu_idle_table(const std::vector<RunData>& runs) {
  Table t;
  t.header = {"run", "s/proof", "GPU util", "idle gaps", "idle total", "longest idle"};
  for (const auto& r : runs) {
    const auto& m = r.metrics;
    t.rows.push_back({run_heading(r), fmt::format("{:.2f} s", m.s_per_proof), fmt::format("{:.1f}%", 100 * m.gpu_util),
                      fmt::format("{}", m.idle_gaps.count), duration_text(m.idle_gaps.total_ms),
                      duration_text(m.idle_gaps.longest_ms)});
  }
  t.footnotes.push_back(
      "GPU util: union of GPU_START..GPU_END over the batch; idle gaps of at least 1 ms between busy spans.");
  return t;
}

void gpu_section(const Context& c, std::vector<Block>& b) {
  for (const RunData* r : c.shown) {
    const DrawnRun drawn(*r);
    if (!drawn.note().empty()) b.push_back(note(drawn.note()));
    b.push_back(figure(gpu_timeline_svg(drawn.run()), "Timeline: see report.html."));
  }
  if (!c.in.runs.empty()) b.push_back(table(gpu_idle_table(c.in.runs), "gpu-idle"));
}

Table sproof_table(const std::vector<ArmSummary>& summaries) {
  Table t;
  const auto arms = arms_of(summaries);
  t.header = {"configuration"};
  t.header.insert(t.header.end(), arms.begin(), arms.end());
  for (const auto& p : points_of(summaries)) {
    std::vector<std::string> row{point_title(p)};
    bool any = false;
    for (const auto& a : arms) {
      const ArmSummary* s = find_summary(summaries, p, a, "s_per_proof");
      any = any || s;
      row.push_back(s ? fmt::format("{:.2f} s [{:.2f}, {:.2f}] (n={})", s->median, s->ci.lo, s->ci.hi, s->n) : "n/a");
    }
    if (any) t.rows.push_back(std::move(row));
  }
  t.footnotes.push_back("s/proof: median over repeats [95% bootstrap interval].");
  return t;
}

void sproof_section(const Context& c, std::vector<Block>& b) {
  if (!c.measured()) {
    b.push_back(note(std::string(kNoMeasurements)));
    return;
  }
  b.push_back(figure(sproof_vs_concurrency_svg(c.summaries, c.in.x_key), "Chart: see report.html."));
  b.push_back(table(sproof_table(c.summaries), "sproof"));
}

void inflation_section(const Context& c, std::vector<Block>& b) {
  if (!c.measured()) b.push_back(note(std::string(kNoMeasurements)));
  for (const auto& arm : arms_of(c.summaries)) {
    b.push_back(heading("Arm " + arm));
    b.push_back(table(stage_inflation_table(c.summaries, arm), "inflation"));
  }
}

void explain_section(const Context& c, std::vector<Block>& b) {
  if (c.attribution.empty()) {
    b.push_back(note("No isolation reference to divide the inflation against: run `zkcontend ab --isolation`, or a "
                     "sweep with a c=1 j=1 point (`sweep --isolation` adds one)."));
    for (const auto& m : c.groups.missing) b.push_back(note(m));
    return;
  }
  b.push_back(paragraph("Each stage's time per row loaded against the same arm in isolation (c=1 j=1), the difference "
                        "split into measured parts that add up to it. `zkcontend explain` prints the same table and "
                        "writes attribution.csv."));
  for (const auto& m : c.groups.missing) b.push_back(note(m));
  std::vector<std::pair<std::string, std::string>> groups;
  for (const auto& a : c.attribution)
    if (std::find(groups.begin(), groups.end(), std::pair{a.point, a.arm}) == groups.end()) groups.emplace_back(a.point, a.arm);
  for (const auto& [point, arm] : groups) {
    std::vector<Attribution> mine;
    for (const auto& a : c.attribution)
      if (a.point == point && a.arm == arm) mine.push_back(a);
    b.push_back(heading(point.empty() ? "Arm " + arm : "Arm " + arm + ", " + point_title(point)));
    b.push_back(figure(attribution_svg(mine), "Stacked bars: see report.html."));
    b.push_back(table(attribution_table(mine), "attribution"));
  }
}

void counters_section(const Context& c, std::vector<Block>& b) {
  b.push_back(table(counters_table(c.summaries, c.in.runs), "counters"));
}

void family_section(const Context& c, std::vector<Block>& b) {
  if (c.verdict.empty()) {
    b.push_back(note(std::string(kNoMeasurements)));
    return;
  }
  b.push_back(table(c.verdict.family, "family"));
}

void hosts_section(const Context& c, std::vector<Block>& b) {
  const HostSplit& hosts = c.verdict.hosts;
  if (hosts.empty()) {
    b.push_back(note("No measurement names its machine (an A/B, or a sweep.csv without a host column)."));
    return;
  }
  if (!hosts.notes.empty()) {
    Block list = block(Block::Kind::kList);
    list.items = hosts.notes;
    b.push_back(std::move(list));
  }
  b.push_back(table(hosts.table, "hosts"));
}

struct SectionSpec {
  std::string_view id, title;
  void (*build)(const Context&, std::vector<Block>&);
};
// The one list of report sections: report.html and report.md render exactly these, in this order.
constexpr SectionSpec kSections[] = {
    {"verdict", "Verdict", verdict_section},
    {"expected", "Expected Results", expected_section},
    {"waterfalls", "Waterfalls", waterfalls_section},
    {"gpu", "GPU busy/idle", gpu_section},
    {"schedule", "Scheduling: proofs, the GPU queue and the memory budget", schedule_section},
    {"sproof", "s/proof vs concurrency", sproof_section},
    {"inflation", "Stage inflation under load", inflation_section},
    {"explain", "Why stages inflate: causes against isolation", explain_section},
    {"counters", "Counters per arm", counters_section},
    {"family", "Secondary metrics against the baseline (their own family)", family_section},
    {"hosts", "Hosts: which machine ran each point", hosts_section},
};

// One run per (point, arm), its median by s/proof, when the measurements say which run each value
// came from; otherwise every run.
void choose_runs(Context& c) {
  const auto& runs = c.in.runs;
  std::vector<bool> chosen(runs.size(), false);
  bool any_run_named = false;
  for (const auto& m : c.in.measurements) any_run_named = any_run_named || !m.run.empty();
  if (!any_run_named) {
    std::fill(chosen.begin(), chosen.end(), true);
  } else {
    for (const auto& p : points_of(c.summaries))
      for (const auto& a : arms_of(c.summaries)) {
        const std::string run = median_run(c.in.measurements, p, a);
        if (run.empty()) continue;
        const std::string_view name = std::string_view(run).substr(run.find_last_of('/') + 1);
        for (std::size_t i = 0; i < runs.size(); ++i)
          if (runs[i].id == name) chosen[i] = true;
      }
  }
  for (std::size_t i = 0; i < runs.size(); ++i) (chosen[i] ? c.shown : c.hidden).push_back(&runs[i]);
}

}  // namespace

std::vector<Section> report_sections(const ReportInput& input) {
  Context c{input, compute_verdict(input), {}, {}, {}, {}, {}, {}};
  // Only what the report shows is bootstrapped: ab.csv carries ~100 metrics per run.
  const std::uint32_t shown_groups = kGroupPrimary | kGroupCompared | kGroupReport | kGroupCounters | kGroupStage | kGroupMechanism;
  std::vector<Measurement> data;
  for (const auto& m : input.measurements) {
    const MetricInfo* info = find_metric(m.metric);
    if (std::isfinite(m.value) && info != nullptr && (info->groups & shown_groups) != 0) data.push_back(m);
  }
  c.summaries = summarize(data);
  choose_runs(c);
  c.groups = explain_groups(input);
  c.attribution = attribute(c.groups);
  c.causes = causes_by_arm(c.attribution, input.baseline_arm);

  std::vector<Section> out;
  int number = 0;
  for (const SectionSpec& spec : kSections) {
    Section s{std::string(spec.id), fmt::format("{}. {}", ++number, spec.title), {}};
    spec.build(c, s.blocks);
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace zkc::analysis
