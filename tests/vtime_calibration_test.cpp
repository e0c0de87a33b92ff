// Cost calibration (harness/vtime/cost_calibration): costs taken from a measured run's medians are
// scaled until the model, on that run's own configuration and under contention, gives the medians
// back. Checked on a "measured" run that is itself a virtual run with known costs: from costs that
// are off (the medians as costs, which double-count the run's own contention), the calibration
// recovers stage medians within 0.5%, and the model then reproduces that run's s/proof.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/vtime/cost_calibration.hpp"
#include "tests/support/ci_plan.hpp"
#include "tests/support/vtime_costs.hpp"

namespace zkc::harness::vtime {
namespace {

model::RunData as_measured(const EngineResult& r) {
  model::RunData d;
  d.id = "virtual-as-measured";
  for (const auto& s : r.spans) d.stages.push_back({s.proof, s.partition, s.stage, s.start_ms, s.end_ms, s.worker, {}});
  return d;
}

double median_of(const std::vector<model::StageRow>& rows, const std::string& stage) {
  std::vector<double> v;
  for (const auto& r : rows)
    if (r.stage == stage) v.push_back(r.end_ms - r.start_ms);
  std::sort(v.begin(), v.end());
  return v.empty() ? 0 : v[v.size() / 2];
}

TEST(CostCalibration, RecoversTheMeasuredMediansUnderContentionAndTheRunsThroughput) {
  // Two cores, two partitions synthesizing at once: the "measured" run's stages are slowed by CPU
  // sharing, so its medians are not what the stages cost alone.
  const RunPlan plan = test::ci_plan({"batch.count=1", "batch.concurrency=1"});
  const MachineParams machine = test::machine_with_cores(2);
  ContentionSwitches cpu_only = ContentionSwitches::none();
  cpu_only.cpu = true;
  const CostModel truth = test::round_costs();
  const EngineResult measured = run_virtual(plan, {truth, machine, cpu_only, 1});
  const model::RunData run = as_measured(measured);

  // The medians taken as costs alone (what cost_from_run reads) are too high somewhere...
  CostModel naive = truth;
  for (auto& [stage, cost] : naive.host) {
    const double m = median_of(run.stages, std::string(model::name(stage)));
    if (m > 0) cost.ms = m * cost.threads / std::max(cost.threads, 1.0);
  }
  const EngineResult twice = run_virtual(plan, {naive, machine, cpu_only, 1});
  const auto sproof = [&](const EngineResult& r) {
    analysis::MetricsOptions mo;
    mo.partitions_per_proof = plan.partitions;
    return analysis::compute_metrics(r.events, mo).s_per_proof;
  };
  EXPECT_GT(sproof(twice), sproof(measured) * 1.01) << "the medians as costs should count the contention twice";

  // ...and calibrated, the model gives the run back.
  const Calibration cal = calibrate_to_run(naive, plan, run, machine, cpu_only);
  EXPECT_LT(cal.worst_error, 0.005);
  EXPECT_LE(cal.iterations, 8);
  const EngineResult again = run_virtual(plan, {cal.costs, machine, cpu_only, 1});
  const model::RunData back = as_measured(again);
  for (const auto& [stage, cost] : truth.host) {
    const std::string name(model::name(stage));
    const double m = median_of(run.stages, name);
    if (m <= 0) continue;
    EXPECT_NEAR(median_of(back.stages, name) / m, 1.0, 0.01) << name;
  }
  EXPECT_NEAR(sproof(again) / sproof(measured), 1.0, 0.01);
}

}  // namespace
}  // namespace zkc::harness::vtime
