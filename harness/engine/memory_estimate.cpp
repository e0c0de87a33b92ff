#include "harness/engine/memory_estimate.hpp"

#include <fmt/format.h>

#include "kernels/curve/g2.hpp"
#include "kernels/msm/msm_plan.hpp"

namespace zkc::harness {
namespace {

std::string mib(std::uint64_t bytes) { return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / (1 << 20)); }

}  // namespace

std::uint64_t MemoryEstimate::total() const {
  std::uint64_t sum = 0;
  for (const auto& i : items) sum += i.total();
  return sum;
}

MemoryEstimate worst_case_memory(const RunPlan& plan) {
  const auto b = workloads::shape_bytes(plan.shape);
  const std::uint64_t gpu_workers = std::uint64_t{plan.gpu_workers_per_device} * plan.devices;
  const std::uint64_t partition_core = b.aux + b.abc + b.density;  // what a synthesized partition holds
  MemoryEstimate e;
  e.items.push_back({"shared CSR (A, B, C)", 1, b.csr_shared});
  e.items.push_back({"pinned SRS (H, L, A, B_G1, B_G2)", 1, b.srs_pinned});
  if (plan.memory.arena) {
    // Frees are no-ops: every page a slot's partitions touched stays resident for the next one.
    e.items.push_back({"arena slots (inputs, aux, witness copy, a/b/c, density, split vectors)",
                       plan.memory.arena_slots, 2 * b.witness + b.abc + b.density + b.split_vectors});
  } else {
    e.items.push_back({"synthesis in progress (aux, witness copy, a/b/c, density)", plan.partition_workers,
                       partition_core + b.witness});
    e.items.push_back({"GPU queue (aux, a/b/c, density)", plan.gpu_queue_capacity, partition_core});
    e.items.push_back({"on GPU workers (aux, a/b/c, density, split vectors)", gpu_workers,
                       partition_core + b.split_vectors});
    if (plan.finalize == FinalizeMode::kSplit) {
      // Handed to the finalizer, waiting for b_g2: bounded by engine.max_finalizing; unbounded, about
      // one per GPU worker while b_g2 keeps up (more when it does not).
      const bool abc_late = plan.abc_release == AbcRelease::kDeallocThread;
      e.items.push_back({plan.max_finalizing > 0 ? "finalizing (aux, density, split vectors; a/b/c at Phase 11)"
                                                 : "finalizing, unbounded: ~1 per GPU worker (aux, density, split "
                                                   "vectors; a/b/c at Phase 11)",
                         plan.max_finalizing > 0 ? plan.max_finalizing : gpu_workers,
                         b.aux + b.density + b.split_vectors + (abc_late ? b.abc : 0)});
    }
  }
  e.items.push_back({"GPU staging (pinned)", plan.devices, b.gpu_staging});
  const auto tail_points = static_cast<std::uint64_t>(static_cast<double>(plan.shape.srs_b_g2) *
                                                      plan.witness.tail_fraction) + 1;
  const MsmPlan msm = plan_msm(tail_points, plan.gpu_threads, sizeof(G2Xyzz));
  e.items.push_back({"b_g2_msm buckets", gpu_workers, msm.bucket_bytes_per_worker * msm.workers});
  if (!plan.memory.arena) {
    const std::uint64_t backlog = plan.serialize_dealloc ? 1 : gpu_workers;
    // At Phase 11 (abc_release = dealloc_thread) a/b/c wait for the Rust-side dealloc thread too.
    const bool abc_late = plan.abc_release == AbcRelease::kDeallocThread;
    e.items.push_back({abc_late ? "dealloc backlog (split vectors; aux, a/b/c, density)"
                                : "dealloc backlog (split vectors; aux, density)",
                       backlog, b.split_vectors + b.aux + b.density + (abc_late ? b.abc : 0)});
  }
  // Free lists (madv_free, reuse) hold at most what was live at the high-water mark, counted above.
  return e;
}

std::string format_estimate(const MemoryEstimate& e, std::uint64_t available_bytes) {
  std::string out;
  for (const auto& i : e.items) {
    out += fmt::format("  {:<58} {:>4} x {:>12} = {:>12}\n", i.what, i.count, mib(i.bytes_each), mib(i.total()));
  }
  out += fmt::format("  {:<58} {:>34}\n", "estimated peak", mib(e.total()));
  out += fmt::format("  {:<58} {:>34}\n", fmt::format("limit ({:.0f}% of available {})", kMemoryLimitFraction * 100,
                                                       mib(available_bytes)),
                     mib(static_cast<std::uint64_t>(kMemoryLimitFraction * static_cast<double>(available_bytes))));
  return out;
}

}  // namespace zkc::harness
