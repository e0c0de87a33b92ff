// The scheduling mechanisms' metrics (analysis/metrics/schedule_metrics) on hand-worked timelines.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "analysis/report/schedule_svg.hpp"

namespace zkc::analysis {
namespace {

using Events = std::vector<TimelineEvent>;

void gpu_start(Events& ev, const std::string& job, int partition, double at) {
  ev.push_back({at, "GPU_START", job, "worker=0,partition=" + std::to_string(partition)});
}

TEST(ScheduleMetrics, InterleaveShareCountsOtherProofsBetweenAProofsFirstAndLastGpuStart) {
  // A0 B0 A1 B1: A's span A0..A1 holds B0 (1 of 3), B's span B0..B1 holds A1 (1 of 3): 1/3.
  Events mixed;
  gpu_start(mixed, "job-a", 0, 10);
  gpu_start(mixed, "job-b", 0, 20);
  gpu_start(mixed, "job-a", 1, 30);
  gpu_start(mixed, "job-b", 1, 40);
  EXPECT_NEAR(compute_metrics(mixed).interleave_share, 1.0 / 3.0, 1e-12);
  // A0 A1 B0 B1: back to back, 0.
  Events ordered;
  gpu_start(ordered, "job-a", 0, 10);
  gpu_start(ordered, "job-a", 1, 20);
  gpu_start(ordered, "job-b", 0, 30);
  gpu_start(ordered, "job-b", 1, 40);
  EXPECT_EQ(compute_metrics(ordered).interleave_share, 0.0);
  // One proof: nothing to interleave with.
  Events one;
  gpu_start(one, "job-a", 0, 10);
  gpu_start(one, "job-a", 1, 20);
  EXPECT_EQ(compute_metrics(one).interleave_share, 0.0);
}

TEST(ScheduleMetrics, ProofLatencyBudgetAndDispatch) {
  Events ev = {
      {0, "PROOF_START", "job-a", "partitions=2"},
      {5, "PROOF_START", "job-b", "partitions=2"},
      {6, "BUDGET_ACQUIRED", "job-a", "partition=0,bytes=10,held=10,total=40,waited_ms=2"},
      {7, "DISPATCH", "job-a", "partition=0,waiting=1,held=10,interval_ms=5,rate=1"},
      {8, "BUDGET_ACQUIRED", "job-a", "partition=1,bytes=10,held=20,total=40,waited_ms=4"},
      {9, "DISPATCH", "job-a", "partition=1,waiting=3,held=20,interval_ms=15,rate=2"},
      {50, "BUDGET_RELEASED", "job-a", "partition=0,bytes=12,held=8,total=40,at=prove_start"},
      {100, "PROOF_END", "job-a", "proof_ms=100"},
      {150, "PROOF_END", "job-b", "proof_ms=145"},
  };
  const RunMetrics m = compute_metrics(ev);
  // Latencies 100 and 145: mean 122.5, p50 (linear between the two ranks) 122.5, max 145.
  EXPECT_EQ(m.proof_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.proof_ms.mean, 122.5);
  EXPECT_DOUBLE_EQ(m.proof_ms.p50, 122.5);
  EXPECT_DOUBLE_EQ(m.proof_ms.max, 145.0);
  EXPECT_DOUBLE_EQ(m.budget_peak_share, 0.5);  // held 20 of 40 at most
  EXPECT_EQ(m.budget_wait_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.budget_wait_ms.mean, 3.0);
  EXPECT_DOUBLE_EQ(m.dispatch_interval_ms, 10.0);
  EXPECT_DOUBLE_EQ(m.pacer_rate, 1.5);
  EXPECT_DOUBLE_EQ(m.dispatch_gpu_waiting, 2.0);
}

TEST(ScheduleMetrics, ALogWithoutProofEventsTakesFirstSynthesisToLastGpuEnd) {
  Events ev = {
      {10, "SYNTH_START", "job-a", "partition=0"},
      {12, "SYNTH_START", "job-a", "partition=1"},
      {90, "GPU_END", "job-a", "worker=0,partition=0,gpu_ms=20"},
      {130, "GPU_END", "job-a", "worker=0,partition=1,gpu_ms=20"},
  };
  const RunMetrics m = compute_metrics(ev, {.partitions_per_proof = 2});
  ASSERT_EQ(m.proof_ms.count, 1u);
  EXPECT_DOUBLE_EQ(m.proof_ms.max, 120.0);
}

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(ScheduleSvg, OneBarPerProofADispatchTickEachAndNothingForOneProofWithoutABudget) {
  RunData one;
  one.id = "one";
  one.events = {{0, "SYNTH_START", "job-a", "partition=0"}, {50, "GPU_END", "job-a", "worker=0,partition=0,gpu_ms=5"}};
  EXPECT_FALSE(has_schedule(one));
  RunData two;
  two.id = "two";
  two.events = {{0, "SYNTH_START", "job-a", "partition=0"},
                {1, "BUDGET_ACQUIRED", "job-a", "partition=0,bytes=1,held=1,total=2,waited_ms=0"},
                {2, "DISPATCH", "job-a", "partition=0,waiting=0,held=1"},
                {3, "SYNTH_START", "job-b", "partition=0"},
                {4, "DISPATCH", "job-b", "partition=0,waiting=0,held=2"},
                {20, "GPU_QUEUE", "job-a", "partition=0"},
                {21, "GPU_PICKUP", "job-a", "worker=0,partition=0"},
                {40, "GPU_END", "job-a", "worker=0,partition=0,gpu_ms=19"},
                {60, "GPU_END", "job-b", "worker=0,partition=0,gpu_ms=19"}};
  two.metrics = compute_metrics(two.events);
  ASSERT_TRUE(has_schedule(two));
  const std::string svg = schedule_svg(two);
  EXPECT_EQ(count_of(svg, "class=\"proof\""), 2u) << svg;
  EXPECT_EQ(count_of(svg, "class=\"dispatch\""), 2u);
  EXPECT_NE(svg.find("GPU queue (max 1)"), std::string::npos);
  EXPECT_NE(svg.find("budget held"), std::string::npos);
}

}  // namespace
}  // namespace zkc::analysis
