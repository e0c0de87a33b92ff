// Does one partition fit the simulated device at this scale? gpu.vram_gib shrinks with the FFT domain,
// but at tiny scales the rest does not: the domain stays at least 2, every SRS section at least one
// point, so below some scale d_batch + d_tail outgrow the scaled device and the first partition fails
// "out of memory" after --dry-run accepted the profile. This finds that out before the run, naming the
// smallest scale that fits (config::ConfigError, exit 2).
#pragma once

#include <cstdint>

#include "workloads/shape/partition_shape.hpp"

namespace zkc::harness {

struct SimDeviceInputs {
  workloads::FullScaleShape full;
  double vram_gib = 16;        // gpu.vram_gib, at full scale
  double tail_fraction = 0.25;  // workload.tail_fraction
  bool kept_device_buffers = false;  // gpu.device_buffers = kept: d_a stays beside everything else
};

// The simulated device's memory at `scale` (as plan_at_scale sizes it: with the FFT domain).
std::uint64_t sim_vram_bytes(const SimDeviceInputs& in, double scale);
// A generous estimate of one partition's largest device allocation set: d_abc, or d_batch + d_tail
// (the tails' expected size plus four standard deviations); with kept device buffers, d_a plus the
// larger of d_b and d_batch + d_tail (the pool's high-water mark).
std::uint64_t sim_partition_bytes(const SimDeviceInputs& in, double scale);
// Throws config::ConfigError when sim_partition_bytes exceeds sim_vram_bytes at `scale` but not at full
// scale (a gpu.vram_gib too small at every scale is left to the run: it fails as the real device does).
void check_sim_device_fits(const SimDeviceInputs& in, double scale);

}  // namespace zkc::harness
