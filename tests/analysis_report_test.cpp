// The report's pieces on synthetic data: the XML checker itself, SVG escaping, number formats, time
// axes, sweep point labels, lanes, waterfalls, GPU timelines, charts and tables (stage inflation,
// Expected Results, counters), Markdown tables, and the metric catalog every produced row is
// declared in. Whole reports: analysis_report_html_test.cpp; the verdict: analysis_verdict_test.cpp.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/metric_catalog.hpp"
#include "analysis/metrics/run_metrics.hpp"
#include "analysis/report/charts_svg.hpp"
#include "analysis/report/counters_table.hpp"
#include "analysis/report/event_spans.hpp"
#include "analysis/report/expected_results.hpp"
#include "analysis/present/format.hpp"
#include "analysis/report/gpu_timeline_svg.hpp"
#include "analysis/report/lanes.hpp"
#include "analysis/report/report_md.hpp"
#include "analysis/report/stage_inflation.hpp"
#include "analysis/present/svg.hpp"
#include "analysis/present/sweep_points.hpp"
#include "analysis/present/table.hpp"
#include "analysis/report/time_axis.hpp"
#include "analysis/report/verdict.hpp"
#include "analysis/report/waterfall_svg.hpp"
#include "tests/support/report_fixtures.hpp"
#include "tests/support/xml_checker.hpp"


namespace zkc::analysis {
namespace {

using namespace report_fixtures;
using test_support::xml_error;

TEST(XmlChecker, AcceptsWellFormedAndRejectsBroken) {
  EXPECT_EQ(xml_error("<!DOCTYPE html>\n<a x=\"1\" y='2'><b/><!-- c --><c>t &amp; &#39; &#x3c;</c></a>\n"), "");
  EXPECT_NE(xml_error("<a><b></a></b>"), "");
  EXPECT_NE(xml_error("<a x=1></a>"), "");
  EXPECT_NE(xml_error("<a>1 & 2</a>"), "");
  EXPECT_NE(xml_error("<a x=\"<\"></a>"), "");
  EXPECT_NE(xml_error("<a></a><b></b>"), "");
  EXPECT_NE(xml_error("<a x=\"1\" x=\"2\"></a>"), "");
  EXPECT_NE(xml_error("<a>"), "");
}

TEST(Svg, EscapesTextAndAttributes) {
  EXPECT_EQ(svg::escape("a<&>\"'b"), "a&lt;&amp;&gt;&quot;&#39;b");
  EXPECT_EQ(svg::escape(std::string("x\x01y\tz", 5)), "xy\tz");  // control characters are not XML
  EXPECT_EQ(svg::num(12.5), "12.5");
  EXPECT_EQ(svg::num(3.0), "3");
  EXPECT_EQ(svg::num(kNaN), "0");
  const std::string r = svg::rect(1, 2, 3, 4, {{"fill", "#fff"}}, "a<b");
  EXPECT_EQ(r, "<rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" fill=\"#fff\"><title>a&lt;b</title></rect>");
  EXPECT_EQ(xml_error(svg::document(10, 10, "c", "t<", r)), "");
}

TEST(Format, DurationsPercentsCounts) {
  EXPECT_EQ(duration_text(0.42), "0.42 ms");
  EXPECT_EQ(duration_text(850), "850 ms");
  EXPECT_EQ(duration_text(4900), "4.90 s");
  EXPECT_EQ(duration_text(38000), "38.0 s");
  EXPECT_EQ(duration_text(kNaN), "n/a");
  EXPECT_EQ(percent_text(22.44), "+22.4%");
  EXPECT_EQ(count_text(1234567), "1.23M");
  EXPECT_EQ(count_text(512), "512");
  EXPECT_EQ(count_text(kNaN), "n/a");
}

TEST(TimeAxis, NiceStepsInMsOrSeconds) {
  EXPECT_EQ(nice_step(1250, 12), 200);
  EXPECT_EQ(nice_step(38000, 12), 5000);
  EXPECT_EQ(ticks(0, 1000, 5), (std::vector<double>{0, 200, 400, 600, 800, 1000}));
  const std::string s = time_axis_svg(standard_frame(0, 38000), 0, 100);
  EXPECT_NE(s.find(">35 s<"), std::string::npos);
  EXPECT_NE(time_axis_svg(standard_frame(0, 40), 0, 100).find(">35 ms<"), std::string::npos);
  EXPECT_EQ(xml_error(s), "");
}

TEST(SweepPoints, ParsesKeysAndIsolation) {
  EXPECT_EQ(point_value("c=20 j=15", "j"), 15.0);
  EXPECT_EQ(point_value("c=20,j=15", "c"), 20.0);
  EXPECT_FALSE(point_value("c=20 jj=15", "j"));
  EXPECT_FALSE(point_value("", "j"));
  EXPECT_TRUE(is_isolation_point("c=1 j=1"));
  EXPECT_FALSE(is_isolation_point("c=1 j=2"));
  EXPECT_EQ(point_title("c=1 j=1"), "c=1 j=1 (isolation)");
}

TEST(Lanes, PipelineOrderAndRowsForOverlaps) {
  const RunData run = synthetic_run("r", "");
  const std::vector<Lane> lanes = build_lanes(run.stages);
  std::vector<std::string> names;
  int rows = 0;
  for (const auto& l : lanes) {
    names.push_back(l.name);
    rows += static_cast<int>(l.rows);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"synth-0", "synth-1", "synth-pool", "gpu0.0", "gpu0.1", "prep", "groth16",
                                             "finalizer", "dealloc-cpp", "dealloc-rust"}));
  EXPECT_EQ(rows, kTracks);
  // Nested device stages share lock_held's row; natural order puts synth-2 before synth-10.
  for (const auto& l : lanes)
    if (l.name.starts_with("gpu")) {
      EXPECT_EQ(l.rows, 1u) << l.name;
    }
  EXPECT_TRUE(lane_less("synth-2", "synth-10"));
  EXPECT_TRUE(lane_less("synth-pool", "gpu0.0"));
  EXPECT_TRUE(lane_less("finalizer", "dealloc-cpp"));
}

TEST(Waterfall, LanesStagesLockHeldAndTooltips) {
  const std::string s = waterfall_svg(synthetic_run("run<1>", "baseline"));
  EXPECT_EQ(xml_error(s), "") << s.substr(0, 400);
  EXPECT_EQ(count(s, "class=\"waterfall\""), 1u);
  EXPECT_NE(s.find("Waterfall: run&lt;1&gt; (baseline)"), std::string::npos);
  EXPECT_EQ(count(s, "class=\"lock-held\""), 4u + 1u);  // 4 spans and the legend swatch
  EXPECT_NE(s.find("<title>spmv, proof 1, partition 0: 30.0 ms"), std::string::npos);
  EXPECT_NE(s.find("tlb_ipis_machine=12"), std::string::npos);  // measured counters in the tooltip
  EXPECT_EQ(s.find("dtlb_misses="), std::string::npos);         // NaN ones are left out
  // Lane labels in pipeline order.
  std::size_t last = 0;
  for (const char* lane : {">synth-0<", ">synth-pool<", ">gpu0.0<", ">gpu0.1<", ">prep<", ">groth16<", ">finalizer<",
                           ">dealloc-cpp<", ">dealloc-rust<"}) {
    const std::size_t at = s.find(lane);
    ASSERT_NE(at, std::string::npos) << lane;
    EXPECT_GT(at, last) << lane;
    last = at;
  }
  EXPECT_NE(s.find(">200 ms<"), std::string::npos);  // a 1.25 s batch: ticks every 200 ms
}

TEST(Waterfall, LogsWithoutStagesUseTimelineLanes) {
  RunData log = synthetic_run("prover.log", "");
  log.stages.clear();
  const std::vector<StageRow> rows = stage_rows_from_events(log.events);
  std::set<std::string> lanes;
  for (const auto& r : rows) lanes.insert(r.worker);
  EXPECT_EQ(lanes, (std::set<std::string>{"synth", "gpu0.0", "gpu0.1", "dealloc-cpp"}));
  EXPECT_EQ(rows.size(), 4u * 4u);  // synthesis, gpu, lock_held, dealloc_cpp per partition
  const std::string s = waterfall_svg(log);
  EXPECT_EQ(xml_error(s), "");
  EXPECT_NE(s.find(">synth<"), std::string::npos);
  EXPECT_EQ(count(s, "class=\"lock-held\""), 4u + 1u);
}

TEST(GpuTimeline, MarksIdleGapsAndTheLongest) {
  RunData run;
  run.id = "gaps";
  // Busy [0,10], [10.5,20] (0.5 ms hole: not a gap), [25,30] (5 ms), [50,60] (20 ms: the longest).
  const double spans[][2] = {{0, 10}, {10.5, 20}, {25, 30}, {50, 60}};
  for (int i = 0; i < 4; ++i) {
    const std::string d = "worker=0,partition=" + std::to_string(i);
    run.events.push_back({spans[i][0], "GPU_START", "proof-0", d});
    run.events.push_back({spans[i][1], "GPU_END", "proof-0", d + ",gpu_ms=1"});
  }
  run.metrics = compute_metrics(run.events);
  EXPECT_EQ(gpu_busy_spans(run.events).size(), 4u);
  const std::string s = gpu_timeline_svg(run);
  EXPECT_EQ(xml_error(s), "");
  EXPECT_EQ(count(s, "class=\"idle-gap\""), 2u);
  EXPECT_EQ(count(s, "class=\"busy\""), 4u);
  EXPECT_NE(s.find("longest idle 20.0 ms"), std::string::npos);
  EXPECT_NE(s.find("2 idle gaps"), std::string::npos);
}

TEST(Charts, SproofPerArmWithWhiskers) {
  std::vector<ArmSummary> sums;
  for (const auto& p : kPoints)
    for (const auto& a : kArms) sums.push_back(summary(p, a, "s_per_proof", 38, 37, 39));
  sums.push_back(summary("c=5 j=5", "baseline", "gpu_util", 0.8, 0.7, 0.9));  // other metrics are ignored
  const std::string s = sproof_vs_concurrency_svg(sums, "j");
  EXPECT_EQ(xml_error(s), "");
  EXPECT_EQ(count(s, "<circle"), 6u);
  EXPECT_EQ(count(s, "<path"), 2u);  // one line per arm
  EXPECT_NE(s.find("concurrency (j)"), std::string::npos);
  EXPECT_NE(s.find(">I1+I2+I3<"), std::string::npos);  // legend
  // Two points sharing j=15 fall back to positions in order.
  const std::vector<ArmSummary> dup = {summary("c=15 j=15", "baseline", "s_per_proof", 38, 37, 39),
                                       summary("c=20 j=15", "baseline", "s_per_proof", 38, 37, 39)};
  EXPECT_NE(sproof_vs_concurrency_svg(dup).find("sweep point"), std::string::npos);
  EXPECT_EQ(xml_error(sproof_vs_concurrency_svg({})), "");
}

TEST(Tables, StageInflationAgainstIsolation) {
  const std::vector<ArmSummary> sums = {
      summary("c=10 j=10", "baseline", "avg_gpu_per_partition_s", 6.0, 5.9, 6.1),
      summary("c=1 j=1", "baseline", "avg_gpu_per_partition_s", 4.9, 4.8, 5.0),
      summary("c=1 j=1", "baseline", "synthesis_ms_p50", 35000, 34000, 36000),
  };
  const Table t = stage_inflation_table(sums, "baseline");
  ASSERT_EQ(t.header, (std::vector<std::string>{"stage", "c=1 j=1 (isolation)", "c=10 j=10"}));
  ASSERT_EQ(t.rows.size(), 4u);  // metric_catalog's kGroupStage, in catalog order
  EXPECT_EQ(t.rows[0][0], "GPU per partition (mean)");
  EXPECT_EQ(t.rows[0][1], "4.90 s");
  EXPECT_EQ(t.rows[0][2], "4.90 s -> 6.00 s (+22.4%)");
  EXPECT_EQ(t.rows[1][0], "synthesis (p50)");
  EXPECT_EQ(t.rows[1][2], "n/a");
  EXPECT_EQ(xml_error("<div>" + html_table(t, "x") + "</div>"), "");
}

TEST(Tables, ExpectedResultsImprovementWithThePrimaryAnswer) {
  const std::vector<ArmSummary> sums = {summary("c=20 j=15", "baseline", "s_per_proof", 38.0, 37.5, 38.5),
                                        summary("c=20 j=15", "I1", "s_per_proof", 36.0, 35.5, 36.5),
                                        summary("c=20 j=15", "I1+I2+I3", "s_per_proof", 34.0, 33.5, 34.5)};
  PrimaryDecision d;
  d.point = "c=20 j=15";
  d.arm = "I1+I2+I3";
  d.decision.answer = Answer::kFaster;
  d.decision.change_pct = -10.5;
  d.decision.ci_pct = {-12.0, -9.0};
  const Table t = expected_results_table(sums, std::vector<PrimaryDecision>{d}, "baseline", "I1+I2+I3");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"c=20 j=15", "38.00 s [37.50, 38.50]", "34.00 s [33.50, 34.50]",
                                                 "10.5% [9.0, 12.0] faster"}));
  // Undecided with an unbounded interval: said in words, the open end as "..".
  d.decision.answer = Answer::kUndecided;
  d.decision.ci_pct = {-100.0, std::numeric_limits<double>::infinity()};
  const Table open = expected_results_table(sums, std::vector<PrimaryDecision>{d}, "baseline", "I1+I2+I3");
  EXPECT_EQ(open.rows[0][3], "10.5% [.., ..] undecided");
  // The other arm when asked for it (--after I1): no decision recorded for it reads n/a.
  const Table other = expected_results_table(sums, std::vector<PrimaryDecision>{d}, "baseline", "I1");
  EXPECT_EQ(other.rows[0][2], "36.00 s [35.50, 36.50]");
  EXPECT_EQ(other.rows[0][3], "n/a");
  const Table seed = seed_expected_table();
  ASSERT_EQ(seed.rows.size(), 5u);
  EXPECT_EQ(seed.rows[4], (std::vector<std::string>{"c=20 j=15", "38.0 s", "~34.0 s", "~11%"}));
}

TEST(Tables, CountersNotMeasuredReadNaWithNotes) {
  const std::vector<RunData> runs = {synthetic_run("a", ""), synthetic_run("b", "")};
  const Table from_runs = counters_table({}, runs);
  ASSERT_EQ(from_runs.rows.size(), 2u);
  const auto column = [&](std::string_view title) {
    return static_cast<std::size_t>(std::find(from_runs.header.begin(), from_runs.header.end(), title) -
                                    from_runs.header.begin());
  };
  ASSERT_LT(column("shootdowns (total)"), from_runs.header.size());
  EXPECT_EQ(from_runs.rows[0][column("shootdowns (total)")], "160");
  EXPECT_EQ(from_runs.rows[0][column("L3 misses / b_g2")], "n/a");  // NaN
  // The memory strategy's counts are columns too (they reach the reports; not measured here).
  ASSERT_LT(column("buffer releases"), from_runs.header.size());
  ASSERT_LT(column("arena slot waits"), from_runs.header.size());
  ASSERT_LT(column("AnonHugePages peak (MiB)"), from_runs.header.size());
  EXPECT_EQ(from_runs.rows[0][column("arena slot waits")], "n/a");
  ASSERT_EQ(from_runs.footnotes.size(), 2u);   // the legend and the runs' one shared note, once
  EXPECT_EQ(from_runs.footnotes[1], "Note: tier 2 (hardware events) unavailable: perf_event_paranoid = 3");
}

TEST(Markdown, TablesEscapePipes) {
  Table t;
  t.header = {"a|b", "c"};
  t.rows = {{"x", "y\nz"}};
  EXPECT_EQ(markdown_table(t), "| a\\|b | c |\n| --- | --- |\n| x | y z |\n");
}

TEST(MetricCatalog, EveryProducedRowIsDeclaredOnceWithItsUnit) {
  std::set<std::string> names;
  for (const auto& m : metric_catalog()) EXPECT_TRUE(names.insert(m.name).second) << "declared twice: " << m.name;
  for (const auto& r : metric_rows(RunMetrics{})) {
    const MetricInfo* m = find_metric(r.name);
    ASSERT_NE(m, nullptr) << r.name;
    EXPECT_EQ(m->unit, r.unit) << r.name;
  }
  EXPECT_THROW(metric_row("no_such_metric", 1), std::logic_error);
  EXPECT_EQ(metric_row("balance_rho", 0.5).unit, "ratio");  // a family declared by prefix
  EXPECT_EQ(metric_to_ms("avg_gpu_per_partition_s"), 1000.0);
  EXPECT_EQ(metric_to_ms("gpu_util"), 0.0);
  // The groups the tables filter: one primary metric, a short secondary family without it, memory
  // counts as mechanism evidence.
  EXPECT_EQ(metrics_in(kGroupPrimary), (std::vector<std::string>{"s_per_proof"}));
  const auto compared = metrics_in(kGroupCompared);
  EXPECT_EQ(std::find(compared.begin(), compared.end(), "s_per_proof"), compared.end());
  EXPECT_LE(compared.size(), 8u);
  for (const char* m : {"buffer_release_calls", "arena_slot_waits", "anon_huge_peak_mib", "buffers_recycled"}) {
    const auto mech = metrics_in(kGroupMechanism | kGroupCounters);
    EXPECT_NE(std::find(mech.begin(), mech.end(), m), mech.end()) << m;
  }
}

}  // namespace
}  // namespace zkc::analysis
