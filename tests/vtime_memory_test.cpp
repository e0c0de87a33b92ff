// The one memory accounting (harness/vtime/memory_timeline.hpp): hand-worked timelines of one or two
// partitions with their exact peak, instant and breakdown under each strategy; a real engine run
// accounted from its own timeline; the estimate built from the peak; and the seed machine at full
// scale (Phase 12, 5 proofs, j = 5) against the real prover's own figures.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <tuple>
#include <vector>

#include "harness/engine/engine.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/vtime/memory_estimate_timeline.hpp"
#include "harness/vtime/memory_timeline.hpp"
#include "tests/support/ci_plan.hpp"

namespace zkc::harness::vtime {
namespace {

using model::TimelineEvent;
constexpr double kEnd = 1e9;  // after everything

TimelineEvent ev(double at, const char* event, int proof, const std::string& detail) {
  return {at, event, fmt::format("proof-{:04d}", proof), detail};
}

// One partition at Phase 12, shifted by `t0` ms: synthesis 0..100, GPU_START 110 (prep writes the
// split vectors), the lock released at 150, b_g2 160..170, GPU_END 170, cpp side done at 180, rust at 190.
void add_partition(std::vector<TimelineEvent>& out, int proof, int partition, double t0) {
  const std::string p = fmt::format("partition={}", partition);
  const std::string who = fmt::format("worker=0,partition={}", partition);
  for (const auto& e : {ev(t0 + 0, "SYNTH_START", proof, p), ev(t0 + 100, "SYNTH_END", proof, p + ",synth_ms=100"),
                        ev(t0 + 100, "GPU_QUEUE", proof, p), ev(t0 + 110, "GPU_START", proof, who),
                        ev(t0 + 110, "PREP_START", proof, who), ev(t0 + 120, "LOCK_ACQUIRED", proof, who),
                        ev(t0 + 150, "LOCK_RELEASED", proof, who), ev(t0 + 160, "BG2_START", proof, who),
                        ev(t0 + 170, "BG2_END", proof, who), ev(t0 + 170, "GPU_END", proof, who),
                        ev(t0 + 180, "DEALLOC_END", proof, "side=cpp," + p),
                        ev(t0 + 190, "DEALLOC_END", proof, "side=rust," + p)}) {
    out.push_back(e);
  }
}

// witness_gen ends at 60, the SpMV at 95 (the copy's life; a/b/c from 60).
void add_spans(std::vector<StageSpan>& out, int proof, int partition, double t0) {
  for (const auto& [stage, from, to] : {std::tuple{"witness_gen", 0.0, 60.0}, std::tuple{"witness_copy", 60.0, 62.0},
                                        std::tuple{"spmv", 62.0, 95.0}}) {
    StageSpan s;
    s.proof = proof;
    s.partition = partition;
    s.stage = stage;
    s.start_ms = t0 + from;
    s.end_ms = t0 + to;
    out.push_back(s);
  }
}

RunPlan plan_with(std::vector<std::string> overrides) {
  overrides.push_back("engine.finalize=\"split\"");
  return test::ci_plan(overrides);
}

struct OnePartition {
  std::vector<TimelineEvent> events;
  std::vector<StageSpan> spans;
  explicit OnePartition(std::vector<double> starts = {0}) {
    for (std::size_t i = 0; i < starts.size(); ++i) {
      add_partition(events, 0, static_cast<int>(i), starts[i]);
      add_spans(spans, 0, static_cast<int>(i), starts[i]);
    }
  }
};

std::uint64_t item_bytes(const MemoryPeak& p, std::string_view what) {
  for (const auto& [name, bytes] : p.by_item) {
    if (name == what) return bytes;
  }
  return 0;
}

// Phase 12, heap a/b/c, munmap. Levels: 0 aux; 60 + copy + a/b/c; 95 - copy + density; 110 + split;
// 150 - a/b/c; 160..170 + buckets; 180 - split; 190 nothing. The split vectors (~58 B per aux
// variable at tail_fraction 0.25) outweigh the copy (32 B), so the peak is GPU_START's.
TEST(VtimeMemory, HandWorkedPartitionPeaksAtGpuStartWithItsBreakdown) {
  const RunPlan plan = plan_with({"engine.abc_release=\"gpu_worker\""});
  const OnePartition one;
  const MemoryTimeline t = account_memory(plan, one.events, one.spans);
  const BufferSizes s = buffer_sizes(plan);
  ASSERT_GT(s.split_touched + s.density, s.witness_copy);
  ASSERT_GT(s.abc, s.split_touched);
  ASSERT_GT(s.split_touched, s.aux);
  const MemoryPeak p = t.peak();
  EXPECT_EQ(p.at_ms, 110);
  EXPECT_EQ(p.bytes, t.resident_bytes() + s.aux + s.abc + s.density + s.split_touched);
  EXPECT_EQ(p.partitions_live, 1u);
  std::vector<std::pair<std::string, std::uint64_t>> expected = t.resident;
  std::stable_sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  for (const auto& [what, bytes] : std::vector<std::pair<std::string_view, std::uint64_t>>{
           {item::kAbc, s.abc}, {item::kSplit, s.split_touched}, {item::kAux, s.aux}, {item::kDensity, s.density}}) {
    expected.emplace_back(std::string(what), bytes);
  }
  EXPECT_EQ(p.by_item, expected);
  // Each moment's level, and nothing left at the end.
  EXPECT_EQ(t.bytes_at(61), t.resident_bytes() + s.aux + s.witness_copy + s.abc);
  EXPECT_EQ(t.bytes_at(96), t.resident_bytes() + s.aux + s.abc + s.density);
  EXPECT_EQ(t.bytes_at(165), t.resident_bytes() + s.aux + s.density + s.split_touched + s.b_g2_buckets);
  EXPECT_EQ(t.bytes_at(185), t.resident_bytes() + s.aux + s.density);
  EXPECT_EQ(t.bytes_at(kEnd), t.resident_bytes());
  // The resident items: CSR, SRS, the sim's staging, the runtime.
  ASSERT_EQ(t.resident.size(), 4u);
  EXPECT_EQ(t.resident[3].second, kProcessRuntimeBytes);
}

// Without a tail the split vectors are two bitmaps: the peak moves to the SpMV (copy and a/b/c).
TEST(VtimeMemory, WithoutATailThePeakIsTheSpmvsWitnessCopy) {
  const RunPlan plan = plan_with({"engine.abc_release=\"gpu_worker\"", "workload.tail_fraction=0"});
  const OnePartition one;
  const MemoryTimeline t = account_memory(plan, one.events, one.spans);
  const BufferSizes s = buffer_sizes(plan);
  const MemoryPeak p = t.peak();
  EXPECT_EQ(p.at_ms, 60);
  EXPECT_EQ(p.bytes, t.resident_bytes() + s.aux + s.witness_copy + s.abc);
  EXPECT_EQ(item_bytes(p, item::kWitnessCopy), s.witness_copy);
  EXPECT_EQ(item_bytes(p, item::kSplit), 0u);
}

// From events alone the moments between SYNTH_START and SYNTH_END are interpolated: a/b/c and the
// copy from 75 (the witness share 0.75 of 0..100), the copy until SYNTH_END.
TEST(VtimeMemory, EventsAloneInterpolateWitnessGenerationsEnd) {
  const RunPlan plan = plan_with({"engine.abc_release=\"gpu_worker\"", "workload.tail_fraction=0"});
  const OnePartition one;
  const MemoryTimeline t = account_memory(plan, one.events);
  const BufferSizes s = buffer_sizes(plan);
  EXPECT_EQ(t.bytes_at(74), t.resident_bytes() + s.aux);
  EXPECT_EQ(t.bytes_at(99), t.resident_bytes() + s.aux + s.witness_copy + s.abc);
  EXPECT_EQ(t.bytes_at(100), t.resident_bytes() + s.aux + s.abc + s.density);
  EXPECT_EQ(t.peak().at_ms, 75);
}

// Phase 11 frees a/b/c on the Rust-side dealloc thread: they stay through b_g2, so the peak moves
// to BG2_START with the buckets; Phase 12 frees them at LOCK_RELEASED.
TEST(VtimeMemory, AbcReleaseMovesTheAbcFreeFromTheLockToTheDeallocThread) {
  const OnePartition one;
  const RunPlan p12 = plan_with({"engine.abc_release=\"gpu_worker\""});
  const RunPlan p11 = plan_with({"engine.abc_release=\"dealloc_thread\""});
  const MemoryTimeline t12 = account_memory(p12, one.events, one.spans);
  const MemoryTimeline t11 = account_memory(p11, one.events, one.spans);
  const BufferSizes s = buffer_sizes(p12);
  auto abc_free = [](const MemoryTimeline& t) {
    for (const auto& b : t.buffers) {
      if (b.what == item::kAbc) return b.free_ms;
    }
    return -1.0;
  };
  EXPECT_EQ(abc_free(t12), 150);
  EXPECT_EQ(abc_free(t11), 190);
  EXPECT_EQ(t11.bytes_at(155) - t12.bytes_at(155), s.abc);
  EXPECT_EQ(t12.peak().at_ms, 110);
  EXPECT_EQ(t11.peak().at_ms, 160);
  EXPECT_EQ(t11.peak().bytes, t11.resident_bytes() + s.aux + s.abc + s.density + s.split_touched + s.b_g2_buckets);
}

// The arena: a slot's pages stay after its partition; the next partition reuses the slot (LIFO)
// instead of adding one; partitions in flight together need a slot each, and both stay resident.
TEST(VtimeMemory, ArenaKeepsEverySlotsPagesAndReusesTheLastGivenBack) {
  const RunPlan plan = plan_with({"engine.abc_release=\"gpu_worker\"", "memory.allocator=\"arena\""});
  const BufferSizes s = buffer_sizes(plan);
  const std::uint64_t slab = s.aux + s.witness_copy + s.abc + s.density, gpu = s.split_touched;
  const OnePartition sequential({0, 200});
  const MemoryTimeline t = account_memory(plan, sequential.events, sequential.spans);
  const std::uint64_t r = t.resident_bytes();
  EXPECT_EQ(t.bytes_at(50), r + slab);             // the whole slab from the lease
  EXPECT_EQ(t.bytes_at(195), r + slab + gpu);      // given back, pages kept
  EXPECT_EQ(t.bytes_at(250), r + slab + gpu);      // the same slot again: nothing new
  EXPECT_EQ(t.bytes_at(kEnd), r + slab + gpu);
  EXPECT_EQ(t.peak().bytes, r + slab + gpu + s.b_g2_buckets);
  EXPECT_EQ(t.peak().at_ms, 160);
  const OnePartition overlapping({0, 100});
  const MemoryTimeline t2 = account_memory(plan, overlapping.events, overlapping.spans);
  EXPECT_EQ(t2.bytes_at(150), r + 2 * slab + gpu);  // two leases, one GPU slab touched so far
  EXPECT_EQ(t2.bytes_at(kEnd), r + 2 * (slab + gpu));
  EXPECT_EQ(t2.peak().bytes, r + 2 * (slab + gpu) + s.b_g2_buckets);
  EXPECT_EQ(t2.peak().at_ms, 260);
}

// memory.release = reuse: a freed range waits for the next buffer of its size, pages and all.
TEST(VtimeMemory, ReuseKeepsEachFreedRangeForTheNextBufferOfItsSize) {
  const RunPlan plan = plan_with({"engine.abc_release=\"gpu_worker\"", "memory.release=\"reuse\""});
  const BufferSizes s = buffer_sizes(plan);
  const OnePartition sequential({0, 200});
  const MemoryTimeline t = account_memory(plan, sequential.events, sequential.spans);
  const std::uint64_t r = t.resident_bytes();
  const std::uint64_t all = s.aux + s.witness_copy + s.abc + s.density + s.split_touched;
  // At 160 the copy (freed at 95) and a/b/c (150) are kept, the split vectors live, the buckets too.
  EXPECT_EQ(t.peak().at_ms, 160);
  EXPECT_EQ(t.peak().bytes, r + all + s.b_g2_buckets);
  EXPECT_EQ(t.bytes_at(195), r + all);
  EXPECT_EQ(t.bytes_at(kEnd), r + all);  // the second partition took the first one's ranges
  // munmap gives everything back.
  const RunPlan unmapped = plan_with({"engine.abc_release=\"gpu_worker\""});
  EXPECT_EQ(account_memory(unmapped, sequential.events, sequential.spans).bytes_at(195), r);
}

// The pinned pool from its own events: three buffers checked out, in, out again (reuse), in, shrunk.
TEST(VtimeMemory, PinnedPoolBuffersLiveUntilTheShrink) {
  const RunPlan plan = plan_with({"engine.abc_release=\"gpu_worker\"", "memory.abc_buffers=\"pinned_pool\""});
  const BufferSizes s = buffer_sizes(plan);
  OnePartition two({0, 200});
  const std::uint64_t buf = s.abc / 3;
  for (int k = 0; k < 3; ++k) {
    two.events.push_back(ev(60, "PINNED_CHECKOUT", 0, fmt::format("partition=0,reuse=0,bytes={},free=0", buf)));
    two.events.push_back(ev(150, "PINNED_CHECKIN", 0, fmt::format("partition=0,bytes={},free={}", buf, k + 1)));
    two.events.push_back(ev(260, "PINNED_CHECKOUT", 0, fmt::format("partition=1,reuse=1,bytes={},free={}", buf, 2 - k)));
    two.events.push_back(ev(350, "PINNED_CHECKIN", 0, fmt::format("partition=1,bytes={},free={}", buf, k + 1)));
  }
  two.events.push_back({400, "PINNED_SHRINK", "pinned-pool", fmt::format("buffers=3,bytes={},free=0", 3 * buf)});
  const MemoryTimeline t = account_memory(plan, two.events, two.spans);
  const std::uint64_t r = t.resident_bytes();
  EXPECT_EQ(t.bytes_at(61), r + s.aux + s.witness_copy + 3 * buf);
  EXPECT_EQ(t.bytes_at(195), r + 3 * buf);  // checked in: the pool keeps them
  EXPECT_EQ(t.bytes_at(265), r + s.aux + s.witness_copy + 3 * buf);
  EXPECT_EQ(t.bytes_at(395), r + 3 * buf);
  EXPECT_EQ(t.bytes_at(kEnd), r);
  // Without the PINNED_* events the pool is replayed from a/b/c's own moments (never shrunk).
  const OnePartition bare({0, 200});
  const MemoryTimeline d = account_memory(plan, bare.events, bare.spans);
  EXPECT_EQ(d.bytes_at(61), r + s.aux + s.witness_copy + s.abc);
  EXPECT_EQ(d.bytes_at(195), r + s.abc);
  EXPECT_EQ(d.bytes_at(kEnd), r + s.abc);
}

// gpu.device_buffers changes device memory only.
TEST(VtimeMemory, KeptDeviceBuffersChangeNothingOnTheHost) {
  const OnePartition one;
  const auto a = account_memory(plan_with({"engine.abc_release=\"gpu_worker\""}), one.events, one.spans).peak();
  const auto b = account_memory(plan_with({"engine.abc_release=\"gpu_worker\"", "gpu.device_buffers=\"kept\""}),
                                one.events, one.spans)
                     .peak();
  EXPECT_EQ(a.bytes, b.bytes);
  EXPECT_EQ(a.at_ms, b.at_ms);
}

// The estimate: resident items, what is live at the peak grouped with its count, then the margin.
TEST(VtimeMemory, EstimateFromTimelineIsThePeaksItemsAndAnExplicitMargin) {
  const RunPlan plan = plan_with({"engine.abc_release=\"gpu_worker\"", "memory.estimate_margin_pct=25"});
  const OnePartition overlapping({0, 100});
  const MemoryTimeline t = account_memory(plan, overlapping.events, overlapping.spans);
  const MemoryPeak p = t.peak();
  const MemoryEstimate e = estimate_from_timeline(plan, t);
  ASSERT_GE(e.items.size(), t.resident.size() + 1);
  for (std::size_t i = 0; i < t.resident.size(); ++i) EXPECT_EQ(e.items[i].what, t.resident[i].first);
  const auto margin = static_cast<std::uint64_t>(std::ceil(static_cast<double>(p.bytes) * 0.25));
  EXPECT_EQ(e.items.back().what, margin_item(25));
  EXPECT_EQ(e.items.back().total(), margin);
  EXPECT_EQ(e.total(), p.bytes + margin);
  std::uint64_t in_flight = 0;
  for (std::size_t i = t.resident.size(); i + 1 < e.items.size(); ++i) in_flight += e.items[i].count;
  EXPECT_EQ(in_flight, t.live_at(p.at_ms).size());
}

}  // namespace
}  // namespace zkc::harness::vtime
