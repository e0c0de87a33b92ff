// explain's arithmetic on synthetic stage tables (no timing): a row's time split into on-CPU, run
// queue, pipeline wait and remainder; means over groups; inflation parts that add up to the inflation;
// the isolation reference of an A/B and of a sweep; arms compared by cause; attribution.csv; the
// report section.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "analysis/csv/csv.hpp"
#include "analysis/explain/attribution.hpp"
#include "analysis/explain/attribution_tables.hpp"
#include "analysis/explain/stage_parts.hpp"
#include "analysis/report/report_sections.hpp"

namespace {

using namespace zkc::analysis;

// A row of `stage` lasting dur ms whose thread(s) were on-CPU cpu ms and runnable-but-waiting rq ms;
// negative cpu = no scheduler columns.
StageRow row(const std::string& stage, double dur, double cpu, double rq, std::map<std::string, double> extra = {}) {
  StageRow r;
  r.stage = stage;
  r.start_ms = 100;
  r.end_ms = 100 + dur;
  r.counters = std::move(extra);
  if (cpu >= 0) {
    r.counters["sched_on_cpu_ns"] = cpu * 1e6;
    r.counters["sched_run_queue_ns"] = rq * 1e6;
  }
  return r;
}

RunData run(const std::string& id, std::size_t proofs, std::vector<StageRow> rows) {
  RunData r;
  r.id = id;
  r.metrics.proofs_completed = proofs;
  r.stages = std::move(rows);
  return r;
}

const Attribution& of(const std::vector<Attribution>& all, const std::string& arm, const std::string& stage) {
  for (const auto& a : all)
    if (a.arm == arm && a.stage == stage) return a;
  throw std::runtime_error("no row " + arm + " " + stage);
}

TEST(RowParts, AThreadsTimeIsOnCpuRunQueueAndTheRest) {
  const RowParts p = row_parts(row("witness_gen", 100, 60, 30), StageKind::Role::kWork);
  EXPECT_TRUE(p.accounted);
  EXPECT_DOUBLE_EQ(p.on_cpu, 60);
  EXPECT_DOUBLE_EQ(p.run_queue, 30);
  EXPECT_DOUBLE_EQ(p.wait, 0);
  EXPECT_DOUBLE_EQ(p.rest, 10);  // off-CPU, not recorded as a wait
  EXPECT_DOUBLE_EQ(p.width, 1);
}

TEST(RowParts, APoolJobOnTwoThreadsIsBroughtBackToWallTime) {
  // 80 ms on-CPU + 20 ms queued over 50 ms of wall time: two threads at once.
  const RowParts p = row_parts(row("spmv", 50, 80, 20), StageKind::Role::kWork);
  EXPECT_DOUBLE_EQ(p.width, 2);
  EXPECT_DOUBLE_EQ(p.on_cpu, 40);
  EXPECT_DOUBLE_EQ(p.run_queue, 10);
  EXPECT_DOUBLE_EQ(p.rest, 0);
  EXPECT_DOUBLE_EQ(p.on_cpu + p.run_queue + p.wait + p.rest, p.dur);
}

TEST(RowParts, AWaitStagesOffCpuTimeIsAPipelineWaitAccountedOrNot) {
  const RowParts lock = row_parts(row("lock_wait", 20, 1, 2), StageKind::Role::kWait);
  EXPECT_DOUBLE_EQ(lock.wait, 17);
  EXPECT_DOUBLE_EQ(lock.rest, 0);
  const RowParts queue = row_parts(row("prep_queue", 12, -1, 0), StageKind::Role::kWait);
  EXPECT_FALSE(queue.accounted);
  EXPECT_DOUBLE_EQ(queue.wait, 12);
  const RowParts sim = row_parts(row("ntt_msm_h", 9, -1, 0), StageKind::Role::kWork);
  EXPECT_DOUBLE_EQ(sim.rest, 9);  // no thread of its own: unexplained, said so
}

TEST(StageParts, MeansPerRowInPipelineOrderWithoutCompositesAndEvidenceOnlyWhenEveryRowHasIt) {
  const RunData a = run("a", 2, {row("spmv", 50, 80, 20, {{"page_faults", 10}}), row("synthesis", 300, -1, 0),
                                 row("witness_gen", 100, 60, 30, {{"page_faults", 4}, {"tlb_flush_remote_shootdown", 3}}),
                                 row("witness_gen", 200, 100, 90, {{"page_faults", 6}, {"tlb_flush_remote_shootdown", 5}})});
  const RunData b = run("b", 2, {row("spmv", 30, 20, 0)});  // spmv without page faults here
  const std::vector<const RunData*> runs{&a, &b};
  const auto parts = stage_parts(runs);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].stage, "witness_gen");  // pipeline order, synthesis (composite) left out
  EXPECT_EQ(parts[1].stage, "spmv");
  const StageParts& w = parts[0];
  EXPECT_EQ(w.rows, 2u);
  EXPECT_DOUBLE_EQ(w.dur_ms, 150);
  EXPECT_DOUBLE_EQ(w.on_cpu_ms, 80);
  EXPECT_DOUBLE_EQ(w.run_queue_ms, 60);
  EXPECT_DOUBLE_EQ(w.rest_ms, 10);  // (10 + 10) / 2
  EXPECT_DOUBLE_EQ(w.evidence.at("page_faults"), 5);
  EXPECT_DOUBLE_EQ(w.evidence.at("tlb_flush_remote_shootdown"), 8 / 0.16);  // per second on-CPU
  EXPECT_DOUBLE_EQ(w.rows_per_proof(), 1);  // 2 rows over run a's 2 proofs
  const StageParts& s = parts[1];
  EXPECT_EQ(s.rows, 2u);
  EXPECT_DOUBLE_EQ(s.proofs, 4);
  EXPECT_DOUBLE_EQ(s.dur_ms, 40);
  EXPECT_DOUBLE_EQ(s.on_cpu_ms, (40 + 20) / 2.0);
  EXPECT_EQ(s.evidence.count("page_faults"), 0u);  // one of two rows measured it: no mean
}

// Isolation: witness_gen 100 ms all on-CPU. Loaded (6 syntheses on 2 cores): 300 ms, of which 130 on
// CPU, 160 in the run queue, 10 off-CPU.
ReportInput ab_with_isolation() {
  ReportInput in;
  in.runs.push_back(run("baseline-r0", 1, {row("witness_gen", 300, 130, 160, {{"page_faults", 200}}),
                                           row("lock_wait", 40, 0.5, 0.5), row("spmv", 50, 40, 60)}));
  in.runs.push_back(run("I2-r0", 1, {row("witness_gen", 200, 110, 80, {{"page_faults", 20}}),
                                     row("lock_wait", 10, 0.5, 0.5), row("spmv", 50, 40, 10)}));
  in.measurements = {{"", "baseline", 0, "s_per_proof", 1.0, "runs/baseline-r0"},
                     {"", "I2", 0, "s_per_proof", 0.9, "runs/I2-r0"}};
  in.isolation.push_back({"baseline", run("baseline-r0", 1, {row("witness_gen", 100, 100, 0, {{"page_faults", 200}}),
                                                             row("lock_wait", 5, 0.5, 0.5), row("spmv", 40, 40, 0)})});
  in.isolation.push_back({"I2", run("I2-r0", 1, {row("witness_gen", 100, 100, 0, {{"page_faults", 20}}),
                                                 row("lock_wait", 5, 0.5, 0.5), row("spmv", 40, 40, 0)})});
  return in;
}

TEST(Attribution, PartsAddUpToTheInflationAndRunQueueIsMeasuredNotGuessed) {
  const ReportInput in = ab_with_isolation();
  const auto groups = explain_groups(in);
  EXPECT_TRUE(groups.missing.empty());
  ASSERT_EQ(groups.loaded.size(), 2u);
  ASSERT_EQ(groups.reference.size(), 2u);
  const auto rows = attribute(groups);
  ASSERT_EQ(rows.size(), 6u);
  for (const auto& a : rows) {
    double sum = 0;
    for (const PartSpec& p : kParts) sum += (a.*p.delta)();
    EXPECT_NEAR(sum, a.inflation(), 1e-9) << a.arm << " " << a.stage;
  }
  EXPECT_EQ(rows[0].stage, "witness_gen");  // pipeline order
  EXPECT_EQ(rows[1].stage, "spmv");
  EXPECT_EQ(rows[2].stage, "lock_wait");
  const Attribution& w = of(rows, "baseline", "witness_gen");
  EXPECT_DOUBLE_EQ(w.inflation(), 200);
  EXPECT_DOUBLE_EQ(w.run_queue(), 160);  // 80% of the inflation: CPU starvation
  EXPECT_DOUBLE_EQ(w.on_cpu(), 30);
  EXPECT_DOUBLE_EQ(w.remainder(), 10);
  EXPECT_DOUBLE_EQ(w.wait(), 0);
  EXPECT_DOUBLE_EQ(of(rows, "baseline", "lock_wait").wait(), 35);
  // A pool job whose thread time (100 ms) is twice its wall time ran on two threads: halved.
  const Attribution& spmv = of(rows, "baseline", "spmv");
  EXPECT_DOUBLE_EQ(spmv.run_queue(), 30);
  EXPECT_DOUBLE_EQ(spmv.on_cpu(), -20);
}

TEST(Attribution, ASweepsIsolationPointIsTheReferenceAndAnArmWithoutOneIsNamed) {
  ReportInput in;
  in.runs.push_back(run("p1", 1, {row("witness_gen", 100, 100, 0)}));
  in.runs.push_back(run("p6", 1, {row("witness_gen", 250, 100, 150)}));
  in.runs.push_back(run("q6", 1, {row("witness_gen", 250, 100, 150)}));
  in.measurements = {{"c=1 j=1 pw=1", "baseline", 0, "s_per_proof", 1, "runs/p1"},
                     {"c=2 j=2 pw=6", "baseline", 0, "s_per_proof", 1, "runs/p6"},
                     {"c=2 j=2 pw=6", "other", 0, "s_per_proof", 1, "runs/q6"}};
  const auto groups = explain_groups(in);
  ASSERT_EQ(groups.reference.size(), 1u);
  EXPECT_EQ(groups.reference[0].point, "c=1 j=1 pw=1");
  ASSERT_EQ(groups.loaded.size(), 2u);
  ASSERT_EQ(groups.missing.size(), 1u);
  EXPECT_NE(groups.missing[0].find("arm other"), std::string::npos) << groups.missing[0];
  const auto rows = attribute(groups);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].point, "c=2 j=2 pw=6");
  EXPECT_DOUBLE_EQ(rows[0].run_queue() / rows[0].inflation(), 1.0);
}

TEST(Causes, EachArmNamesThePartItReducedAndGrewMostPerProofAndTheCounterThatMoved) {
  const auto rows = attribute(explain_groups(ab_with_isolation()));
  const auto causes = causes_by_arm(rows, "baseline");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].arm, "I2");
  // Baseline's witness_gen run-queue inflation 160 ms per proof, I2's 80: -80 ms.
  EXPECT_EQ(causes[0].reduced, "run queue (CPU starvation) of witness_gen: -80.0 ms per proof (+160 ms -> +80.0 ms)");
  // Baseline's spmv ran two threads wide at half its on-CPU share of wall time; I2's one thread wide.
  EXPECT_EQ(causes[0].grew, "on-CPU growth of spmv: +20.0 ms per proof (-20.0 ms -> +0.00 ms)");
  EXPECT_EQ(causes[0].evidence, "page faults /row in witness_gen: 200 -> 20 (-90%)");
}

TEST(Causes, CountsUnderOnePerRowAreNotEvidence) {
  ReportInput in = ab_with_isolation();
  for (auto& r : in.runs) r.stages[0].counters["page_faults"] = r.id == "I2-r0" ? 0.2 : 0.9;
  for (auto& iso : in.isolation) iso.run.stages[0].counters["page_faults"] = 0.5;
  const auto causes = causes_by_arm(attribute(explain_groups(in)), "baseline");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].evidence, "");
}

TEST(AttributionCsv, OneRowPerPointArmStageWithTheHeadersColumnCount) {
  const auto rows = attribute(explain_groups(ab_with_isolation()));
  const auto records = parse_csv(attribution_csv(rows), "attribution.csv");
  ASSERT_EQ(records.size(), rows.size() + 1);
  const auto& h = records[0].fields;
  for (const char* col : {"point", "arm", "stage", "isolation_ms", "loaded_ms", "inflation_ms", "run_queue_ms",
                          "wait_ms", "on_cpu_ms", "remainder_ms", "page_faults_isolation", "page_faults_loaded"})
    EXPECT_NE(std::find(h.begin(), h.end(), col), h.end()) << col;
  for (const auto& r : records) EXPECT_EQ(r.fields.size(), h.size());
  const auto col = [&](const char* name) { return std::find(h.begin(), h.end(), name) - h.begin(); };
  const auto& first = records[1].fields;
  EXPECT_EQ(first[col("stage")], "witness_gen");
  EXPECT_EQ(first[col("run_queue_ms")], "160.0000");
  EXPECT_EQ(first[col("inflation_ms")], "200.0000");
  EXPECT_EQ(first[col("page_faults_loaded")], "200");
  EXPECT_EQ(first[col("l3_misses_loaded")], "");  // not measured
}

TEST(ReportSection, ExplainShowsBarsAndTheTableWithAReferenceAndSaysHowToGetOneWithout) {
  const auto find = [](const std::vector<Section>& s) -> const Section& {
    for (const auto& x : s)
      if (x.id == "explain") return x;
    throw std::runtime_error("no explain section");
  };
  const auto with = report_sections(ab_with_isolation());
  const Section& e = find(with);
  bool svg = false, table = false;
  for (const auto& b : e.blocks) {
    svg = svg || b.svg.find("attribution-chart") != std::string::npos;
    table = table || b.css == "attribution";
  }
  EXPECT_TRUE(svg);
  EXPECT_TRUE(table);
  ReportInput without = ab_with_isolation();
  without.isolation.clear();
  const auto without_sections = report_sections(without);
  const Section& n = find(without_sections);
  ASSERT_FALSE(n.blocks.empty());
  EXPECT_NE(n.blocks[0].text.find("--isolation"), std::string::npos);
  // The verdict names what each arm changed, by cause, when there is a reference.
  bool causes = false;
  for (const auto& b : with.front().blocks) causes = causes || b.css == "causes";
  EXPECT_TRUE(causes);
}

}  // namespace

namespace {

TEST(Causes, SchedulerCountersAreNotNamedAsAMemoryCause) {
  ReportInput in = ab_with_isolation();
  // I2 cuts preemptions by 95%, a bigger relative move than its page faults' 90%.
  for (auto& r : in.runs) r.stages[0].counters["involuntary_switches"] = r.id == "I2-r0" ? 5 : 100;
  for (auto& iso : in.isolation) iso.run.stages[0].counters["involuntary_switches"] = 1;
  const auto causes = causes_by_arm(attribute(explain_groups(in)), "baseline");
  ASSERT_EQ(causes.size(), 1u);
  EXPECT_EQ(causes[0].evidence, "page faults /row in witness_gen: 200 -> 20 (-90%)");
}

}  // namespace

namespace {

TEST(Attribution, GroupsFollowTheBaselineThenTheArmsAsDeclaredNotTheRunOrder) {
  ReportInput in = ab_with_isolation();
  std::swap(in.measurements[0], in.measurements[1]);  // I2 ran first
  in.arms = {{"I2", {"gpus.gpu_threads=1"}}, {"baseline", {}}};  // declared first, still after the baseline
  const auto groups = explain_groups(in);
  ASSERT_EQ(groups.loaded.size(), 2u);
  EXPECT_EQ(groups.loaded[0].arm, "baseline");
  EXPECT_EQ(groups.loaded[1].arm, "I2");
}

}  // namespace

namespace {

TEST(StageParts, APoolStagesQueueingStaysOffCpuNotOnCpuGrowth) {
  // spmv on a 2-thread pool: the same 100 ms of CPU in both, filling the pool in isolation (50 ms of
  // wall time) and waiting for it under load (100 ms).
  RunData iso = run("iso", 1, {row("spmv", 50, 100, 0)});
  RunData loaded = run("loaded", 1, {row("spmv", 100, 100, 0)});
  iso.config["synthesis.threads"] = loaded.config["synthesis.threads"] = "2";
  ReportInput in;
  in.runs = {loaded};
  in.measurements = {{"", "baseline", 0, "s_per_proof", 1, "runs/loaded"}};
  in.isolation.push_back({"baseline", iso});
  const auto rows = attribute(explain_groups(in));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_DOUBLE_EQ(rows[0].loaded.width, 2);
  EXPECT_DOUBLE_EQ(rows[0].on_cpu(), 0);
  EXPECT_DOUBLE_EQ(rows[0].remainder(), 50);
}

TEST(Attribution, ASweepPointTakesTheIsolationPointWithItsOtherSettingsAndRefusesToGuess) {
  ReportInput in;
  for (const char* id : {"i2", "i8", "l8", "l4"}) in.runs.push_back(run(id, 1, {row("witness_gen", 100, 100, 0)}));
  in.runs[1].stages[0].end_ms += 10;  // the P=8 isolation point is 110 ms
  in.measurements = {{"c=1 j=1 P=2", "baseline", 0, "s_per_proof", 1, "runs/i2"},
                     {"c=1 j=1 P=8", "baseline", 0, "s_per_proof", 1, "runs/i8"},
                     {"c=4 j=4 P=8", "baseline", 0, "s_per_proof", 1, "runs/l8"},
                     {"c=4 j=4 P=4", "baseline", 0, "s_per_proof", 1, "runs/l4"}};
  const auto groups = explain_groups(in);
  const auto rows = attribute(groups);
  ASSERT_EQ(rows.size(), 1u);  // P=4 has no reference of its own and two to guess from
  EXPECT_EQ(rows[0].point, "c=4 j=4 P=8");
  EXPECT_EQ(rows[0].reference, "c=1 j=1 P=8");
  EXPECT_DOUBLE_EQ(rows[0].isolation.dur_ms, 110);
  ASSERT_EQ(groups.missing.size(), 1u);
  EXPECT_NE(groups.missing[0].find("several c=1 j=1 points"), std::string::npos) << groups.missing[0];
}

}  // namespace
