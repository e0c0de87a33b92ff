// GpuResources: the per-device objects the seed's Phase 11 passes around as one struct: the device
// lock that serialises GPU work and intervention I3's memory-bandwidth throttle flag, next to the
// device itself. The engine owns one per device and passes it to the stages that need it; nothing
// here is global.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "workloads/gpu/gpu_device.hpp"

namespace zkc::workloads {

struct GpuResources {
  explicit GpuResources(std::unique_ptr<GpuDevice> dev) : device(std::move(dev)) {}

  std::mutex gpu_mutex;                  // held from before the first upload to after the last kernel
  // > 0 while a b_g2_msm runs (I3): synthesis SpMV yields. A count rather than the seed's 0/1 store,
  // so that with gw > 1 one worker's b_g2 ending does not clear the flag under another's.
  std::atomic<int> membw_throttle{0};
  std::unique_ptr<GpuDevice> device;
};

}  // namespace zkc::workloads
