// The balance fit: the solver on synthetic unit costs (no timing), the pilot correction arithmetic,
// the fit record, the numbers achieved from stage medians, the plan the sizes go into, and, through
// the binary, that an A/B applies one fit to every arm.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "harness/balance/balance_fit.hpp"
#include "harness/balance/balance_report.hpp"
#include "harness/engine/balance_solver.hpp"
#include "harness/balance/pilot_refine.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/embedded_profile.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace zkc::harness;

// A host where a variable costs 10 ns + 25 ns per multiplication, the products 100 ms per partition,
// a prep pass 20 ms, and b_g2 2 ms at 16 points, 16 ms at 256 and 96 ms at 2048.
UnitCosts synthetic_costs() {
  UnitCosts c;
  c.witness_ns_per_var = 10;
  c.witness_ns_per_mul = 25;
  c.synthesis_rest_ms = 100;
  c.prep_ms_per_pass = 20;
  c.upload_ms = 1;
  c.b_g2 = {{16, 2}, {256, 16}, {2048, 96}};
  c.memcpy_gib_per_s = 4;
  return c;
}

BalanceInputs inputs(unsigned pw = 2) {
  BalanceInputs in;
  in.partition_workers = pw;
  in.devices = 1;
  in.partitions = 2;
  in.gpu_workers = 2;
  in.aux = 1'000'000;
  in.b_g2_available = 100'000;
  return in;
}

TEST(BalanceSolver, HitsTheSeedNumbersOnSyntheticCosts) {
  const BalanceTargets t;  // the seed's
  const StageSizes s = solve_balance(synthetic_costs(), t, inputs());
  // Witness: 3 x 100 ms wanted = 1e6 x (10 + 25 m) ns -> m = round(11.6) = 12 -> 310 ms.
  EXPECT_EQ(s.witness_muls_per_var, 12u);
  EXPECT_DOUBLE_EQ(s.witness_ms, 310.0);
  EXPECT_DOUBLE_EQ(s.synthesis_ms, 410.0);
  // rho = pw x T / (devices x S) = 0.51 -> T = 0.51 x 410 / 2.
  EXPECT_DOUBLE_EQ(s.gpu_total_ms, 0.51 * 410 / 2);
  const double T = s.gpu_total_ms;
  EXPECT_NEAR(2 * T / s.synthesis_ms, 0.51, 1e-12);
  EXPECT_NEAR(s.prep_passes * 20, 0.94 * T, 1e-9);
  EXPECT_NEAR(s.prep_ms / T, 0.94, 1e-9);
  // The split: the seed's shares of k x T (ntt_msm_h minus the upload before it; register is the
  // pre-lock share), k chosen so the isolation schedule's median gpu_total is T.
  const double k = s.device_scale;
  EXPECT_NEAR(s.ntt_msm_h_ms + 1, 690.0 / 1800 * T * k, 1e-9);
  EXPECT_NEAR(s.batch_add_ms, 650.0 / 1800 * T * k, 1e-9);
  EXPECT_NEAR(s.tail_msm_ms, 83.0 / 1800 * T * k, 1e-9);
  EXPECT_NEAR(s.register_ms, (0.94 - 690.0 / 1800 - (1800.0 - 690 - 650 - 83) / 1800) * T * k, 1e-9);
  // P = 2 partitions on gw = 2 workers: the first waits for its prep (gpu_total 0.94 + 0.06 k of T),
  // the second only for the lock (0.79 k of T); their mean is T when k = 1.06 / 0.85:
  const double kernels = (690.0 + 650 + 83) / 1800, pre_lock = 0.94 - 690.0 / 1800 - (1800.0 - 690 - 650 - 83) / 1800;
  EXPECT_NEAR(k, (2 - 0.94) / (kernels + (650.0 + 83) / 1800 - pre_lock), 1e-6);
  const auto totals = isolation_gpu_totals(
      {s.register_ms, 1, s.ntt_msm_h_ms, s.batch_add_ms, s.tail_msm_ms, s.prep_ms, s.b_g2_ms}, inputs());
  ASSERT_EQ(totals.size(), 2u);
  EXPECT_NEAR((totals[0] + totals[1]) / 2, T, 1e-6);
  // b_g2 at 0.25 T = 26.1 ms lies between 256 (16 ms) and 2048 (96 ms) points on the log-log line.
  EXPECT_GT(s.b_g2_points, 256u);
  EXPECT_LT(s.b_g2_points, 2048u);
  EXPECT_NEAR(s.b_g2_ms / T, 0.25, 0.01);
  EXPECT_TRUE(s.limits.empty());
}

TEST(BalanceSolver, MorePartitionWorkersMeanALongerGpuStagePerPartition) {
  const StageSizes two = solve_balance(synthetic_costs(), BalanceTargets{}, inputs(2));
  const StageSizes ten = solve_balance(synthetic_costs(), BalanceTargets{}, inputs(10));
  // Same synthesis, rho kept: the GPU serves pw syntheses, so its time per partition shrinks with pw.
  EXPECT_DOUBLE_EQ(two.synthesis_ms, ten.synthesis_ms);
  EXPECT_NEAR(two.gpu_total_ms / ten.gpu_total_ms, 5.0, 1e-12);
  EXPECT_GT(two.prep_passes, ten.prep_passes);
  EXPECT_GT(two.b_g2_points, ten.b_g2_points);
}

TEST(BalanceSolver, ADeviceAnchorSizesSynthesisFromItsGpuTotal) {
  BalanceInputs in = inputs();
  in.gpu_total_anchor_ms = 102;  // S = pw x T / (rho x devices) = 400 ms = 100 ms products + 300 ms witness
  const StageSizes s = solve_balance(synthetic_costs(), BalanceTargets{}, in);
  EXPECT_DOUBLE_EQ(s.gpu_total_ms, 102.0);
  EXPECT_EQ(s.witness_muls_per_var, 12u);  // round((300 - 10) / 25)
  EXPECT_DOUBLE_EQ(s.synthesis_ms, 410.0);
}

TEST(BalanceSolver, SaysWhichTargetsItCannotReach) {
  UnitCosts c = synthetic_costs();
  c.b_g2 = {{16, 500}, {256, 800}};  // one point already costs more than a quarter of gpu_total
  c.prep_ms_per_pass = 1000;          // one pass is longer than prep's share
  c.tail_copy_ms = 50;                // the sim's tail copies alone exceed tail_msm's share
  const StageSizes s = solve_balance(c, BalanceTargets{}, inputs());
  EXPECT_EQ(s.b_g2_points, 1u);
  EXPECT_DOUBLE_EQ(s.prep_passes, 1.0);
  EXPECT_DOUBLE_EQ(s.tail_msm_ms, 0.0);
  ASSERT_EQ(s.limits.size(), 4u);
  // The 50 ms of tail copies and the long prep leave no device scale with the median gpu_total asked.
  EXPECT_NE(s.limits[0].find("gpu_total: no scale of the seed's device split"), std::string::npos) << s.limits[0];
  EXPECT_NE(s.limits[1].find("tail_msm"), std::string::npos) << s.limits[1];
  EXPECT_NE(s.limits[2].find("prep_msm: one pass takes 1e+03 ms"), std::string::npos) << s.limits[2];
  EXPECT_NE(s.limits[3].find("b_g2_msm: one point costs"), std::string::npos) << s.limits[3];

  BalanceInputs few = inputs();
  few.b_g2_available = 100;  // the B tail offers fewer points than wanted
  const StageSizes capped = solve_balance(synthetic_costs(), BalanceTargets{}, few);
  EXPECT_EQ(capped.b_g2_points, 100u);
  ASSERT_EQ(capped.limits.size(), 1u);
  EXPECT_NE(capped.limits[0].find("the B tail has 100"), std::string::npos) << capped.limits[0];
}

// synthesis.path = direct: witness + direct evaluation = direct_over_pce x the PCE synthesis solved.
TEST(BalanceSolver, SizesTheDirectEvaluationToDirectOverPceOfSynthesis) {
  UnitCosts c = synthetic_costs();
  c.direct_ns_per_term = 40;
  c.direct_ns_per_mul = 5;
  BalanceInputs in = inputs();
  in.terms = 2'000'000;
  const StageSizes s = solve_balance(c, BalanceTargets{}, in);
  // 1.42 x 410 - 310 = 272.2 ms over 2e6 terms = 136.1 ns -> m = round((136.1 - 40) / 5) = 19 -> 270 ms.
  EXPECT_EQ(s.direct_muls_per_term, 19u);
  EXPECT_DOUBLE_EQ(s.direct_ms, 270.0);
  EXPECT_NEAR((s.witness_ms + s.direct_ms) / s.synthesis_ms, 1.42, 0.01);
  EXPECT_TRUE(s.limits.empty());
  // Everything else is sized as without the direct path.
  const StageSizes pce = solve_balance(synthetic_costs(), BalanceTargets{}, in);
  EXPECT_EQ(pce.direct_muls_per_term, 0u);  // not measured: not sized
  EXPECT_DOUBLE_EQ(pce.direct_ms, 0.0);
  EXPECT_DOUBLE_EQ(pce.gpu_total_ms, s.gpu_total_ms);
  EXPECT_EQ(pce.witness_muls_per_var, s.witness_muls_per_var);

  c.direct_ns_per_term = 500;  // drawing the terms alone takes 1 s, above the 272 ms wanted
  const StageSizes slow = solve_balance(c, BalanceTargets{}, in);
  EXPECT_EQ(slow.direct_muls_per_term, 0u);
  ASSERT_EQ(slow.limits.size(), 1u);
  EXPECT_NE(slow.limits[0].find("direct_over_pce: drawing and evaluating the terms alone takes 1e+03 ms"),
            std::string::npos)
      << slow.limits[0];
}

TEST(BalanceSolver, RejectsCostsAndTargetsOutOfRange) {
  UnitCosts c = synthetic_costs();
  c.synthesis_rest_ms = 0;
  EXPECT_THROW(solve_balance(c, BalanceTargets{}, inputs()), std::invalid_argument);
  c = synthetic_costs();
  c.b_g2.clear();
  EXPECT_THROW(solve_balance(c, BalanceTargets{}, inputs()), std::invalid_argument);
  BalanceTargets t;
  t.witness_share = 1.0;
  EXPECT_THROW(solve_balance(synthetic_costs(), t, inputs()), std::invalid_argument);
  t = BalanceTargets{};
  t.ntt_msm_h_ms = 2000;  // kernels above gpu_total
  EXPECT_THROW(solve_balance(synthetic_costs(), t, inputs()), std::invalid_argument);
  EXPECT_THROW(solve_balance(synthetic_costs(), BalanceTargets{}, inputs(0)), std::invalid_argument);
}

TEST(BalanceSolver, MsmInterpolationIsLogLinearAndInvertible) {
  const std::vector<MsmReading> r = {{16, 2}, {256, 16}, {2048, 96}};
  EXPECT_DOUBLE_EQ(b_g2_ms_at(r, 256), 16.0);
  // Between 16 and 256 points the exponent is log(8) / log(16) = 0.75.
  EXPECT_NEAR(b_g2_ms_at(r, 64), 2 * std::pow(4.0, 0.75), 1e-9);
  for (const double ms : {1.0, 3.0, 16.0, 50.0, 200.0}) {
    EXPECT_NEAR(b_g2_ms_at(r, b_g2_points_for(r, ms)), ms, 1e-9 * ms) << ms;
  }
  EXPECT_DOUBLE_EQ(b_g2_ms_at({{100, 10}}, 300), 30.0);  // one reading: proportional
}

// The isolation schedule by hand: 3 partitions, 2 workers, one lock. Stages: register 1, upload 1,
// ntt 2, batch 3, tail 1, prep 6, b_g2 4.
TEST(IsolationSchedule, FirstPartitionsWaitForPrepLaterOnesForTheLock) {
  IsolationStages st{1, 1, 2, 3, 1, 6, 4};
  BalanceInputs in = inputs();
  in.partitions = 3;
  const auto t = isolation_gpu_totals(st, in);
  ASSERT_EQ(t.size(), 3u);
  // P0 on worker 0: lock at 1, upload + ntt to 4, waits for prep to 6, batch + tail to 10 -> 9.
  EXPECT_DOUBLE_EQ(t[0], 9.0);
  // P1 on worker 1: prep ends at 6, lock free at 10: 10 -> 10 + 3 + 4 = 17 -> 7 (no wait).
  EXPECT_DOUBLE_EQ(t[1], 7.0);
  // P2 on worker 0, free at max(10, 6 + 4) = 10: prep to 16, lock at max(11, 17) = 17, kernels to 20,
  // prep done already, batch + tail to 24 -> 7.
  EXPECT_DOUBLE_EQ(t[2], 7.0);
  // With two devices the second partition takes the other lock at once and waits for its prep too.
  in.devices = 2;
  in.gpu_workers = 1;
  const auto two = isolation_gpu_totals(st, in);
  EXPECT_DOUBLE_EQ(two[0], 9.0);
  EXPECT_DOUBLE_EQ(two[1], 9.0);
}

TEST(PilotCorrection, ScalesEachStageByMeasuredOverPredicted) {
  const UnitCosts c = synthetic_costs();
  const StageSizes s = solve_balance(c, BalanceTargets{}, inputs());
  StageMedians pilot;
  pilot.witness = 2 * s.witness_ms;       // witness twice as slow as predicted
  pilot.synthesis = pilot.witness + 150;  // the products took 150 ms, not 100
  pilot.prep = 3 * s.prep_ms;
  pilot.b_g2 = 0.5 * s.b_g2_ms;
  pilot.batch_add = s.batch_add_ms + 4;            // 4 ms of host copies beyond the model
  pilot.tail_msm = s.tail_msm_ms;
  const UnitCosts k = corrected_costs(c, s, pilot);
  EXPECT_NEAR(k.witness_ns_per_mul, 2 * c.witness_ns_per_mul, 1e-9);
  EXPECT_NEAR(k.witness_ns_per_var, 2 * c.witness_ns_per_var, 1e-9);
  EXPECT_NEAR(k.synthesis_rest_ms, 150, 1e-9);
  EXPECT_NEAR(k.prep_ms_per_pass, 3 * c.prep_ms_per_pass, 1e-9);
  for (std::size_t i = 0; i < c.b_g2.size(); ++i) EXPECT_NEAR(k.b_g2[i].ms, 0.5 * c.b_g2[i].ms, 1e-9);
  EXPECT_NEAR(k.batch_copy_ms, 4, 1e-9);
  EXPECT_NEAR(k.tail_copy_ms, 0, 1e-9);
  EXPECT_EQ(fit_json(BalanceFit{"", "", k, s, {}})["unit_costs"]["batch_copy_ms"], 4.0);

  // Damped half way (log terms): a factor 4 becomes 2.
  pilot.witness = 4 * s.witness_ms;
  const UnitCosts half = corrected_costs(c, s, pilot, 0.5);
  EXPECT_NEAR(half.witness_ns_per_mul, 2 * c.witness_ns_per_mul, 1e-9);

}

// A pilot of the direct path measured the direct evaluation, not the products: its costs move instead.
TEST(PilotCorrection, ADirectPilotCorrectsTheDirectEvaluationNotTheProducts) {
  UnitCosts c = synthetic_costs();
  c.direct_ns_per_term = 40;
  c.direct_ns_per_mul = 5;
  BalanceInputs in = inputs();
  in.terms = 2'000'000;
  const StageSizes s = solve_balance(c, BalanceTargets{}, in);
  StageMedians pilot;
  pilot.witness = s.witness_ms;
  pilot.synthesis = pilot.witness + 1.5 * s.direct_ms;
  const UnitCosts k = corrected_costs(c, s, pilot, 1.0, true);
  EXPECT_NEAR(k.direct_ns_per_term, 1.5 * c.direct_ns_per_term, 1e-9);
  EXPECT_NEAR(k.direct_ns_per_mul, 1.5 * c.direct_ns_per_mul, 1e-9);
  EXPECT_DOUBLE_EQ(k.synthesis_rest_ms, c.synthesis_rest_ms);
  EXPECT_DOUBLE_EQ(k.witness_ns_per_mul, c.witness_ns_per_mul);
  const UnitCosts pce = corrected_costs(c, s, pilot);  // read as a PCE pilot: the products moved
  EXPECT_DOUBLE_EQ(pce.direct_ns_per_term, c.direct_ns_per_term);
  EXPECT_NEAR(pce.synthesis_rest_ms, 1.5 * s.direct_ms, 1e-9);
}

TEST(PilotCorrection, ADevicesKernelMediansAnchorItsGpuTotal) {
  StageMedians device;
  device.ntt_msm_h = 69;
  device.batch_add = 65;
  device.tail_msm = 8.3;
  // 142.3 ms of kernels are 1423 / 1800 of the seed's gpu_total: the rest is the wait for prep.
  EXPECT_NEAR(gpu_total_anchor(BalanceTargets{}, device), 180.0, 1e-9);
}

TEST(FitRecord, RoundTripsThroughJsonAndNamesAMissingField) {
  BalanceFit f;
  f.key = "00ff";
  f.source = "measured in 1.0 s";
  f.costs = synthetic_costs();
  f.costs.tail_copy_ms = 3;
  f.sizes = solve_balance(f.costs, BalanceTargets{}, inputs());
  f.verified.gpu_total = 42;
  f.verified.post_lock_share = 0.05;
  const BalanceFit back = fit_from_json(nlohmann::json::parse(fit_json(f).dump()));
  EXPECT_EQ(fit_json(back), fit_json(f));
  EXPECT_EQ(back.sizes.b_g2_points, f.sizes.b_g2_points);
  EXPECT_DOUBLE_EQ(back.verified.gpu_total, 42.0);

  nlohmann::json broken = fit_json(f);
  broken["sizes"].erase("prep_passes");
  try {
    fit_from_json(broken);
    FAIL() << "accepted a fit without prep_passes";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("prep_passes"), std::string::npos) << e.what();
  }
}

RunPlan default_plan(const std::vector<std::string>& overrides = {}) {
  const auto cfg = zkc::config::load_config(
      zkc::config::pipeline_schema(),
      {{std::string(zkc::config::kDefaultProfileName), std::string(zkc::config::default_profile_toml())}}, overrides);
  MachineFacts m;
  m.online_cpus = 2;
  m.mem_available_bytes = std::uint64_t{16} << 30;
  m.cuda_note = "none in this test";
  return make_run_plan(cfg, m);
}

TEST(BalancePlan, TheDefaultProfileKeepsPwOverPAndAppliesAFitToTheSimulatedDevice) {
  RunPlan p = default_plan({"gpu.backend=\"sim\""});
  EXPECT_TRUE(p.balance_seed);
  EXPECT_EQ(p.partitions, p.partition_workers);  // workload.partitions = 0 -> pw
  BalanceFit f;
  f.costs = synthetic_costs();
  f.sizes = solve_balance(f.costs, p.balance_targets, balance_inputs(p));
  apply_balance_fit(p, f);
  EXPECT_EQ(p.witness.muls_per_var, f.sizes.witness_muls_per_var);
  EXPECT_DOUBLE_EQ(p.prep_passes, f.sizes.prep_passes);
  EXPECT_EQ(p.b_g2_points, f.sizes.b_g2_points);
  EXPECT_DOUBLE_EQ(p.ntt_msm_h_ms, f.sizes.ntt_msm_h_ms);
  EXPECT_DOUBLE_EQ(p.register_ms, f.sizes.register_ms);
  ASSERT_TRUE(p.fit.has_value());

  RunPlan slow = default_plan({"gpu.backend=\"sim\"", "gpu.time_factor=2"});
  apply_balance_fit(slow, f);
  EXPECT_DOUBLE_EQ(slow.batch_add_ms, 2 * f.sizes.batch_add_ms);  // a slower device on top of the balance

  RunPlan uniform = default_plan({"gpu.backend=\"sim\"", "workload.balance=\"uniform\"", "workload.partitions=10"});
  const double ntt = uniform.ntt_msm_h_ms;
  apply_balance_fit(uniform, f);
  EXPECT_FALSE(uniform.fit.has_value());
  EXPECT_DOUBLE_EQ(uniform.ntt_msm_h_ms, ntt);  // 690 ms x scale, as before the fit existed
  EXPECT_DOUBLE_EQ(ntt, 690 * uniform.scale);
  EXPECT_EQ(uniform.b_g2_points, 0u);
}

// The positive control (ab --controls): synthesis.extra_cost is a share of a partition's whole stage
// time in isolation (synthesis + prep_msm + b_g2_msm + GPU), done in synthesis as witness-chain
// multiplications at the fit's measured cost per multiplication.
TEST(BalancePlan, APositiveControlsExtraCostIsItsShareOfAPartitionsWorkInChainMultiplications) {
  BalanceFit f;
  f.costs = synthetic_costs();
  RunPlan plain = default_plan({"gpu.backend=\"sim\""});
  f.sizes = solve_balance(f.costs, plain.balance_targets, balance_inputs(plain));
  apply_balance_fit(plain, f);
  EXPECT_EQ(plain.witness.extra_muls, 0u);

  RunPlan control = default_plan({"gpu.backend=\"sim\"", "synthesis.extra_cost=0.03"});
  apply_balance_fit(control, f);
  const double partition_ms = f.sizes.synthesis_ms + f.sizes.prep_ms + f.sizes.b_g2_ms + f.sizes.gpu_total_ms;
  ASSERT_GT(partition_ms, f.sizes.synthesis_ms * 1.2) << "the other stages must count";
  const double expected = 0.03 * partition_ms * 1e6 / f.costs.witness_ns_per_mul;
  EXPECT_NEAR(static_cast<double>(control.witness.extra_muls), expected, 1.0);
  EXPECT_GT(control.witness.extra_muls, 0u);
  // Everything else the fit sets is the baseline's: the control differs only by the extra work.
  EXPECT_EQ(control.witness.muls_per_var, plain.witness.muls_per_var);
  EXPECT_EQ(control.b_g2_points, plain.b_g2_points);

  // Without a fit (uniform): the chain's share of synthesis stands in for the measured cost.
  const RunPlan uniform =
      default_plan({"gpu.backend=\"sim\"", "workload.balance=\"uniform\"", "synthesis.extra_cost=0.03"});
  EXPECT_NEAR(static_cast<double>(uniform.witness.extra_muls),
              0.03 * static_cast<double>(uniform.shape.aux) * uniform.witness.muls_per_var / 0.75, 1.0);
}

TEST(BalanceNumbers, AreRatiosOfStageMediansJudgedAgainstTheTolerance) {
  const RunPlan p = default_plan({"gpu.backend=\"sim\""});
  StageMedians m;
  m.synthesis = 400;
  m.witness = 300;
  m.gpu_total = 100;
  m.prep = 130;  // 1.30 / 0.94 = +38%: off
  m.b_g2 = 25;
  m.ntt_msm_h = 38;
  m.batch_add = 36;
  m.tail_msm = 10;  // off, but not decisive
  m.post_lock_share = 0.2;  // above the 10% bound: off
  const auto numbers = balance_numbers(p, &m);
  const auto find = [&](const std::string& key) {
    for (const auto& n : numbers)
      if (n.key == key) return n;
    throw std::runtime_error("no number " + key);
  };
  EXPECT_DOUBLE_EQ(find("rho").achieved, double(p.partition_workers) * 100 / 400);
  EXPECT_DOUBLE_EQ(find("witness_share").achieved, 0.75);
  EXPECT_FALSE(find("rho").off());  // 2 x 100 / 400 = 0.5 against 0.51
  EXPECT_TRUE(find("prep_over_gpu").off());
  EXPECT_FALSE(find("b_g2_over_gpu").off());
  EXPECT_TRUE(find("tail_share").off());
  EXPECT_TRUE(find("post_lock_share").off());
  const std::string off = off_numbers(numbers);
  EXPECT_NE(off.find("prep_msm / gpu_total is 1.3, target 0.94 (+38%)"), std::string::npos) << off;
  EXPECT_NE(off.find("b_g2 join"), std::string::npos) << off;
  EXPECT_EQ(off.find("tail_msm"), std::string::npos) << off;  // the device split is shown, not warned
  // Without measurements nothing is achieved and nothing is off.
  for (const auto& n : balance_numbers(p)) {
    EXPECT_TRUE(std::isnan(n.achieved)) << n.key;
    EXPECT_FALSE(n.off()) << n.key;
  }
}

// A direct run's synthesis is direct_over_pce times the PCE one: rho's and the witness share's targets
// follow; a fit whose pilots ran the PCE path has no pilot numbers for it; no I3 check is a trigger.
TEST(BalanceNumbers, ADirectRunsSynthesisTargetsAreThePceOnesOverDirectOverPce) {
  RunPlan p = default_plan({"gpu.backend=\"sim\"", "synthesis.path=\"direct\""});
  BalanceFit f;
  f.costs = synthetic_costs();
  f.costs.direct_ns_per_term = 40;
  f.costs.direct_ns_per_mul = 5;
  f.sizes = solve_balance(f.costs, p.balance_targets, balance_inputs(p));
  f.verified.gpu_total = 100;
  apply_balance_fit(p, f);
  EXPECT_EQ(p.direct.muls_per_term, f.sizes.direct_muls_per_term);
  const auto numbers = balance_numbers(p);
  const auto find = [&](const std::string& key) {
    for (const auto& n : numbers)
      if (n.key == key) return n;
    throw std::runtime_error("no number " + key);
  };
  EXPECT_DOUBLE_EQ(find("rho").target, 0.51 / 1.42);
  EXPECT_DOUBLE_EQ(find("witness_share").target, 0.75 / 1.42);
  EXPECT_DOUBLE_EQ(find("witness_share").planned, f.sizes.witness_ms / (f.sizes.witness_ms + f.sizes.direct_ms));
  EXPECT_DOUBLE_EQ(find("prep_over_gpu").target, 0.94);
  EXPECT_TRUE(pilot_numbers(p).empty());  // its pilots ran pce
  p.fit->pilots_direct = true;
  EXPECT_FALSE(pilot_numbers(p).empty());
  for (const Trigger& t : balance_triggers(p)) {
    if (t.name != "I3 flag checks per b_g2 window") continue;
    EXPECT_DOUBLE_EQ(t.achieved, 0.0);
    EXPECT_NE(t.why.find("nothing reads the flag"), std::string::npos) << t.why;
  }
}

TEST(BalanceTriggers, ComparePwOverPAndCacheRatiosWithTheSeed) {
  const RunPlan p = default_plan({"gpu.backend=\"sim\""});
  const auto triggers = balance_triggers(p);
  ASSERT_GE(triggers.size(), 6u);
  EXPECT_EQ(triggers[0].name.rfind("pw / P", 0), 0u);
  EXPECT_DOUBLE_EQ(triggers[0].achieved, 1.0);
  EXPECT_TRUE(triggers[0].kept);
  const RunPlan ten = default_plan({"gpu.backend=\"sim\"", "workload.partitions=10"});
  EXPECT_DOUBLE_EQ(balance_triggers(ten)[0].achieved, double(ten.partition_workers) / 10);
  EXPECT_FALSE(balance_triggers(ten)[0].kept);
  for (const auto& t : triggers) {
    EXPECT_GT(t.seed, 0) << t.name;
    if (!t.kept) {
      EXPECT_FALSE(t.why.empty()) << t.name;
    }
  }
}

// One fit, measured once before the first run, applied to every arm, also where the arms' pool sizes
// differ (I1+I2 bounds the groth16 pool): the arms differ only in their toggles.
TEST(BalanceFitCli, AnAbAppliesOneFitToEveryArm) {
  const zkc::test_support::TempDir tmp;
  const fs::path cache = tmp.path() / "cache";
  ASSERT_EQ(setenv("ZKC_FIT_CACHE", cache.c_str(), 1), 0);
  const auto r = zkc::test_support::run_zkcontend(
      "ab --config " + std::string(ZKC_SOURCE_DIR) + "/configs/ci.toml --arms baseline,I1+I2 --repeats 1 -c 1 -q " +
      "--set gpus.gpu_threads=2 --results " + tmp.path().string() + " --id ab");
  unsetenv("ZKC_FIT_CACHE");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("balance seed: fit measured in"), std::string::npos) << r.output;
  // Stored once, for the baseline arm's plan.
  ASSERT_TRUE(fs::is_directory(cache));
  EXPECT_EQ(std::distance(fs::directory_iterator(cache), fs::directory_iterator{}), 1);

  const auto meta = [&](const std::string& run) {
    return nlohmann::json::parse(read_text_file(tmp.path() / "ab" / "runs" / run / "meta.json"));
  };
  const auto base = meta("baseline-r0"), bounded = meta("I1-I2-r0");
  ASSERT_TRUE(base["balance"]["fit"].is_object()) << base["balance"].dump();
  EXPECT_EQ(base["balance"]["mode"], "seed");
  EXPECT_EQ(base["balance"]["fit"]["sizes"], bounded["balance"]["fit"]["sizes"]);
  EXPECT_EQ(base["balance"]["fit"]["key"], bounded["balance"]["fit"]["key"]);
  ASSERT_EQ(base["balance"]["gpu_stages"].size(), 4u);
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(base["balance"]["gpu_stages"][i]["modelled_ms"], bounded["balance"]["gpu_stages"][i]["modelled_ms"]);
  }
  // ... while the arms' groth16 pools did differ.
  const auto config = [&](const std::string& run) { return read_text_file(tmp.path() / "ab" / "runs" / run / "config.toml"); };
  EXPECT_NE(config("baseline-r0").find("gpu_threads = 2"), std::string::npos);
  EXPECT_EQ(config("I1-I2-r0").find("gpu_threads = 2"), std::string::npos);
  // The fitted witness cost is what config.toml says the run used.
  const auto muls = base["balance"]["fit"]["sizes"]["witness_muls_per_var"].get<unsigned>();
  EXPECT_NE(config("I1-I2-r0").find("witness_muls_per_var = " + std::to_string(muls)), std::string::npos)
      << config("I1-I2-r0");
  // Every number of the table reached meta.json, achieved from the run's medians.
  ASSERT_EQ(base["balance"]["numbers"].size(), balance_numbers(default_plan()).size());
  EXPECT_TRUE(base["balance"]["numbers"][0]["achieved"].is_number());
}

}  // namespace
