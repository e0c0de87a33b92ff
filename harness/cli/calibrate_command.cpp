#include "harness/cli/calibrate_command.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <chrono>
#include <ctime>
#include <filesystem>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/calibration.hpp"
#include "harness/engine/engine.hpp"
#include "harness/system/text_file.hpp"
#include "kernels/cuda/device_info.hpp"

namespace zkc::cli {

void add_calibrate_options(CLI::App& cmd, CalibrateOptions& opts) {
  add_profile_options(cmd, opts.profile);
  cmd.add_option("--out", opts.out, "Also write the fragment to this file (replaced if it exists)");
  cmd.add_flag("-q,--quiet", opts.quiet, "No set-up steps");
}

int run_calibrate(const CalibrateOptions& opts) {
  const gpu::Probe probe = gpu::probe_devices();
  if (probe.devices.empty()) {
    fmt::print(stderr,
               "zkcontend calibrate: no CUDA device to measure: {}\n"
               "Run calibrate on the machine with the GPU; the fragment it writes makes the sim backend reproduce "
               "that GPU's timings here.\n",
               probe.status);
    return kExitUsage;
  }
  const harness::MachineFacts machine = machine_facts();
  ConfigInput input = config_input(opts.profile);
  input.overrides.push_back("gpu.backend=\"cuda\"");  // what is measured; a sim run would measure the model
  PreparedRun run;
  try {
    run = prepare_run(input, machine);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend calibrate: invalid configuration:\n{}\n", e.what());
    return kExitUsage;
  }
  const harness::RunPlan& plan = run.plan;
  fmt::print(stderr, "zkcontend calibrate: {}\n", describe_plan(plan));
  if (over_memory_limit(plan, machine)) {
    fmt::print(stderr, "zkcontend calibrate: the profile's estimated peak memory exceeds {:.0f}% of available "
                       "memory; lower workload.scale or batch.count\n",
               harness::kMemoryLimitFraction * 100);
    return kExitUsage;
  }
  harness::EngineResult result;
  try {
    harness::EngineCallbacks cb;
    if (!opts.quiet) cb.on_setup_step = [](const std::string& s) { fmt::print(stderr, "  {}\n", s); };
    result = harness::run_engine(plan, cb);
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend calibrate: the run failed: {}\n", e.what());
    return kExitFailure;
  }
  const analysis::RunMetrics m = analysis::compute_metrics(result.events);
  const gpu::DeviceInfo& dev = probe.devices.front();
  CalibrationInput in;
  in.device_name = dev.name;
  in.device_index = dev.index;
  in.device_memory_bytes = dev.total_memory_bytes;
  in.scale = plan.scale;
  in.constraints = plan.shape.constraints;
  in.domain_log2 = plan.shape.domain_log2;
  in.partitions = m.gpu_total_ms.count;
  in.ntt_msm_h_ms = m.ntt_msm_h_ms.p50;
  in.batch_add_ms = m.batch_add_ms.p50;
  in.tail_msm_ms = m.tail_msm_ms.p50;
  in.gpu_total_ms = m.gpu_total_ms.p50;
  in.measured_at = fmt::format("{:%Y-%m-%dT%H:%M:%S}", fmt::localtime(std::time(nullptr)));
  std::string fragment;
  try {
    fragment = calibration_toml(in);
    if (!opts.out.empty()) harness::write_text_file(opts.out, fragment);
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend calibrate: {}\n", e.what());
    return kExitFailure;
  }
  fmt::print("{}", fragment);
  return kExitOk;
}

}  // namespace zkc::cli
