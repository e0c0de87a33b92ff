#include "harness/engine/partition_memory.hpp"

namespace zkc::harness {

PartitionMemory::PartitionMemory(const MemoryPlan& plan) {
  if (plan.arena) {
    slots_ = std::make_unique<workloads::ArenaSlotPool>(plan.arena_slots, plan.arena_options);
  } else if (plan.release == workloads::ReleaseMethod::kMunmap) {
    shared_ = std::make_unique<workloads::MmapSource>();
  } else {
    shared_ = std::make_unique<workloads::RecyclingSource>(plan.release);
  }
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
  return s;
}

}  // namespace zkc::harness
