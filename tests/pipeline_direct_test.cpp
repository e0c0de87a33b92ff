// synthesis.path = direct on the ci profile: every pipeline invariant holds, a/b/c come from one
// direct_eval row per partition on its synthesis worker (no witness_copy, no spmv rows), and with I3
// on the flag is still set and cleared around every b_g2 but nothing reads it: no check, no yield.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"
#include "model/events.hpp"
#include "model/stages.hpp"
#include "tests/support/pipeline_invariants.hpp"

namespace zkc::harness {
namespace {

using namespace pipeline_test_support;

TEST(PipelineDirect, KeepsEveryInvariantWithoutSpmvAndWithoutYields) {
  const RunPlan plan =
      plan_for({"synthesis.path=\"direct\"", "interventions.membw_throttle=true", "interventions.throttle_check_chunks=1",
                "synthesis.chunk_rows=64", "batch.count=3", "batch.concurrency=3"});
  ASSERT_TRUE(direct_synthesis(plan));
  const EngineResult r = run(plan);
  check_invariants(plan, r);

  std::map<std::string, std::size_t> rows;
  for (const auto& s : r.spans) {
    ++rows[s.stage];
    if (s.stage == model::name(model::Stage::kDirectEval)) {
      EXPECT_EQ(model::lane_of_worker(s.worker), model::Lane::kSynthWorker) << s.worker;
    }
  }
  const std::size_t partitions = std::size_t{plan.proofs} * plan.partitions;
  EXPECT_EQ(rows[std::string(model::name(model::Stage::kDirectEval))], partitions);
  EXPECT_EQ(rows.count(std::string(model::name(model::Stage::kSpmv))), 0u);
  EXPECT_EQ(rows.count(std::string(model::name(model::Stage::kWitnessCopy))), 0u);
  EXPECT_EQ(rows[std::string(model::name(model::Stage::kWitnessGen))], partitions);

  // The C++ side still raises and lowers the flag around every b_g2; the yields are visible as 0.
  const Timeline t(r.events);
  EXPECT_EQ(t.count(std::string(model::name(model::Event::kThrottleSet))), partitions);
  EXPECT_EQ(t.count(std::string(model::name(model::Event::kThrottleClear))), partitions);
  std::size_t synth_ends = 0;
  for (const auto& e : r.events) {
    if (e.event != model::name(model::Event::kSynthEnd)) continue;
    ++synth_ends;
    EXPECT_EQ(analysis::detail_number(e.detail, "yields"), 0.0) << e.detail;
  }
  EXPECT_EQ(synth_ends, partitions);
  EXPECT_EQ(r.totals.throttle_yields, 0u);
  EXPECT_EQ(r.totals.throttle_checks, 0u);
  EXPECT_EQ(r.totals.spmv_chunks, 0u);
  EXPECT_EQ(analysis::compute_metrics(r.events).throttle_yields, 0u);
}

// The same plan on the PCE path reads the flag (the control for the test above: its checks are not 0).
TEST(PipelineDirect, ThePcePathChecksTheFlagAsBefore) {
  const RunPlan plan = plan_for({"interventions.membw_throttle=true", "interventions.throttle_check_chunks=1",
                                 "synthesis.chunk_rows=64", "batch.count=1", "batch.concurrency=1"});
  ASSERT_FALSE(direct_synthesis(plan));
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  EXPECT_GT(r.totals.throttle_checks, 0u);
  std::size_t spmv_rows = 0, direct_rows = 0;
  for (const auto& s : r.spans) {
    spmv_rows += s.stage == model::name(model::Stage::kSpmv);
    direct_rows += s.stage == model::name(model::Stage::kDirectEval);
  }
  EXPECT_EQ(spmv_rows, std::size_t{plan.partitions});
  EXPECT_EQ(direct_rows, 0u);
}

}  // namespace
}  // namespace zkc::harness
