// RunMetrics from hand-built timelines with known answers: the real prover's metric definitions
// (s/proof, avg prove, GPU util as a union, idle gaps, numpy percentiles, dealloc concurrency).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "analysis/metrics/windowed_rate.hpp"

namespace zkc::analysis {
namespace {

using Events = std::vector<TimelineEvent>;

std::string part(int n) { return "partition=" + std::to_string(n); }

// GPU_START/GPU_END of one partition, gpu_ms = end - start.
void gpu(Events& ev, const std::string& job, int partition, double start, double end, int worker = 0) {
  const std::string w = "worker=" + std::to_string(worker) + "," + part(partition);
  ev.push_back({start, "GPU_START", job, w});
  ev.push_back({end, "GPU_END", job, w + ",gpu_ms=" + std::to_string(end - start)});
}

void dealloc(Events& ev, const std::string& side, const std::string& job, int partition, double start, double end) {
  const std::string d = "side=" + side + "," + part(partition);
  ev.push_back({start, "DEALLOC_START", job, d});
  ev.push_back({end, "DEALLOC_END", job, d + ",dealloc_ms=" + std::to_string(end - start)});
}

double row(const std::vector<MetricRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return r.value;
  ADD_FAILURE() << "no metric row " << name;
  return -1;
}

TEST(Percentile, MatchesNumpyLinear) {
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0.95), 3.85);
  EXPECT_DOUBLE_EQ(percentile({4, 1, 3, 2}, 0.5), 2.5);  // unsorted input
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 0.0), 1.0);
  EXPECT_DOUBLE_EQ(percentile({1, 2, 3, 4}, 1.0), 4.0);
  EXPECT_DOUBLE_EQ(percentile({10, 20, 30, 40, 50}, 0.95), 48.0);  // numpy: 48.0
  EXPECT_DOUBLE_EQ(percentile({7}, 0.95), 7.0);
  EXPECT_DOUBLE_EQ(percentile({}, 0.5), 0.0);
}

TEST(Percentile, DescribeGivesCountMeanPercentilesMax) {
  const Distribution d = describe({3, 1, 2, 4});
  EXPECT_EQ(d.count, 4u);
  EXPECT_DOUBLE_EQ(d.mean, 2.5);
  EXPECT_DOUBLE_EQ(d.p50, 2.5);
  EXPECT_DOUBLE_EQ(d.p95, 3.85);
  EXPECT_DOUBLE_EQ(d.max, 4.0);
  const Distribution empty = describe({});
  EXPECT_EQ(empty.count, 0u);
  EXPECT_EQ(empty.mean, 0.0);
  EXPECT_EQ(empty.max, 0.0);
}

TEST(RunMetrics, EmptyTimelineIsAllZero) {
  const RunMetrics m = compute_metrics({});
  EXPECT_EQ(m.proofs_completed, 0u);
  EXPECT_EQ(m.s_per_proof, 0.0);
  EXPECT_EQ(m.gpu_util, 0.0);
}

TEST(RunMetrics, ProofSpanSecondsPerProofAndAvgProve) {
  Events ev;
  ev.push_back({100, "PROOF_START", "p0", "partitions=2"});
  ev.push_back({150, "PROOF_START", "p1", "partitions=2"});
  gpu(ev, "p0", 0, 200, 300);  // p0: 100 + 200 = 300 ms
  gpu(ev, "p0", 1, 300, 500);
  gpu(ev, "p1", 0, 600, 700);  // p1: 100 + 300 = 400 ms
  gpu(ev, "p1", 1, 700, 1000);
  ev.push_back({550, "PROOF_END", "p0", "proof_ms=450"});
  ev.push_back({2100, "PROOF_END", "p1", "proof_ms=1950"});
  ev.push_back({3000, "SOMETHING_LATE", "p1", ""});  // outside the proof span: not counted

  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.proofs_completed, 2u);
  EXPECT_EQ(m.partitions_completed, 4u);
  EXPECT_DOUBLE_EQ(m.batch_elapsed_ms, 2000.0);
  EXPECT_DOUBLE_EQ(m.s_per_proof, 1.0);
  // Without the fill (100 -> 550): the spacing of completions after the first, (2100 - 550) / 1.
  EXPECT_DOUBLE_EQ(m.fill_ms, 450.0);
  EXPECT_DOUBLE_EQ(m.steady_s_per_proof, 1.55);
  EXPECT_DOUBLE_EQ(m.avg_prove_s, 0.35);
  EXPECT_DOUBLE_EQ(m.avg_gpu_per_partition_s, 0.175);
  // Busy: [200, 500] and [600, 1000] = 700 ms of 2000.
  EXPECT_DOUBLE_EQ(m.gpu_util, 0.35);
  EXPECT_EQ(m.idle_gaps.count, 1u);
  EXPECT_DOUBLE_EQ(m.idle_gaps.total_ms, 100.0);
  EXPECT_DOUBLE_EQ(m.idle_gaps.longest_ms, 100.0);
}

TEST(RunMetrics, GpuUtilIsUnionOfOverlappingIntervals) {
  Events ev;
  gpu(ev, "p0", 0, 0, 100, 0);
  gpu(ev, "p0", 1, 50, 150, 1);    // overlaps the first: union [0, 150]
  gpu(ev, "p0", 2, 120, 130, 0);   // nested
  gpu(ev, "p0", 3, 200, 300, 1);   // gap 50
  ev.push_back({0, "PROOF_START", "p0", "partitions=4"});
  ev.push_back({400, "PROOF_END", "p0", ""});
  const RunMetrics m = compute_metrics(ev);
  EXPECT_DOUBLE_EQ(m.gpu_util, 250.0 / 400.0);
  EXPECT_EQ(m.idle_gaps.count, 1u);
  EXPECT_DOUBLE_EQ(m.idle_gaps.total_ms, 50.0);
}

TEST(RunMetrics, IdleGapsBelowThresholdAreIgnored) {
  Events ev;
  gpu(ev, "p0", 0, 0, 10);
  gpu(ev, "p0", 1, 10.5, 20);   // hole 0.5 < 1 ms
  gpu(ev, "p0", 2, 21, 30);     // hole 1.0 == threshold: counted
  gpu(ev, "p0", 3, 35, 40);     // hole 5
  gpu(ev, "p0", 4, 40, 50);     // touching: no hole
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.idle_gaps.count, 2u);
  EXPECT_DOUBLE_EQ(m.idle_gaps.total_ms, 6.0);
  EXPECT_DOUBLE_EQ(m.idle_gaps.longest_ms, 5.0);

  const RunMetrics strict = compute_metrics(ev, {.idle_gap_min_ms = 2.0});
  EXPECT_EQ(strict.idle_gaps.count, 1u);
  EXPECT_DOUBLE_EQ(strict.idle_gaps.total_ms, 5.0);
}

TEST(RunMetrics, WithoutProofEventsFallsBackToSpanAndPartitionsPerProof) {
  Events ev;
  ev.push_back({0, "SYNTH_START", "p0", part(0)});
  for (int i = 0; i < 4; ++i) gpu(ev, "p0", i, 100.0 * (i + 1), 100.0 * (i + 1) + 50);
  ev.push_back({1000, "GPU_END", "p1", "worker=0,partition=0,gpu_ms=50"});  // last event: span = 1000
  const RunMetrics m = compute_metrics(ev, {.partitions_per_proof = 2});
  EXPECT_DOUBLE_EQ(m.batch_elapsed_ms, 1000.0);
  EXPECT_EQ(m.partitions_completed, 5u);
  EXPECT_EQ(m.proofs_completed, 1u);          // p0's partitions all ended; p1 has 1 of 2
  EXPECT_DOUBLE_EQ(m.s_per_proof, 1.0);       // a proof counts when all its partitions ended
  EXPECT_DOUBLE_EQ(m.avg_prove_s, (200.0 + 50.0) / 2 / 1000);
}

TEST(RunMetrics, LockUtilAndLockWait) {
  Events ev;
  ev.push_back({0, "PROOF_START", "p0", ""});
  ev.push_back({10, "LOCK_ACQUIRED", "p0", "worker=0,partition=0,device=0,wait_ms=10"});
  ev.push_back({60, "LOCK_RELEASED", "p0", "worker=0,partition=0,device=0,held_ms=50"});
  ev.push_back({80, "LOCK_ACQUIRED", "p0", "worker=1,partition=1,device=0,wait_ms=30"});
  ev.push_back({100, "LOCK_RELEASED", "p0", "worker=1,partition=1,device=0,held_ms=20"});
  ev.push_back({200, "PROOF_END", "p0", ""});
  const RunMetrics m = compute_metrics(ev);
  EXPECT_DOUBLE_EQ(m.lock_util, 70.0 / 200.0);
  EXPECT_EQ(m.lock_wait_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.lock_wait_ms.mean, 20.0);
  EXPECT_DOUBLE_EQ(m.lock_wait_ms.max, 30.0);
}

// From the unlock to GPU_END the worker waits for b_g2 (inline finalize): its share of GPU time says
// whether b_g2 is hidden behind the GPU as in the seed system.
TEST(RunMetrics, PostLockIsGpuEndAfterTheUnlockPerPartition) {
  Events ev;
  gpu(ev, "p0", 0, 0, 100);
  ev.push_back({90, "LOCK_RELEASED", "p0", "worker=0,partition=0,device=0,held_ms=80"});
  gpu(ev, "p0", 1, 50, 250, 1);
  ev.push_back({200, "LOCK_RELEASED", "p0", "worker=1,partition=1,device=0,held_ms=100"});
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.post_lock_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.post_lock_ms.max, 50.0);
  EXPECT_DOUBLE_EQ(m.post_lock_share, (10.0 + 50.0) / (100.0 + 200.0));
  EXPECT_DOUBLE_EQ(row(metric_rows(m), "post_lock_share"), m.post_lock_share);
}

// The real prover's global flag: stored 1 before each b_g2 and 0 after, so when two b_g2s overlap the
// first one's end clears the flag under the second.
TEST(RunMetrics, ThrottleUpShareFollowsTheFlagsValue) {
  Events ev;
  const auto b_g2 = [&](int partition, double start, double end) {
    ev.push_back({start, "BG2_START", "p0", "worker=0," + part(partition)});
    ev.push_back({end, "BG2_END", "p0", "worker=0," + part(partition) + ",b_g2_ms=" + std::to_string(end - start)});
  };
  b_g2(0, 0, 100);
  b_g2(1, 50, 150);
  ev.push_back({0, "THROTTLE_SET", "p0", "worker=0,partition=0,flag=1"});
  ev.push_back({50, "THROTTLE_SET", "p0", "worker=1,partition=1,flag=1"});
  ev.push_back({100, "THROTTLE_CLEAR", "p0", "worker=0,partition=0,flag=0"});  // clears under partition 1
  ev.push_back({150, "THROTTLE_CLEAR", "p0", "worker=1,partition=1,flag=0"});
  const RunMetrics global = compute_metrics(ev);
  // Up 0..100: partition 0's window fully, partition 1's half.
  EXPECT_DOUBLE_EQ(global.throttle_up_share, (1.0 + 0.5) / 2);
  // A count (flag=2 then 1) keeps it up until the last b_g2 ends.
  ev[5].detail = "worker=1,partition=1,flag=2";
  ev[6].detail = "worker=0,partition=0,flag=1";
  EXPECT_DOUBLE_EQ(compute_metrics(ev).throttle_up_share, 1.0);
  // Without throttle events the flag was never up.
  ev.resize(4);
  EXPECT_DOUBLE_EQ(compute_metrics(ev).throttle_up_share, 0.0);
}

TEST(RunMetrics, DistributionsFromDetailValuesAndQueuePairs) {
  Events ev;
  ev.push_back({0, "SYNTH_START", "p0", part(0)});
  ev.push_back({40, "SYNTH_END", "p0", part(0) + ",synth_ms=40,yields=3"});
  ev.push_back({0, "SYNTH_START", "p0", part(1)});
  ev.push_back({60, "SYNTH_END", "p0", part(1) + ",synth_ms=60,yields=2"});
  ev.push_back({40, "GPU_QUEUE", "p0", part(0)});
  ev.push_back({60, "CHAN_SEND", "p0", part(1)});  // older logs' name for GPU_QUEUE
  ev.push_back({45, "GPU_PICKUP", "p0", "worker=0," + part(0)});
  ev.push_back({75, "GPU_PICKUP", "p0", "worker=1," + part(1)});
  ev.push_back({45, "PREP_START", "p0", "worker=0," + part(0)});
  ev.push_back({65, "PREP_END", "p0", "worker=0," + part(0) + ",prep_ms=20"});
  ev.push_back({65, "BG2_START", "p0", "worker=0," + part(0) + ",threads=4"});
  ev.push_back({70, "BG2_END", "p0", "worker=0," + part(0) + ",b_g2_ms=5"});
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.synthesis_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.mean, 50.0);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.p50, 50.0);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.p95, 59.0);
  EXPECT_EQ(m.queue_wait_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.p50, 10.0);  // 5 and 15
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.max, 15.0);
  EXPECT_EQ(m.prep_msm_ms.count, 1u);
  EXPECT_DOUBLE_EQ(m.prep_msm_ms.mean, 20.0);
  EXPECT_DOUBLE_EQ(m.b_g2_msm_ms.max, 5.0);
  EXPECT_EQ(m.throttle_yields, 5u);
}

TEST(RunMetrics, DeviceStageTimesFromGpuTimingEvents) {
  Events ev;
  ev.push_back({10, "GPU_TIMING", "p0", "worker=0," + part(0) + ",device=0,upload_ms=1,ntt_msm_h_ms=690,"
                                                                 "batch_add_ms=650,tail_msm_ms=83,gpu_total_ms=1800"});
  ev.push_back({20, "GPU_TIMING", "p0", "worker=1," + part(1) + ",device=0,upload_ms=1,ntt_msm_h_ms=710,"
                                                                 "batch_add_ms=630,tail_msm_ms=85,gpu_total_ms=1900"});
  ev.push_back({30, "GPU_TIMING", "p0", "worker=1," + part(2) + ",device=0,ntt_msm_h_ms=oops"});  // not a number
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.ntt_msm_h_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.ntt_msm_h_ms.p50, 700.0);
  EXPECT_DOUBLE_EQ(m.batch_add_ms.max, 650.0);
  EXPECT_DOUBLE_EQ(m.tail_msm_ms.mean, 84.0);
  EXPECT_EQ(m.gpu_total_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.gpu_total_ms.p50, 1850.0);
  EXPECT_DOUBLE_EQ(row(metric_rows(m), "gpu_total_ms_p50"), 1850.0);
}

TEST(RunMetrics, QueueWaitPairsPartitionsOfTheSameJobSeparately) {
  Events ev;
  ev.push_back({0, "GPU_QUEUE", "p0", part(0)});
  ev.push_back({0, "GPU_QUEUE", "p1", part(0)});  // same partition number, other proof
  ev.push_back({5, "GPU_PICKUP", "p1", "worker=0," + part(0)});
  ev.push_back({30, "GPU_PICKUP", "p0", "worker=1," + part(0)});
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.queue_wait_ms.count, 2u);
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.max, 30.0);
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.mean, 17.5);
}

TEST(RunMetrics, MissingDurationFallsBackToPairedOffsets) {
  Events ev;
  ev.push_back({10, "SYNTH_START", "p0", part(0)});
  ev.push_back({35, "SYNTH_END", "p0", part(0)});  // no synth_ms
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.synthesis_ms.count, 1u);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.mean, 25.0);
}

TEST(RunMetrics, MaxConcurrentDeallocTouchingIntervalsDoNotOverlap) {
  Events ev;
  dealloc(ev, "cpp", "p0", 0, 0, 10);
  dealloc(ev, "cpp", "p0", 1, 10, 20);   // touches the first: not concurrent
  dealloc(ev, "rust", "p0", 0, 5, 15);   // overlaps both cpp ones
  dealloc(ev, "rust", "p0", 1, 6, 8);    // inside: 3 open at 6..8 (cpp0, rust0, rust1)
  dealloc(ev, "rust", "p0", 2, 15, 16);  // touches rust0's end
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.max_concurrent_dealloc, 3u);
  EXPECT_EQ(m.max_concurrent_dealloc_cpp, 1u);
  EXPECT_EQ(m.max_concurrent_dealloc_rust, 2u);
  EXPECT_EQ(m.dealloc_ms.count, 5u);
  EXPECT_DOUBLE_EQ(m.dealloc_ms.max, 10.0);
}

TEST(RunMetrics, DeallocWithoutEndStaysOpenAndZeroLengthCounts) {
  Events ev;
  ev.push_back({0, "DEALLOC_START", "p0", "side=cpp,partition=0"});  // never ends
  dealloc(ev, "cpp", "p0", 1, 50, 50);                                // zero length
  const RunMetrics m = compute_metrics(ev);
  EXPECT_EQ(m.max_concurrent_dealloc_cpp, 2u);
  EXPECT_EQ(m.dealloc_ms.count, 1u);
}

TEST(RunMetrics, UnorderedInputGivesTheSameMetrics) {
  Events ev;
  ev.push_back({0, "PROOF_START", "p0", ""});
  for (int i = 0; i < 10; ++i) {
    const double t = 100.0 * i;
    ev.push_back({t, "SYNTH_START", "p0", part(i)});
    ev.push_back({t + 30, "SYNTH_END", "p0", part(i) + ",synth_ms=30,yields=1"});
    ev.push_back({t + 30, "GPU_QUEUE", "p0", part(i)});
    ev.push_back({t + 32, "GPU_PICKUP", "p0", "worker=0," + part(i)});
    gpu(ev, "p0", i, t + 32, t + 90);
    dealloc(ev, i % 2 ? "cpp" : "rust", "p0", i, t + 90, t + 150);
  }
  ev.push_back({1100, "PROOF_END", "p0", ""});
  const auto ordered = metric_rows(compute_metrics(ev));
  std::mt19937 rng(7);
  for (int round = 0; round < 3; ++round) {
    std::shuffle(ev.begin(), ev.end(), rng);
    const auto shuffled = metric_rows(compute_metrics(ev));
    ASSERT_EQ(shuffled.size(), ordered.size());
    for (std::size_t k = 0; k < ordered.size(); ++k)
      EXPECT_DOUBLE_EQ(shuffled[k].value, ordered[k].value) << ordered[k].name;
  }
  EXPECT_DOUBLE_EQ(row(ordered, "s_per_proof"), 1.1);
  EXPECT_DOUBLE_EQ(row(ordered, "queue_wait_ms_p95"), 2.0);
  EXPECT_DOUBLE_EQ(row(ordered, "max_concurrent_dealloc"), 1.0);
  EXPECT_DOUBLE_EQ(row(ordered, "throttle_yields"), 10.0);
}

TEST(MetricRows, FixedOrderNamesAndUnits) {
  const auto rows = metric_rows(RunMetrics{});
  ASSERT_GE(rows.size(), 11u + 10u * 5u + 4u);
  EXPECT_EQ(rows[0].name, "s_per_proof");
  EXPECT_EQ(rows[0].unit, "s");
  EXPECT_EQ(rows[1].name, "steady_s_per_proof");
  EXPECT_EQ(rows[8].name, "gpu_util");
  EXPECT_EQ(rows[8].unit, "fraction");
  EXPECT_EQ(rows.back().name, "dispatch_gpu_waiting");
  for (const char* name : {"steady_s_per_proof", "fill_ms", "batch_elapsed_ms", "proofs_completed", "partitions_completed", "avg_prove_s",
                           "avg_gpu_per_partition_s", "lock_util", "idle_gap_count", "idle_gap_total_ms",
                           "idle_gap_longest_ms", "max_concurrent_dealloc", "max_concurrent_dealloc_cpp",
                           "max_concurrent_dealloc_rust"})
    EXPECT_EQ(row(rows, name), 0.0);
  for (const char* dist : {"synthesis_ms", "queue_wait_ms", "lock_wait_ms", "prep_msm_ms", "b_g2_msm_ms", "dealloc_ms",
                           "ntt_msm_h_ms", "batch_add_ms", "tail_msm_ms", "gpu_total_ms"})
    for (const char* stat : {"_count", "_mean", "_p50", "_p95", "_max"}) EXPECT_EQ(row(rows, std::string(dist) + stat), 0.0);
  std::vector<std::string> names;
  for (const auto& r : rows) names.push_back(r.name);
  std::sort(names.begin(), names.end());
  EXPECT_EQ(std::adjacent_find(names.begin(), names.end()), names.end()) << "duplicate metric name";
}

}  // namespace
}  // namespace zkc::analysis

namespace {

TEST(WindowedRate, SplitsEachIntervalByWindowCoverage) {
  using zkc::analysis::CounterSample;
  using zkc::analysis::TimeWindow;
  // 0..100 ms: +100 with the window covering 0..50 -> 50 inside, 50 outside; 100..200: +10, no window.
  const std::vector<CounterSample> s = {{0, 0}, {100, 100}, {200, 110}};
  const std::vector<TimeWindow> w = {{0, 30}, {20, 50}};  // overlapping: merged to 0..50
  const auto r = zkc::analysis::windowed_rate(s, w);
  EXPECT_DOUBLE_EQ(r.inside_ms, 50);
  EXPECT_DOUBLE_EQ(r.outside_ms, 150);
  EXPECT_DOUBLE_EQ(r.inside_count, 50);
  EXPECT_DOUBLE_EQ(r.outside_count, 60);
  EXPECT_DOUBLE_EQ(r.inside_per_s(), 1000);
  EXPECT_DOUBLE_EQ(r.outside_per_s(), 400);
}

TEST(WindowedRate, NoSamplesOrNoWindowsGiveZeroOrAllOutside) {
  EXPECT_EQ(zkc::analysis::windowed_rate({}, {}).inside_ms, 0);
  const std::vector<zkc::analysis::CounterSample> s = {{0, 5}, {10, 25}};
  const auto r = zkc::analysis::windowed_rate(s, {});
  EXPECT_DOUBLE_EQ(r.outside_count, 20);
  EXPECT_DOUBLE_EQ(r.inside_per_s(), 0);
}

TEST(DeallocWindows, PairsPerSideAndPartitionAndMerges) {
  using zkc::analysis::TimelineEvent;
  const std::vector<TimelineEvent> ev = {
      {10, "DEALLOC_START", "p0", "side=cpp,partition=0"},  {12, "DEALLOC_START", "p0", "side=rust,partition=0"},
      {15, "DEALLOC_END", "p0", "side=cpp,partition=0"},    {20, "DEALLOC_END", "p0", "side=rust,partition=0"},
      {30, "DEALLOC_START", "p0", "side=cpp,partition=1"},  {31, "DEALLOC_END", "p0", "side=cpp,partition=1"},
      {40, "GPU_END", "p0", "partition=1,gpu_ms=3"}};
  const auto w = zkc::analysis::dealloc_windows(ev);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_DOUBLE_EQ(w[0].start_ms, 10);
  EXPECT_DOUBLE_EQ(w[0].end_ms, 20);
  EXPECT_DOUBLE_EQ(w[1].start_ms, 30);
  EXPECT_DOUBLE_EQ(w[1].end_ms, 31);
}

}  // namespace
