// The virtual-time backend's cost model: the seed profile's figures, a run's stage medians, a log's.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "analysis/ingest/prover_log.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/vtime/cost_model.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/msm/msm_plan.hpp"

namespace {

using zkc::harness::RunPlan;
using zkc::harness::vtime::CostModel;
using zkc::model::Stage;
namespace vt = zkc::harness::vtime;

// The seed profile at full scale on the seed machine (192 CPUs, 755 GiB), no device here.
RunPlan seed_plan(std::vector<std::string> overrides = {}) {
  const auto cfg = zkc::config::load_config_files(
      zkc::config::pipeline_schema(), {std::string(ZKC_SOURCE_DIR) + "/configs/tr7995wx-5070ti.toml"}, overrides);
  zkc::harness::MachineFacts m;
  m.online_cpus = 192;
  m.mem_available_bytes = 700ull << 30;
  m.mem_total_bytes = 755ull << 30;
  m.cuda_note = "test";
  return zkc::harness::make_run_plan(cfg, m);
}

double ms(const CostModel& c, Stage s) { return c.find(s) != nullptr ? c.find(s)->ms : 0.0; }

// One partition's synthesis as the seed measured it: 10 at once, each SpMV with a tenth of the pool.
double seed_synthesis(const CostModel& c) {
  return ms(c, Stage::kWitnessGen) + ms(c, Stage::kWitnessCopy) + ms(c, Stage::kDensity) +
         c.alone_ms(Stage::kSpmv, 192.0 / 10);
}

TEST(CostFromPlan, SeedSynthesisIs35SecondsThreeQuartersWitness) {
  const CostModel c = vt::cost_from_plan(seed_plan());
  const double synth = seed_synthesis(c);
  EXPECT_NEAR(synth, 10 * 1800 / 0.51, 1.0);  // 35.3 s: rho = 10 x 1.8 s / synthesis
  EXPECT_NEAR(ms(c, Stage::kWitnessGen) / synth, 0.75, 1e-9);
  // The SpMV of 10 partitions at once on the 192-thread pool is most of the seed's 8.8 s MatVec.
  EXPECT_GT(c.alone_ms(Stage::kSpmv, 19.2), 0.85 * 0.25 * synth);
  EXPECT_EQ(c.find(Stage::kSpmv)->threads, 192);
  EXPECT_EQ(c.find(Stage::kWitnessGen)->threads, 1);
  EXPECT_EQ(c.find(Stage::kDirectEval), nullptr);
}

TEST(CostFromPlan, PrepAndBG2AreTheSeedsAt192AndTheRealProversAt32Threads) {
  const CostModel c = vt::cost_from_plan(seed_plan());
  EXPECT_NEAR(ms(c, Stage::kPrepMsm), 0.94 * 1800, 1e-6);  // 1.7 s, one thread
  EXPECT_NEAR(c.alone_ms(Stage::kPrepMsm, 192), 0.94 * 1800, 1e-6);
  EXPECT_NEAR(c.alone_ms(Stage::kBG2Msm, 192), 450, 1e-6);
  EXPECT_NEAR(c.alone_ms(Stage::kBG2Msm, 32), 1700, 1e-6);
  // A plan at gt = 32 holds the same curve at its own pool size.
  const CostModel c32 = vt::cost_from_plan(seed_plan({"gpus.gpu_threads=32"}));
  EXPECT_EQ(c32.find(Stage::kBG2Msm)->threads, 32);
  EXPECT_NEAR(ms(c32, Stage::kBG2Msm), 1700, 1e-6);
  EXPECT_NEAR(c32.alone_ms(Stage::kBG2Msm, 192), 450, 1e-6);
  // Amdahl: t(n) = a + b / n through both points; the serial share at 192 is a / 450.
  const double b = (1700.0 - 450) / (1.0 / 32 - 1.0 / 192), a = 450 - b / 192;
  EXPECT_NEAR(c.find(Stage::kBG2Msm)->serial_share, a / 450, 1e-12);
  EXPECT_NEAR(vt::seed_b_g2_serial_share(32), a / 1700, 1e-12);
}

TEST(CostFromPlan, DeviceKernelsAndRegistrationFromThePlan) {
  const RunPlan p = seed_plan();
  const CostModel c = vt::cost_from_plan(p);
  EXPECT_DOUBLE_EQ(c.ntt_msm_h_ms, 690);
  EXPECT_DOUBLE_EQ(c.batch_add_ms, 650);
  EXPECT_DOUBLE_EQ(c.tail_msm_ms, 83);
  EXPECT_DOUBLE_EQ(c.upload_ms, 0);
  // Registration: prep starts 0.94 - 690/1800 - 377/1800 of gpu_total before ntt_msm_h.
  EXPECT_NEAR(ms(c, Stage::kRegister), (0.94 - 690.0 / 1800 - (1800.0 - 1423) / 1800) * 1800, 1e-6);
  // At a smaller scale every host figure shrinks by the scale.
  const CostModel small = vt::cost_from_plan(seed_plan({"workload.scale=0.01"}));
  EXPECT_NEAR(ms(small, Stage::kPrepMsm), 0.01 * 0.94 * 1800, 1e-9);
  EXPECT_NEAR(ms(small, Stage::kWitnessGen), 0.01 * ms(c, Stage::kWitnessGen), 1e-6);
}

TEST(CostFromPlan, DirectPathIsDirectOverPceOfSynthesis) {
  const CostModel pce = vt::cost_from_plan(seed_plan());
  const CostModel c = vt::cost_from_plan(seed_plan({"synthesis.path=direct"}));
  EXPECT_EQ(c.find(Stage::kSpmv), nullptr);
  EXPECT_EQ(c.find(Stage::kWitnessCopy), nullptr);
  const double direct = ms(c, Stage::kWitnessGen) + ms(c, Stage::kDirectEval) + ms(c, Stage::kDensity);
  EXPECT_NEAR(direct, 1.42 * seed_synthesis(pce), 1.0);
  EXPECT_DOUBLE_EQ(ms(c, Stage::kWitnessGen), ms(pce, Stage::kWitnessGen));
}

TEST(CostFromPlan, DeallocStagesUnmapWhatEachSideFrees) {
  const RunPlan p11 = seed_plan();  // Phase 11 default: a/b/c in the Rust-side dealloc thread
  const auto b = zkc::workloads::shape_bytes(p11.shape);
  const CostModel c = vt::cost_from_plan(p11);
  EXPECT_DOUBLE_EQ(c.find(Stage::kDeallocCpp)->unmap_bytes, double(b.split_vectors));
  EXPECT_DOUBLE_EQ(c.find(Stage::kDeallocRust)->unmap_bytes, double(b.aux + b.density + b.abc));
  EXPECT_EQ(c.find(Stage::kFreeAbc), nullptr);
  const CostModel c12 = vt::cost_from_plan(seed_plan({"engine.abc_release=gpu_worker"}));
  EXPECT_DOUBLE_EQ(c12.find(Stage::kFreeAbc)->unmap_bytes, double(b.abc));
  EXPECT_DOUBLE_EQ(c12.find(Stage::kDeallocRust)->unmap_bytes, double(b.aux + b.density));
  EXPECT_LT(ms(c12, Stage::kDeallocRust), ms(c, Stage::kDeallocRust));
  // The arena hands nothing back: no dealloc work, no shootdowns.
  const CostModel arena = vt::cost_from_plan(seed_plan({"memory.allocator=arena"}));
  EXPECT_EQ(arena.find(Stage::kDeallocCpp), nullptr);
  EXPECT_EQ(arena.find(Stage::kDeallocRust), nullptr);
}

TEST(CostFromPlan, TrafficAndWorkingSetsFollowTheData) {
  const RunPlan p = seed_plan();
  const auto b = zkc::workloads::shape_bytes(p.shape);
  const CostModel c = vt::cost_from_plan(p);
  const auto& spmv = *c.find(Stage::kSpmv);
  EXPECT_NEAR(spmv.mem_gbps, double(b.csr_shared + b.witness + b.abc) / (spmv.ms * 1e6), 1e-9);
  EXPECT_LT(spmv.mem_gbps, 333);  // alone it does not saturate the seed's DRAM
  // b_g2's buckets: 192 workers' 2^window G2 buckets spill the seed's 12 x 32 MiB; at gt = 32 they shrink.
  const auto& bg2 = *c.find(Stage::kBG2Msm);
  const auto tail = static_cast<std::size_t>(double(p.shape.srs_b_g2) * p.witness.tail_fraction) + 1;
  EXPECT_DOUBLE_EQ(bg2.working_set_bytes, double(zkc::plan_msm(tail, 192, sizeof(zkc::G2Xyzz)).bucket_bytes_total));
  EXPECT_GT(bg2.working_set_bytes, 384.0 * (1 << 20));
  EXPECT_LT(vt::cost_from_plan(seed_plan({"gpus.gpu_threads=32"})).find(Stage::kBG2Msm)->working_set_bytes,
            bg2.working_set_bytes);
  EXPECT_DOUBLE_EQ(c.find(Stage::kPrepMsm)->working_set_bytes, double(b.density));
  EXPECT_EQ(c.find(Stage::kWitnessGen)->working_set_bytes, 0);
  for (const auto& [stage, cost] : c.host) {
    EXPECT_GE(cost.mem_bound_share, 0) << zkc::model::name(stage);
    EXPECT_LE(cost.mem_bound_share, 1) << zkc::model::name(stage);
  }
}

zkc::model::StageRow row(const char* stage, double start, double end, int partition = 0) {
  zkc::model::StageRow r;
  r.proof = 0;
  r.partition = partition;
  r.stage = stage;
  r.start_ms = start;
  r.end_ms = end;
  return r;
}

zkc::model::RunData hand_run() {
  zkc::model::RunData run;
  run.id = "hand";
  run.config = {{"synthesis.threads", "4"}, {"gpus.gpu_threads", "2"}};
  run.stages = {row("witness_gen", 0, 100), row("witness_gen", 0, 120, 1), row("witness_gen", 200, 310, 2),
                // two SpMVs side by side on the pool, half overlapping: 50 alone + 50 shared = 75 each
                row("spmv", 120, 220), row("spmv", 170, 270, 1),
                row("prep_msm", 300, 340), row("prep_msm", 400, 450, 1),
                row("b_g2_msm", 340, 350), row("ntt_msm_h", 300, 307), row("ntt_msm_h", 400, 409, 1),
                row("lock_wait", 0, 1000), row("synthesis", 0, 1000), row("no_such_stage", 0, 5)};
  return run;
}

TEST(CostFromRun, StageMediansWithPoolSharesAndThreadsFromTheConfig) {
  const RunPlan p = seed_plan({"workload.scale=0.001"});
  const CostModel c = vt::cost_from_run(hand_run(), p);
  EXPECT_DOUBLE_EQ(ms(c, Stage::kWitnessGen), 110);
  EXPECT_DOUBLE_EQ(ms(c, Stage::kSpmv), 75);
  EXPECT_EQ(c.find(Stage::kSpmv)->threads, 4);
  EXPECT_EQ(c.find(Stage::kSpmv)->serial_share, 0);
  EXPECT_DOUBLE_EQ(ms(c, Stage::kPrepMsm), 45);
  EXPECT_DOUBLE_EQ(ms(c, Stage::kBG2Msm), 10);
  EXPECT_EQ(c.find(Stage::kBG2Msm)->threads, 2);
  EXPECT_DOUBLE_EQ(c.ntt_msm_h_ms, 8);
  EXPECT_EQ(c.find(Stage::kNttMsmH), nullptr);  // the device's, not a host stage
  EXPECT_EQ(c.find(Stage::kLockWait), nullptr);  // waits and composites are the schedule's, not costs
  EXPECT_EQ(c.find(Stage::kSynthesis), nullptr);
  EXPECT_GT(c.find(Stage::kSpmv)->mem_gbps, 0);  // traffic from the plan's shape
  EXPECT_NE(c.source.find("hand"), std::string::npos);
}

TEST(CostFromRun, SaysWhatIsMissing) {
  zkc::model::RunData run = hand_run();
  std::erase_if(run.stages, [](const auto& r) { return r.stage == "prep_msm"; });
  try {
    vt::cost_from_run(run, seed_plan({"workload.scale=0.001"}));
    FAIL() << "no prep_msm spans accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("prep_msm"), std::string::npos) << e.what();
  }
  run.stages.clear();
  EXPECT_THROW(vt::cost_from_run(run, seed_plan({"workload.scale=0.001"})), std::runtime_error);
}

TEST(CostFromLog, SynthesisMedianAndTheLogsTimings) {
  auto log = zkc::analysis::read_prover_log(std::string(ZKC_SOURCE_DIR) + "/tests/fixtures/logs/two_proofs.log");
  const auto run = zkc::analysis::run_data_from_log(std::move(log), "two_proofs.log");
  std::vector<double> synth;
  double prep = -1, b_g2 = -1;
  for (const auto& r : run.stages)
    if (r.stage == "synthesis") synth.push_back(r.end_ms - r.start_ms);
  for (const auto& e : run.extra) {
    if (e.name == "cuzk_prep_msm_ms_mean") prep = e.value;
    if (e.name == "cuzk_b_g2_msm_ms_mean") b_g2 = e.value;
  }
  ASSERT_FALSE(synth.empty());
  ASSERT_GT(prep, 0);
  ASSERT_GT(b_g2, 0);
  std::sort(synth.begin(), synth.end());
  const std::size_t n = synth.size();
  const double median = n % 2 == 1 ? synth[n / 2] : 0.5 * (synth[n / 2 - 1] + synth[n / 2]);
  const RunPlan p = seed_plan({"workload.scale=0.001"});
  const CostModel c = vt::cost_from_log(run, p);
  EXPECT_NEAR(ms(c, Stage::kWitnessGen), 0.75 * median, 1e-9);
  EXPECT_DOUBLE_EQ(ms(c, Stage::kPrepMsm), prep);
  EXPECT_NEAR(ms(c, Stage::kBG2Msm), b_g2, 1e-9);  // measured at the plan's gt
  EXPECT_NE(c.source.find("two_proofs.log"), std::string::npos);
  zkc::model::RunData empty;
  EXPECT_THROW(vt::cost_from_log(empty, p), std::runtime_error);
}

}  // namespace
