#include "workloads/gpu/vram_model.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace zkc::workloads {
namespace {

double mib(std::uint64_t bytes) { return static_cast<double>(bytes) / (1024.0 * 1024.0); }

}  // namespace

GpuOutOfMemory GpuOutOfMemory::for_allocation(std::string_view what, std::uint64_t bytes, std::uint64_t free_bytes,
                                              std::uint64_t total_bytes, int device) {
  return GpuOutOfMemory(fmt::format("out of memory: {} needs {:.1f} MiB, {:.1f} MiB free of {:.1f} MiB on device {}",
                                    what, mib(bytes), mib(free_bytes), mib(total_bytes), device));
}

void VramModel::allocate(std::string_view what, std::uint64_t bytes) {
  const std::lock_guard lock(mutex_);
  const std::uint64_t free_bytes = total_ - used_;
  if (bytes > free_bytes) {
    throw GpuOutOfMemory::for_allocation(what, bytes, free_bytes, total_, device_);
  }
  used_ += bytes;
  peak_ = std::max(peak_, used_);
}

void VramModel::release(std::uint64_t bytes) {
  const std::lock_guard lock(mutex_);
  if (bytes > used_) {
    throw std::logic_error(fmt::format("VramModel: release of {} bytes on device {} exceeds the {} bytes allocated",
                                       bytes, device_, used_));
  }
  used_ -= bytes;
}

std::uint64_t VramModel::used() const {
  const std::lock_guard lock(mutex_);
  return used_;
}

std::uint64_t VramModel::free() const {
  const std::lock_guard lock(mutex_);
  return total_ - used_;
}

std::uint64_t VramModel::peak() const {
  const std::lock_guard lock(mutex_);
  return peak_;
}

std::uint64_t VramPool::allocate(std::string_view what, std::uint64_t bytes) {
  const std::uint64_t growth = in_use_ + bytes > reserved_ ? in_use_ + bytes - reserved_ : 0;
  if (growth != 0) vram_.allocate(what, growth);
  reserved_ += growth;
  in_use_ += bytes;
  return growth;
}

void VramPool::release(std::uint64_t bytes) {
  if (bytes > in_use_) {
    throw std::logic_error(fmt::format("VramPool: release of {} bytes exceeds the {} bytes in use", bytes, in_use_));
  }
  in_use_ -= bytes;
}

}  // namespace zkc::workloads
