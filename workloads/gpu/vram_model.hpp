// VramModel: device memory as the simulated GPU sees it, a budget with named allocations. An
// allocation that does not fit fails like cudaMalloc did in the real Phase 10 OOM, so an
// over-subscribed configuration fails here the way it failed there.
#pragma once

#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <string_view>

namespace zkc::workloads {

// A device allocation failed: the message names the allocation, the request and what was free.
class GpuOutOfMemory : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
  // "out of memory: <what> needs X MiB, Y MiB free of Z MiB on device D": one wording for every
  // backend, so a simulated and a real device fail alike.
  static GpuOutOfMemory for_allocation(std::string_view what, std::uint64_t bytes, std::uint64_t free_bytes,
                                       std::uint64_t total_bytes, int device);
};

class VramModel {
 public:
  explicit VramModel(std::uint64_t total_bytes) : total_(total_bytes) {}

  // Reserves `bytes`; throws GpuOutOfMemory ("out of memory: <what> needs X MiB, Y MiB free of Z MiB
  // on device D") when it does not fit. Thread-safe.
  void allocate(std::string_view what, std::uint64_t bytes);
  void release(std::uint64_t bytes);  // throws std::logic_error when more than allocated
  std::uint64_t total() const { return total_; }
  std::uint64_t used() const;
  std::uint64_t free() const;
  std::uint64_t peak() const;
  void set_device_index(int device) { device_ = device; }

 private:
  mutable std::mutex mutex_;
  std::uint64_t total_;
  std::uint64_t used_ = 0;
  std::uint64_t peak_ = 0;
  int device_ = 0;
};

// A device's stream-ordered memory pool with release threshold = max (gpu.device_buffers = kept, the
// real prover since b5962135): a freed block stays reserved on the device and serves later
// allocations; only what the blocks in use outgrow is a real allocation (the slow one). Modelled as
// one reserved extent, without fragmentation. Used under the device lock.
class VramPool {
 public:
  explicit VramPool(VramModel& vram) : vram_(vram) {}

  // Takes `bytes` from the pool; returns the bytes the pool grew by on the device (0 = served from
  // what it holds). Throws GpuOutOfMemory, naming `what`, when the growth does not fit.
  std::uint64_t allocate(std::string_view what, std::uint64_t bytes);
  void release(std::uint64_t bytes);  // back to the pool, still reserved; logic_error beyond in_use
  std::uint64_t reserved() const { return reserved_; }
  std::uint64_t in_use() const { return in_use_; }

 private:
  VramModel& vram_;
  std::uint64_t reserved_ = 0;
  std::uint64_t in_use_ = 0;
};

}  // namespace zkc::workloads
