// The virtual backend's toggles, each checked for what it does on the timeline: the PI pacer's
// limits, arena slots bounding the partitions in flight, I1's one dealloc per side, I3's flag
// windows (global and counted), max_finalizing, the direct synthesis path.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "harness/engine/dispatch_pacer.hpp"
#include "harness/vtime/virtual_engine.hpp"
#include "tests/support/pipeline_invariants.hpp"
#include "tests/support/vtime_costs.hpp"

namespace zkc::harness::vtime {
namespace {

using pipeline_test_support::plan_for;
using pipeline_test_support::Timeline;

EngineResult run_seed_like(const RunPlan& plan) { return run_virtual(plan, test::schedule_only(test::seed_like_costs())); }

TEST(VirtualToggles, PiPacerRateAndIntervalWithinTheirLimits) {
  const RunPlan plan = plan_for({"engine.dispatch=\"budget\"", "engine.pacer=\"pi\"", "engine.gpu_queue_target=2",
                                 "budget.partitions=4", "batch.count=6", "batch.concurrency=6"});
  const EngineResult r = run_seed_like(plan);
  const double scale = 1.0;  // seed-like kernels are the seed's: the pacer's time is the real one
  std::size_t dispatches = 0, controlled = 0;
  for (const auto& e : r.events) {
    if (e.event != "DISPATCH") continue;
    ++dispatches;
    const double rate = *analysis::detail_number(e.detail, "rate");
    const double interval = *analysis::detail_number(e.detail, "interval_ms");
    EXPECT_GE(rate, DispatchPacer::kMinRate);
    EXPECT_LE(rate, DispatchPacer::kMaxRate);
    if (*analysis::detail_number(e.detail, "bootstrap") == 0) {
      ++controlled;
      EXPECT_GE(interval, DispatchPacer::kMinIntervalS * 1e3 * scale - 1e-6);
      EXPECT_LE(interval, DispatchPacer::kMaxIntervalS * 1e3 * scale + 1e-6);
    }
  }
  EXPECT_EQ(dispatches, std::size_t{plan.proofs} * plan.partitions);
  EXPECT_GT(controlled, 0u) << "every dispatch was in bootstrap: the PI control never ran";
  // Bootstrap spaces its first dispatches 3 s apart (the real kBootstrapS).
  std::vector<double> at;
  for (const auto& e : r.events)
    if (e.event == "DISPATCH") at.push_back(e.offset_ms);
  ASSERT_GE(at.size(), 2u);
  EXPECT_DOUBLE_EQ(at[1] - at[0], DispatchPacer::kBootstrapS * 1e3);
}

// Per partition: from SYNTH_START to the end of its last dealloc row (when its arena slot is free again).
std::vector<test::Interval> holding(const EngineResult& r) {
  std::map<std::pair<int, int>, test::Interval> by;
  for (const auto& s : r.spans) {
    auto& iv = by.try_emplace({s.proof, s.partition}, test::Interval{1e300, 0}).first->second;
    if (s.stage == "synthesis") iv.start = s.start_ms;
    if (s.stage == "dealloc_cpp" || s.stage == "dealloc_rust" || s.stage == "malloc_trim") iv.end = std::max(iv.end, s.end_ms);
  }
  std::vector<test::Interval> out;
  for (const auto& [k, iv] : by) out.push_back(iv);
  return out;
}

TEST(VirtualToggles, ArenaSlotsBoundThePartitionsHoldingBuffers) {
  for (const unsigned slots : {2u, 3u}) {
    const RunPlan plan = plan_for({"memory.allocator=\"arena\"", fmt::format("memory.arena_slots={}", slots)});
    const EngineResult r = run_seed_like(plan);
    EXPECT_EQ(test::max_overlap(holding(r)), slots);
    bool waited = false;
    for (const auto& s : r.spans) waited |= s.stage == "slot_wait" && s.end_ms > s.start_ms;
    EXPECT_TRUE(waited) << "no partition ever waited for a slot";
  }
}

std::vector<test::Interval> deallocs(const Timeline& t, const std::string& side) {
  return t.intervals("DEALLOC_START", "DEALLOC_END", "side", side);
}

TEST(VirtualToggles, SerializedDeallocOneThreadPerSideAndOverlapWithout) {
  const std::vector<std::string> busy = {"gpus.gpu_workers_per_device=3", "gpus.devices=2", "batch.count=4",
                                         "batch.concurrency=4", "synthesis.partition_workers=4"};
  auto serial = busy;
  serial.push_back("interventions.serialize_dealloc=true");
  auto costs = test::seed_like_costs();
  // Longer than the ~6.9 s between two partitions' GPU_END with these costs, so without I1 they overlap.
  costs.host[model::Stage::kDeallocRust].ms = 20000;
  const Timeline with(run_virtual(plan_for(serial), test::schedule_only(costs)).events);
  const Timeline without(run_virtual(plan_for(busy), test::schedule_only(costs)).events);
  EXPECT_EQ(test::max_overlap(deallocs(with, "rust")), 1u);
  EXPECT_EQ(test::max_overlap(deallocs(with, "cpp")), 1u);
  EXPECT_GT(test::max_overlap(deallocs(without, "rust")), 1u);
}

TEST(VirtualToggles, ThrottleFlagGlobalAndCounted) {
  for (const char* mode : {"global", "counted"}) {
    SCOPED_TRACE(mode);
    const RunPlan plan = plan_for({"interventions.membw_throttle=true", fmt::format("interventions.throttle_flag=\"{}\"", mode),
                                   "gpus.gpu_workers_per_device=3"});
    const EngineResult r = run_seed_like(plan);
    const Timeline t(r.events);
    const std::size_t parts = std::size_t{plan.proofs} * plan.partitions;
    EXPECT_EQ(t.count("THROTTLE_SET"), parts);
    EXPECT_EQ(t.count("THROTTLE_CLEAR"), parts);
    int most = 0;
    for (const auto& e : r.events) {
      const int flag = static_cast<int>(analysis::detail_number(e.detail, "flag").value_or(-1));
      if (e.event == "THROTTLE_SET") most = std::max(most, flag);
      if (e.event == "THROTTLE_SET" && std::string(mode) == "global") {
        EXPECT_EQ(flag, 1);
      }
      if (e.event == "THROTTLE_CLEAR" && std::string(mode) == "global") {
        EXPECT_EQ(flag, 0);
      }
    }
    if (std::string(mode) == "counted") {
      EXPECT_GT(most, 1) << "b_g2s of several workers overlap on the device";
    }
    // Each partition's b_g2 lies inside its flag window.
    for (const auto& [key, ev] : t.partitions()) {
      EXPECT_LE(ev.at("THROTTLE_SET")[0], ev.at("BG2_START")[0]);
      EXPECT_LE(ev.at("BG2_END")[0], ev.at("THROTTLE_CLEAR")[0]);
    }
  }
}

TEST(VirtualToggles, MaxFinalizingBoundsHandedOverPartitions) {
  const RunPlan plan = plan_for({"engine.finalize=\"split\"", "engine.max_finalizing=1", "gpus.gpu_workers_per_device=3",
                                 "batch.count=4", "batch.concurrency=4"});
  const EngineResult r = run_seed_like(plan);
  std::map<std::pair<int, int>, test::Interval> handed;  // end of finalize_wait .. end of b_g2_join
  for (const auto& s : r.spans) {
    if (s.stage == "finalize_wait") handed[{s.proof, s.partition}].start = s.end_ms;
    if (s.stage == "b_g2_join") handed[{s.proof, s.partition}].end = s.end_ms;
    if (s.stage == "b_g2_join") {
      EXPECT_EQ(s.worker, "finalizer");
    }
  }
  std::vector<test::Interval> iv;
  for (const auto& [k, i] : handed) iv.push_back(i);
  EXPECT_EQ(iv.size(), std::size_t{plan.proofs} * plan.partitions);
  EXPECT_EQ(test::max_overlap(iv), 1u);
}

TEST(VirtualToggles, DirectPathEvaluatesOnTheWorkerWithoutCopyOrSpmv) {
  const EngineResult r = run_seed_like(plan_for({"synthesis.path=\"direct\""}));
  std::map<std::string, std::size_t> stages;
  for (const auto& s : r.spans) ++stages[s.stage];
  EXPECT_EQ(stages["spmv"], 0u);
  EXPECT_EQ(stages["witness_copy"], 0u);
  EXPECT_EQ(stages["direct_eval"], stages["synthesis"]);
  for (const auto& s : r.spans)
    if (s.stage == "direct_eval") {
      EXPECT_EQ(s.worker.rfind("synth-", 0), 0u) << s.worker;
    }
}

}  // namespace
}  // namespace zkc::harness::vtime
