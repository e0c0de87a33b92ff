// The accounting. Where its sizes differ from harness/engine/memory_estimate.cpp's (the old estimate:
// every stage's worst case, all at once), and why; at full scale (the seed shape, tail_fraction 0.25):
//   split vectors   the estimate counts their mapping: every srs_a and srs_b_g2 entry (26.8 GiB with
//                   this harness's 112 / 208-byte affine points). allocate_split_vectors maps that
//                   much, but prep_msm writes only the tail (tail_fraction of them) and the bitmaps,
//                   and untouched pages are never resident: 7.1 GiB.
//   GPU staging     the estimate counts 3 x domain x 32 B (12 GiB) per device on every backend; only
//                   the sim backend allocates it (its memcpy stands in for the upload). The cuda backend,
//                   like the real prover, uploads from the registered or pooled a/b/c: nothing.
//   witness copy    the estimate counts it through the whole synthesis, and on the direct path too; it
//                   lives from witness_gen's end to the products' end, and only on the PCE path.
//   a/b/c           allocated after witness generation (75% of synthesis at full scale), not at
//                   SYNTH_START; freed at LOCK_RELEASED at Phase 12.
//   counts          the estimate adds pw syntheses + a full GPU queue + gw partitions on the GPU +
//                   gw finalizing + the dealloc backlog at their largest, together: that never happens
//                   (a full queue means the GPU is behind, so synthesis waits; at Phase 12 a/b/c go
//                   before finalize). The timeline says which are in flight together: the main error.
//   runtime         the estimate has none; here kProcessRuntimeBytes.
// Kept as the harness allocates them: the pinned SRS (51 GiB at full scale: this harness's affine
// points carry an infinity flag and padding, 112 and 208 bytes against the real 96 and 192, whose
// SRS is 44 GiB) and the CSR (25.7 GiB, the real PCE's size).
#include "harness/vtime/memory_timeline.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <set>

#include "harness/vtime/memory_moments.hpp"
#include "harness/vtime/memory_strategies.hpp"
#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "workloads/memory/syscall_error.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"

namespace zkc::harness::vtime {
namespace {

constexpr double kNever = std::numeric_limits<double>::infinity();

std::uint64_t pages(std::uint64_t bytes) {
  const std::uint64_t page = workloads::page_size();
  return (bytes + page - 1) / page * page;
}

std::uint64_t expected_count(std::uint64_t n, double fraction) {
  return static_cast<std::uint64_t>(std::llround(static_cast<double>(n) * fraction));
}

// What a partition's own buffers hold (the system allocator, any release method).
void partition_lives(const RunPlan& plan, const BufferSizes& s, const PartitionMoments& m,
                     std::vector<BufferLife>& out) {
  if (!m.synth_start) return;
  const auto at = [](const std::optional<double>& t) { return t.value_or(kNever); };
  const auto add = [&](std::string_view what, double from, double to, std::uint64_t bytes) {
    if (bytes > 0 && from < to) out.push_back({std::string(what), m.proof, m.partition, from, to, bytes});
  };
  const double rust_end = at(m.dealloc_rust_end);
  add(item::kAux, *m.synth_start, rust_end, s.aux);
  const double products_end = at(m.products_end);
  if (m.witness_end) {
    add(item::kWitnessCopy, *m.witness_end, products_end, s.witness_copy);
    if (!plan.memory.pinned_pool) {
      const double abc_free = plan.abc_release == AbcRelease::kGpuWorker ? at(m.lock_released) : rust_end;
      add(item::kAbc, *m.witness_end, abc_free, s.abc);
    }
  }
  if (m.products_end) add(item::kDensity, *m.products_end, rust_end, s.density);
  if (const auto touched = m.split_touched()) add(item::kSplit, *touched, at(m.dealloc_cpp_end), s.split_touched);
}

void bucket_lives(const BufferSizes& s, const PartitionMoments& m, std::vector<BufferLife>& out) {
  if (m.bg2_start && s.b_g2_buckets > 0) {
    out.push_back({std::string(item::kBuckets), m.proof, m.partition, *m.bg2_start, m.bg2_end.value_or(kNever),
                   s.b_g2_buckets});
  }
}

std::vector<PoolOp> pool_ops(const RunPlan& plan, const RunMoments& moments) {
  if (moments.pool.empty()) {
    return derived_pool_ops(moments.partitions, pages(std::uint64_t{plan.shape.constraints} * sizeof(Fr)),
                            plan.abc_release);
  }
  std::vector<PoolOp> ops = moments.pool;
  std::stable_sort(ops.begin(), ops.end(), [](const PoolOp& a, const PoolOp& b) { return a.at_ms < b.at_ms; });
  return ops;
}

}  // namespace

BufferSizes buffer_sizes(const RunPlan& plan) {
  const auto& shape = plan.shape;
  const std::uint64_t bitmap = pages(workloads::density_words(shape.aux) * sizeof(std::uint64_t));
  BufferSizes s;
  s.aux = pages(std::uint64_t{shape.inputs} * sizeof(Fr)) + pages(std::uint64_t{shape.aux} * sizeof(Fr));
  s.witness_copy = direct_synthesis(plan) ? 0 : pages(std::uint64_t{shape.witness_len()} * sizeof(Fr));
  s.abc = 3 * pages(std::uint64_t{shape.constraints} * sizeof(Fr));
  s.density = 2 * bitmap;
  const std::uint64_t a_tail = expected_count(shape.srs_a, plan.witness.tail_fraction);
  const std::uint64_t b_tail = expected_count(shape.srs_b_g2, plan.witness.tail_fraction);
  s.split_touched = 2 * bitmap + pages(a_tail * sizeof(Scalar256)) + pages(a_tail * sizeof(G1Affine)) +
                    pages(b_tail * sizeof(Scalar256)) + pages(b_tail * sizeof(G1Affine)) +
                    pages(b_tail * sizeof(G2Affine));
  const std::uint64_t b_g2_points = plan.b_g2_points > 0 ? std::min(b_tail, plan.b_g2_points) : b_tail;
  if (b_g2_points > 0 && plan.gpu_threads > 0) {
    s.b_g2_buckets = plan_msm(b_g2_points, plan.gpu_threads, sizeof(G2Xyzz)).bucket_bytes_total;
  }
  return s;
}

std::vector<std::pair<std::string, std::uint64_t>> resident_items(const RunPlan& plan) {
  const auto b = workloads::shape_bytes(plan.shape);
  std::vector<std::pair<std::string, std::uint64_t>> r = {{std::string(item::kCsr), b.csr_shared},
                                                          {std::string(item::kSrs), b.srs_pinned}};
  if (plan.backend == GpuBackendKind::kSim) r.emplace_back(std::string(item::kStaging), plan.devices * b.gpu_staging);
  r.emplace_back(std::string(item::kRuntime), kProcessRuntimeBytes);
  return r;
}

MemoryTimeline account_memory(const RunPlan& plan, std::span<const model::TimelineEvent> events) {
  return account_memory(plan, events, {});
}

MemoryTimeline account_memory(const RunPlan& plan, std::span<const model::TimelineEvent> events,
                              std::span<const StageSpan> spans) {
  const RunMoments moments = read_moments(plan, events, spans);
  const BufferSizes s = buffer_sizes(plan);
  MemoryTimeline t;
  t.resident = resident_items(plan);
  for (const auto& m : moments.partitions) bucket_lives(s, m, t.buffers);
  if (plan.memory.arena) {
    // Everything of the partition but pooled a/b/c is bumped out of its slot's slabs.
    const std::uint64_t synthesis_slab = s.aux + s.witness_copy + (plan.memory.pinned_pool ? 0 : s.abc) + s.density;
    auto slots = arena_slot_lives(moments.partitions, synthesis_slab, s.split_touched);
    t.buffers.insert(t.buffers.end(), slots.begin(), slots.end());
  } else {
    std::vector<BufferLife> own;
    for (const auto& m : moments.partitions) partition_lives(plan, s, m, own);
    if (plan.memory.release == workloads::ReleaseMethod::kMadvFree ||
        plan.memory.release == workloads::ReleaseMethod::kReuse) {
      auto kept = kept_pages(own);
      own.insert(own.end(), kept.begin(), kept.end());
    }
    t.buffers.insert(t.buffers.end(), own.begin(), own.end());
  }
  if (plan.memory.pinned_pool) {
    auto pooled = pinned_pool_lives(pool_ops(plan, moments));
    t.buffers.insert(t.buffers.end(), pooled.begin(), pooled.end());
  }
  return t;
}

std::uint64_t MemoryTimeline::resident_bytes() const {
  std::uint64_t sum = 0;
  for (const auto& [what, bytes] : resident) sum += bytes;
  return sum;
}

std::vector<const BufferLife*> MemoryTimeline::live_at(double ms) const {
  std::vector<const BufferLife*> out;
  for (const auto& b : buffers) {
    if (b.live_at(ms)) out.push_back(&b);
  }
  return out;
}

std::uint64_t MemoryTimeline::bytes_at(double ms) const {
  std::uint64_t sum = resident_bytes();
  for (const BufferLife* b : live_at(ms)) sum += b->bytes;
  return sum;
}

MemoryPeak MemoryTimeline::peak() const {
  // Sweep the allocations and frees in time order; the level after all changes at one instant is
  // what is live then ([alloc, free)).
  std::vector<std::pair<double, std::int64_t>> changes;
  for (const auto& b : buffers) {
    if (!(b.alloc_ms < b.free_ms)) continue;
    changes.emplace_back(b.alloc_ms, static_cast<std::int64_t>(b.bytes));
    if (b.free_ms < kNever) changes.emplace_back(b.free_ms, -static_cast<std::int64_t>(b.bytes));
  }
  std::sort(changes.begin(), changes.end());
  std::int64_t level = 0, best = 0;
  double at = 0;
  for (std::size_t i = 0; i < changes.size();) {
    const double t = changes[i].first;
    for (; i < changes.size() && changes[i].first == t; ++i) level += changes[i].second;
    if (level > best) {
      best = level;
      at = t;
    }
  }
  MemoryPeak p;
  p.at_ms = at;
  p.bytes = resident_bytes() + static_cast<std::uint64_t>(best);
  auto resident_sorted = resident;
  std::stable_sort(resident_sorted.begin(), resident_sorted.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  p.by_item = resident_sorted;
  std::map<std::string, std::uint64_t> live;
  std::set<std::pair<int, int>> partitions;
  if (best > 0) {
    for (const BufferLife* b : live_at(at)) {
      live[b->what] += b->bytes;
      if (b->partition >= 0) partitions.insert({b->proof, b->partition});
    }
  }
  std::vector<std::pair<std::string, std::uint64_t>> items(live.begin(), live.end());
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  p.by_item.insert(p.by_item.end(), items.begin(), items.end());
  p.partitions_live = static_cast<unsigned>(partitions.size());
  return p;
}

}  // namespace zkc::harness::vtime
