// The virtual backend on a schedule worked out by hand: every event's virtual time, exactly.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "harness/vtime/virtual_engine.hpp"
#include "model/timeline_event.hpp"
#include "tests/support/ci_plan.hpp"
#include "tests/support/vtime_costs.hpp"

namespace zkc::harness::vtime {
namespace {

// c=2 j=2 P=2 pw=2 gw=2 on one device, gt=2, synthesis.threads=2, Phase 11 (inline finalize, CHAN_SEND),
// no I1/I3, contention off. Costs (round_costs): witness 10, SpMV 4 on 2 threads (8 each when two
// share the pool), prep 3, b_g2 2 on 2 threads (4 on one), upload/ntt_msm_h/batch_add/tail_msm 1 each,
// dealloc 1 per side.
//
//  t=0   PROOF_START p0, p1 (j=2). synth-0 takes (0,0), synth-1 (0,1): SYNTH_START 0.
//        witness 0-10, the two SpMVs share the pool 10-18: SYNTH_END 18.
//  t=18  CHAN_SEND (0,0), gpu0.0 picks it; CHAN_SEND (0,1), gpu0.1 picks it. GPU_START both 18.
//        synth-0/1 take (1,0), (1,1): SYNTH_START 18, witness 18-28, SpMV 28-36, SYNTH_END 36.
//        gpu0.0 takes the device lock at 18; gpu0.1 waits. Both preps run 18-21 on the 2 groth16 threads.
//        (0,0) under the lock: upload 18-19, ntt_msm_h 19-20, prep_wait 20-21, batch_add 21-22, tail 22-23.
//  t=21  (0,0)'s prep ends first: its b_g2 queues 2 jobs, the first taken by the freed thread; (0,1)'s
//        prep ends, its thread takes (0,0)'s second job: (0,0)'s b_g2 runs on 2 threads 21-23. (0,1)'s
//        jobs wait in the FIFO (b_g2_queue 21-23) and run 23-25.
//  t=23  (0,0): LOCK_RELEASED 23, GPU_END 23 (gpu_ms 5); deallocs 23-24. gpu0.1 locks at 23 (wait 5):
//        upload 23-24, ntt 24-25, prep_wait 25 (prep long done), batch 25-26, tail 26-27.
//  t=27  (0,1): LOCK_RELEASED 27, GPU_END 27 (gpu_ms 9), PROOF_END p0 27; deallocs 27-28.
//  t=36  proof 1 repeats proof 0's GPU side 18 ms later: gpu0.0 (waiting since 23) takes (1,0),
//        gpu0.1 (since 27) takes (1,1). (1,0) GPU_END 41, (1,1) GPU_END 45, PROOF_END p1 45.
struct At {
  std::string event;
  int proof, partition;  // partition -1: a proof event
  double ms;
};

const std::vector<At> kExpected = {
    {"PROOF_START", 0, -1, 0},   {"PROOF_START", 1, -1, 0},   {"PROOF_END", 0, -1, 27},    {"PROOF_END", 1, -1, 45},
    {"SYNTH_START", 0, 0, 0},    {"SYNTH_START", 0, 1, 0},    {"SYNTH_END", 0, 0, 18},     {"SYNTH_END", 0, 1, 18},
    {"SYNTH_START", 1, 0, 18},   {"SYNTH_START", 1, 1, 18},   {"SYNTH_END", 1, 0, 36},     {"SYNTH_END", 1, 1, 36},
    {"CHAN_SEND", 0, 0, 18},     {"CHAN_SEND", 0, 1, 18},     {"CHAN_SEND", 1, 0, 36},     {"CHAN_SEND", 1, 1, 36},
    {"GPU_PICKUP", 0, 0, 18},    {"GPU_PICKUP", 0, 1, 18},    {"GPU_PICKUP", 1, 0, 36},    {"GPU_PICKUP", 1, 1, 36},
    {"GPU_START", 0, 0, 18},     {"GPU_START", 0, 1, 18},     {"GPU_START", 1, 0, 36},     {"GPU_START", 1, 1, 36},
    {"LOCK_ACQUIRED", 0, 0, 18}, {"LOCK_ACQUIRED", 0, 1, 23}, {"LOCK_ACQUIRED", 1, 0, 36}, {"LOCK_ACQUIRED", 1, 1, 41},
    {"LOCK_RELEASED", 0, 0, 23}, {"LOCK_RELEASED", 0, 1, 27}, {"LOCK_RELEASED", 1, 0, 41}, {"LOCK_RELEASED", 1, 1, 45},
    {"GPU_TIMING", 0, 0, 23},    {"GPU_TIMING", 0, 1, 27},    {"GPU_TIMING", 1, 0, 41},    {"GPU_TIMING", 1, 1, 45},
    {"PREP_START", 0, 0, 18},    {"PREP_START", 0, 1, 18},    {"PREP_START", 1, 0, 36},    {"PREP_START", 1, 1, 36},
    {"PREP_END", 0, 0, 21},      {"PREP_END", 0, 1, 21},      {"PREP_END", 1, 0, 39},      {"PREP_END", 1, 1, 39},
    {"BG2_START", 0, 0, 21},     {"BG2_START", 0, 1, 23},     {"BG2_START", 1, 0, 39},     {"BG2_START", 1, 1, 41},
    {"BG2_END", 0, 0, 23},       {"BG2_END", 0, 1, 25},       {"BG2_END", 1, 0, 41},       {"BG2_END", 1, 1, 43},
    {"GPU_END", 0, 0, 23},       {"GPU_END", 0, 1, 27},       {"GPU_END", 1, 0, 41},       {"GPU_END", 1, 1, 45},
};

// (event, proof, partition) -> the times it was recorded at.
std::map<std::tuple<std::string, int, int>, std::vector<double>> by_key(const EngineResult& r) {
  std::map<std::tuple<std::string, int, int>, std::vector<double>> out;
  for (const auto& e : r.events) {
    const int proof = std::stoi(std::string(e.job_id).substr(6));
    const auto part = analysis::detail_number(e.detail, "partition");
    out[{std::string(e.event), proof, part ? static_cast<int>(*part) : -1}].push_back(e.offset_ms);
  }
  return out;
}

RunPlan hand_plan() {
  return test::ci_plan({"batch.count=2", "batch.concurrency=2", "workload.partitions=2", "synthesis.partition_workers=2",
                        "synthesis.threads=2", "gpus.gpu_workers_per_device=2", "gpus.gpu_threads=2", "gpus.devices=1"});
}

TEST(VirtualSchedule, HandWorkedTwoProofsExactly) {
  const RunPlan plan = hand_plan();
  ASSERT_EQ(plan.finalize, FinalizeMode::kInline);
  ASSERT_EQ(plan.queue_event, model::Event::kChanSend);
  ASSERT_FALSE(plan.serialize_dealloc);
  ASSERT_FALSE(plan.membw_throttle);
  ASSERT_EQ(plan.gpu_queue_capacity, 2u);
  ASSERT_EQ(plan.dealloc_linger_ms, 0.0);
  const EngineResult r = run_virtual(plan, test::schedule_only(test::round_costs()));
  ASSERT_EQ(r.totals.b_g2_plan.workers, 2u) << "b_g2 is 2 jobs on the groth16 pool";
  const auto got = by_key(r);
  for (const At& a : kExpected) {
    SCOPED_TRACE(a.event + " proof " + std::to_string(a.proof) + " partition " + std::to_string(a.partition));
    const auto it = got.find({a.event, a.proof, a.partition});
    ASSERT_NE(it, got.end());
    ASSERT_EQ(it->second.size(), 1u);
    EXPECT_DOUBLE_EQ(it->second[0], a.ms);
  }
  // The GPU workers: (0,0) and (1,0) on worker 0, the others on worker 1; deallocs 1 ms after GPU_END.
  for (const auto& e : r.events) {
    const auto part = analysis::detail_number(e.detail, "partition");
    if (e.event == "GPU_PICKUP") {
      EXPECT_EQ(*analysis::detail_number(e.detail, "worker"), *part) << e.detail;
    }
    if (e.event == "LOCK_ACQUIRED" && e.offset_ms == 23) {
      EXPECT_DOUBLE_EQ(*analysis::detail_number(e.detail, "wait_ms"), 5);
    }
    if (e.event == "GPU_END" && e.offset_ms == 27) {
      EXPECT_DOUBLE_EQ(*analysis::detail_number(e.detail, "gpu_ms"), 9);
    }
    // Under the lock: 4 kernels, and for partition 0 the 1 ms wait for its prep.
    if (e.event == "GPU_TIMING") {
      EXPECT_DOUBLE_EQ(*analysis::detail_number(e.detail, "gpu_total_ms"), *part == 0 ? 5 : 4);
    }
    if (e.event == "PROOF_END" && e.job_id == "proof-0001") {
      EXPECT_DOUBLE_EQ(*analysis::detail_number(e.detail, "proof_ms"), 45);
    }
  }
  for (int proof = 0; proof < 2; ++proof) {
    for (int k = 0; k < 2; ++k) {
      const double gpu_end = got.at({"GPU_END", proof, k})[0];
      EXPECT_EQ(got.at({"DEALLOC_START", proof, k}), (std::vector<double>{gpu_end, gpu_end}));
      EXPECT_EQ(got.at({"DEALLOC_END", proof, k}), (std::vector<double>{gpu_end + 1, gpu_end + 1}));
    }
  }
}

TEST(VirtualSchedule, HandWorkedSpansNameTheRealWorkers) {
  const EngineResult r = run_virtual(hand_plan(), test::schedule_only(test::round_costs()));
  std::map<std::pair<std::string, std::string>, double> span_of;  // (stage, worker) of (0,1) -> duration
  for (const auto& s : r.spans)
    if (s.proof == 0 && s.partition == 1) span_of[{s.stage, s.worker}] = s.end_ms - s.start_ms;
  EXPECT_DOUBLE_EQ(span_of.at({"witness_gen", "synth-1"}), 10);
  EXPECT_DOUBLE_EQ(span_of.at({"spmv", "synth-pool"}), 8) << "two SpMVs share the pool's 2 threads";
  EXPECT_DOUBLE_EQ(span_of.at({"synthesis", "synth-1"}), 18);
  EXPECT_DOUBLE_EQ(span_of.at({"lock_wait", "gpu0.1"}), 5);
  EXPECT_DOUBLE_EQ(span_of.at({"prep_wait", "gpu0.1"}), 0);
  EXPECT_DOUBLE_EQ(span_of.at({"prep_queue", "groth16"}), 0);
  EXPECT_DOUBLE_EQ(span_of.at({"prep_msm", "groth16"}), 3);
  EXPECT_DOUBLE_EQ(span_of.at({"b_g2_queue", "groth16"}), 2) << "behind (0,0)'s b_g2 in the pool's FIFO";
  EXPECT_DOUBLE_EQ(span_of.at({"b_g2_msm", "groth16"}), 2);
  EXPECT_DOUBLE_EQ(span_of.at({"b_g2_join", "gpu0.1"}), 0);
  EXPECT_DOUBLE_EQ(span_of.at({"dealloc_cpp", "dealloc-cpp"}), 1);
  EXPECT_DOUBLE_EQ(span_of.at({"dealloc_rust", "dealloc-rust"}), 1);
  EXPECT_EQ(r.gpu_backend, "virtual");
  EXPECT_EQ(r.setup_ms, 0);
  EXPECT_TRUE(r.counter_rows.empty());
}

}  // namespace
}  // namespace zkc::harness::vtime

namespace zkc::harness::vtime {
namespace {

// The groth16 pool's FIFO: one partition's prep waits behind another's b_g2 (the real par_map(1, ...)).
// c=1 P=2 j=1 pw=1 gw=2, gt=2, round costs but b_g2 20 ms on 2 threads.
//  (0,0): synthesis 0-14 (witness 10, SpMV 4 alone on the pool); gpu0.0 from 14: prep 14-17, lock 14,
//         upload 14-15, ntt 15-16, prep_wait 16-17, batch 17-18, tail 18-19 (released 19); b_g2 on both
//         groth16 threads 17-37; GPU_END 37.
//  (0,1): synthesis 14-28; gpu0.1 from 28: its prep queues behind (0,0)'s b_g2 tiles: 28-37 in the
//         queue, runs 37-40. Lock 28, upload 28-29, ntt 29-30, prep_wait 30-40, batch 40-41, tail
//         41-42 (released 42); b_g2 40-60; GPU_END 60, PROOF_END 60.
TEST(VirtualSchedule, PrepWaitsBehindAnotherPartitionsBG2InTheGroth16Fifo) {
  const RunPlan plan = test::ci_plan({"batch.count=1", "batch.concurrency=1", "workload.partitions=2",
                                      "synthesis.partition_workers=1", "synthesis.threads=2",
                                      "gpus.gpu_workers_per_device=2", "gpus.gpu_threads=2", "gpus.devices=1"});
  auto costs = test::round_costs();
  costs.host[model::Stage::kBG2Msm] = {.ms = 20, .threads = 2};
  const EngineResult r = run_virtual(plan, test::schedule_only(costs));
  const auto got = by_key(r);
  const std::vector<At> expected = {
      {"SYNTH_END", 0, 0, 14},     {"SYNTH_END", 0, 1, 28},     {"GPU_START", 0, 1, 28},   {"PREP_START", 0, 0, 14},
      {"PREP_END", 0, 0, 17},      {"BG2_START", 0, 0, 17},     {"BG2_END", 0, 0, 37},     {"GPU_END", 0, 0, 37},
      {"LOCK_RELEASED", 0, 0, 19}, {"LOCK_ACQUIRED", 0, 1, 28}, {"PREP_START", 0, 1, 37}, {"PREP_END", 0, 1, 40},
      {"LOCK_RELEASED", 0, 1, 42}, {"BG2_START", 0, 1, 40},     {"BG2_END", 0, 1, 60},     {"GPU_END", 0, 1, 60},
      {"PROOF_END", 0, -1, 60},
  };
  for (const At& a : expected) {
    SCOPED_TRACE(a.event + " partition " + std::to_string(a.partition));
    ASSERT_EQ(got.count({a.event, a.proof, a.partition}), 1u);
    EXPECT_DOUBLE_EQ(got.at({a.event, a.proof, a.partition}).at(0), a.ms);
  }
  for (const auto& s : r.spans) {
    if (s.partition != 1) continue;
    if (s.stage == "prep_queue") {
      EXPECT_DOUBLE_EQ(s.end_ms - s.start_ms, 9);
    }
    if (s.stage == "prep_wait") {
      EXPECT_DOUBLE_EQ(s.end_ms - s.start_ms, 10);
    }
  }
}

}  // namespace
}  // namespace zkc::harness::vtime
