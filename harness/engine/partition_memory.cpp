#include "harness/engine/partition_memory.hpp"

#include <fmt/format.h>

#include "harness/recorder/recorder.hpp"
#include "workloads/gpu/cuda_host_memory.hpp"

namespace zkc::harness {

PartitionMemory::PartitionMemory(const MemoryPlan& plan) {
  if (plan.arena) {
    slots_ = std::make_unique<workloads::ArenaSlotPool>(plan.arena_slots, plan.arena_options);
  } else if (plan.release == workloads::ReleaseMethod::kMunmap) {
    shared_ = std::make_unique<workloads::MmapSource>();
  } else {
    shared_ = std::make_unique<workloads::RecyclingSource>(plan.release);
  }
  if (plan.pinned_pool) {
    std::unique_ptr<workloads::PinnedAllocator> allocator;
    if (plan.pinned_cuda) {
      allocator = std::make_unique<workloads::CudaHostAllocator>();
    } else {
      allocator = std::make_unique<workloads::LockedMmapAllocator>();
    }
    pinned_ = std::make_unique<workloads::PinnedPool>(std::move(allocator),
                                                      workloads::PinnedPool::Options{plan.pinned_pool_idle_ms});
  }
}

PartitionMemory::PoolWatch::~PoolWatch() {
  if (pool_ != nullptr) pool_->set_observer({});
}

PartitionMemory::PoolWatch PartitionMemory::watch_pinned_pool(Recorder& rec) {
  if (pinned_ == nullptr) return PoolWatch(nullptr);
  pinned_->set_observer([&rec](const workloads::PinnedPoolEvent& e) {
    rec.event(model::Event::kPinnedShrink, "pinned-pool",
              fmt::format("buffers={},bytes={},free={}", e.buffers, e.bytes, e.free_buffers));
  });
  return PoolWatch(pinned_.get());
}

PartitionSource PartitionMemory::acquire(bool* waited) {
  if (!slots_) {
    if (waited != nullptr) *waited = false;
    return {nullptr, shared_.get()};
  }
  auto lease = slots_->acquire(waited);
  workloads::RegionSource* source = lease.get();
  return {std::move(lease), source};
}

void PartitionMemory::cancel() {
  if (slots_) slots_->cancel();
}

MemoryStats PartitionMemory::stats() const {
  MemoryStats s;
  if (slots_) {
    s.source = "arena";
    s.arena = slots_->stats();
    s.regions = workloads::region_stats(*s.arena);
  } else {
    s.source = std::string(shared_->name());
    s.regions = shared_->stats();
  }
  if (pinned_) {
    s.pinned = pinned_->stats();
    s.pinned_allocator = std::string(pinned_->allocator().name());
    s.pinned_note = pinned_->allocator().note();
  }
  return s;
}

}  // namespace zkc::harness
