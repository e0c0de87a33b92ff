// The GPU backend choice (gpu.backend = auto | cuda | sim) on machines posed with and without a CUDA
// device, and `zkcontend calibrate`: the fragment it writes loads as a profile and gives the sim
// backend the measured times back; without a device the command says so and exits 2.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "harness/cli/calibration.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/run_plan.hpp"
#include "kernels/cuda/device_info.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace zkc {
namespace {

const std::string kCi = std::string(ZKC_SOURCE_DIR) + "/configs/ci.toml";

harness::MachineFacts machine(unsigned cuda_devices) {
  harness::MachineFacts m;
  m.online_cpus = 2;
  m.mem_available_bytes = 8ull << 30;
  m.cuda_device_present = cuda_devices > 0;
  m.cuda_devices = cuda_devices;
  m.cuda_device_name = cuda_devices > 0 ? "Test GPU" : "";
  m.cuda_note = cuda_devices > 0 ? "" : "no CUDA device present";
  return m;
}

harness::RunPlan plan(const std::vector<std::string>& overrides, unsigned cuda_devices,
                      const std::vector<std::filesystem::path>& files = {kCi}) {
  return harness::make_run_plan(config::load_config_files(config::pipeline_schema(), files, overrides),
                                machine(cuda_devices));
}

TEST(GpuBackend, AutoPicksCudaWhenADeviceIsPresentAndSimOtherwise) {
  const auto with = plan({"gpu.backend=\"auto\""}, 1);
  EXPECT_EQ(with.backend, harness::GpuBackendKind::kCuda);
  EXPECT_NE(with.backend_note.find("cuda (auto"), std::string::npos) << with.backend_note;
  EXPECT_NE(with.backend_note.find("Test GPU"), std::string::npos) << with.backend_note;
  const auto without = plan({"gpu.backend=\"auto\""}, 0);
  EXPECT_EQ(without.backend, harness::GpuBackendKind::kSim);
  EXPECT_EQ(without.backend_note, "sim (auto: no CUDA device present)");
  EXPECT_EQ(plan({"gpu.backend=\"sim\""}, 1).backend, harness::GpuBackendKind::kSim) << "sim stays sim on a GPU";
}

TEST(GpuBackend, CudaWithoutADeviceOrWithTooFewIsAConfigError) {
  try {
    plan({"gpu.backend=\"cuda\""}, 0);
    FAIL() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("gpu.backend = \"cuda\": no CUDA device present"), std::string::npos) << e.what();
  }
  try {
    plan({"gpu.backend=\"cuda\"", "gpus.devices=2"}, 1);
    FAIL() << "expected a ConfigError";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("gpus.devices = 2 with the cuda backend"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(plan({"gpu.backend=\"cuda\"", "gpu.cuda_trim=false"}, 1).backend == harness::GpuBackendKind::kCuda);
  EXPECT_FALSE(plan({"gpu.backend=\"cuda\"", "gpu.cuda_trim=false"}, 1).cuda_trim);
}

cli::CalibrationInput measured() {
  cli::CalibrationInput in;
  in.device_name = "NVIDIA H200";
  in.device_memory_bytes = 143ull << 30;
  in.scale = 0.001;
  in.constraints = 130279;
  in.domain_log2 = 17;
  in.partitions = 20;
  in.ntt_msm_h_ms = 1.5;
  in.batch_add_ms = 0.75;
  in.tail_msm_ms = 0.25;
  in.gpu_total_ms = 3.0;
  in.measured_at = "2026-11-21T12:00:00";
  return in;
}

TEST(Calibration, FragmentLoadsAsAProfileAndGivesTheSimTheMeasuredTimesBack) {
  const std::string toml = cli::calibration_toml(measured());
  EXPECT_NE(toml.find("NVIDIA H200"), std::string::npos) << toml;
  const test_support::TempDir dir;
  dir.write("gpu.toml", toml);
  const auto cfg = config::load_config_files(config::pipeline_schema(), {kCi, (dir.path() / "gpu.toml").string()}, {});
  EXPECT_EQ(cfg.get_string("gpu.backend"), "sim");
  EXPECT_DOUBLE_EQ(cfg.get_double("gpu.ntt_msm_h_ms"), 1500.0);  // 1.5 ms / scale 0.001
  EXPECT_DOUBLE_EQ(cfg.get_double("gpu.batch_add_ms"), 750.0);
  EXPECT_DOUBLE_EQ(cfg.get_double("gpu.tail_msm_ms"), 250.0);
  EXPECT_DOUBLE_EQ(cfg.get_double("gpu.time_factor"), 1.0);
  EXPECT_DOUBLE_EQ(cfg.get_double("gpu.vram_gib"), 143.0);
  // At the measured scale the sim's modelled stage times are the measured ones.
  const auto p = plan({"workload.scale=0.001"}, 0, {kCi, (dir.path() / "gpu.toml").string()});
  EXPECT_NEAR(p.ntt_msm_h_ms, 1.5, 1e-9);
  EXPECT_NEAR(p.batch_add_ms, 0.75, 1e-9);
  EXPECT_NEAR(p.tail_msm_ms, 0.25, 1e-9);
}

TEST(Calibration, RefusesANonPositiveScaleOrNoMeasurement) {
  auto in = measured();
  in.scale = 0;
  EXPECT_THROW(cli::calibration_toml(in), std::invalid_argument);
  in = measured();
  in.partitions = 0;
  EXPECT_THROW(cli::calibration_toml(in), std::invalid_argument);
}

TEST(Calibration, WithoutADeviceSaysSoAndExitsTwo) {
  const gpu::Probe probe = gpu::probe_devices();
  if (!probe.devices.empty()) GTEST_SKIP() << "a CUDA device is present: calibrate would measure it";
  const test_support::TempDir dir;
  const auto r = test_support::run_zkcontend("calibrate --config " + kCi + " --out " + (dir.path() / "f.toml").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no CUDA device to measure: " + probe.status), std::string::npos) << r.output;
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "f.toml"));
}

}  // namespace
}  // namespace zkc
