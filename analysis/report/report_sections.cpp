#include "analysis/report/report_sections.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>

#include <fmt/format.h>

#include "analysis/report/counters_table.hpp"
#include "analysis/report/expected_results.hpp"
#include "analysis/report/format.hpp"
#include "analysis/report/stage_inflation.hpp"
#include "analysis/report/sweep_points.hpp"

namespace zkc::analysis {
namespace {

// Only what the report shows is bootstrapped: ab.csv carries ~60 metrics per run.
constexpr std::string_view kReportMetrics[] = {
    "s_per_proof",
    "synthesis_ms_p50",
    "prep_msm_ms_p50",
    "b_g2_msm_ms_p50",
    "avg_gpu_per_partition_s",
    "tlb_shootdowns_per_s_in_dealloc",
    "tlb_shootdowns_per_s_outside_dealloc",
    "tlb_shootdowns",
    "l3_misses_per_b_g2",
    "l3_misses_per_spmv",
    "dtlb_misses_per_b_g2",
    "dtlb_misses_per_spmv",
    "minor_faults",
    "peak_rss_mib",
};

bool shown(const Measurement& m) {
  return std::isfinite(m.value) &&
         std::find(std::begin(kReportMetrics), std::end(kReportMetrics), m.metric) != std::end(kReportMetrics);
}

Table gpu_idle_table(const std::vector<RunData>& runs) {
  Table t;
  t.header = {"run", "s/proof", "GPU util", "idle gaps", "idle total", "longest idle"};
  for (const auto& r : runs) {
    const auto& m = r.metrics;
    t.rows.push_back({r.label.empty() ? r.id : r.id + " (" + r.label + ")", fmt::format("{:.2f} s", m.s_per_proof),
                      fmt::format("{:.1f}%", 100 * m.gpu_util), fmt::format("{}", m.idle_gaps.count),
                      duration_text(m.idle_gaps.total_ms), duration_text(m.idle_gaps.longest_ms)});
  }
  t.footnotes.push_back(
      "GPU util: union of GPU_START..GPU_END over the batch; idle gaps of at least 1 ms between busy spans.");
  return t;
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

}  // namespace

ReportSections report_sections(const ReportInput& input) {
  ReportSections out;
  std::vector<Measurement> data;
  for (const auto& m : input.measurements)
    if (shown(m)) data.push_back(m);
  out.summaries = summarize(data);
  std::vector<Measurement> sproof;
  for (const auto& m : data)
    if (m.metric == "s_per_proof") sproof.push_back(m);
  out.comparisons = compare_to_baseline(sproof, input.baseline_arm, input.detect_pct);

  out.gpu_idle = gpu_idle_table(input.runs);
  out.sproof = sproof_table(out.summaries);
  for (const auto& arm : arms_of(out.summaries))
    out.inflation.emplace_back(arm, stage_inflation_table(out.summaries, arm));
  out.counters = counters_table(out.summaries, input.runs);
  out.after_arm = after_arm_of(out.summaries, input.baseline_arm);
  out.expected = expected_results_table(out.summaries, out.comparisons, input.baseline_arm, out.after_arm);
  out.each_arm = arm_comparison_table(out.summaries, out.comparisons, input.baseline_arm);
  out.hosts = host_split(input.measurements, input.baseline_arm);
  return out;
}

}  // namespace zkc::analysis
