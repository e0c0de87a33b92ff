// The profile fragment `zkcontend calibrate` writes: a device's measured stage times turned into
// the sim backend's full-scale keys, so a machine without that GPU reproduces its timings.
// The sim models kernel time as gpu.<stage>_ms x workload.scale x gpu.time_factor, so the fragment
// holds measured / scale; kernels do not scale linearly with size (NTT ~ n log n, MSM ~ n / log n),
// so the fragment is exact at the scale it was measured at and an estimate elsewhere (it says so).
#pragma once

#include <cstdint>
#include <string>

namespace zkc::cli {

struct CalibrationInput {
  std::string device_name;  // "NVIDIA H200"
  int device_index = 0;
  std::uint64_t device_memory_bytes = 0;
  double scale = 0;  // workload.scale of the measurement
  std::uint32_t constraints = 0;
  unsigned domain_log2 = 0;
  std::size_t partitions = 0;  // GPU_TIMING events measured
  // Medians of the device's own times (CUDA events), ms at the measured scale.
  double ntt_msm_h_ms = 0, batch_add_ms = 0, tail_msm_ms = 0, gpu_total_ms = 0;
  std::string measured_at;  // local ISO 8601 time
};

// A TOML fragment setting gpu.backend = "sim", gpu.ntt_msm_h_ms / batch_add_ms / tail_msm_ms (full
// scale), gpu.time_factor = 1 and gpu.vram_gib (the device's memory), with comments saying where
// each value came from. Throws std::invalid_argument for scale <= 0 or no partitions.
std::string calibration_toml(const CalibrationInput& in);

}  // namespace zkc::cli
