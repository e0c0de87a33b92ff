// What GPUs this process can use. Plain C++ interface: callers need no CUDA headers.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace zkc::gpu {

struct DeviceInfo {
  int index = 0;
  std::string name;
  std::size_t total_memory_bytes = 0;
  int compute_major = 0;
  int compute_minor = 0;
  int multiprocessors = 0;
};

struct Probe {
  bool built_with_cuda = false;
  std::vector<DeviceInfo> devices;
  std::string status;  // why there are no devices, when there are none
};

Probe probe_devices();

}  // namespace zkc::gpu
