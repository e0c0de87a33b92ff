// The engine's invariants, checked on the timeline of real runs (sim GPU) in odd configurations:
// event order per partition, device lock exclusion, the j / pw bounds (tests/support/
// pipeline_invariants), prep before b_g2, I1's one-dealloc-per-side, I3's flag windows and yields.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "model/timeline_event.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"
#include "kernels/field/fr.hpp"
#include "tests/support/pipeline_invariants.hpp"
#include "workloads/gpu/vram_model.hpp"

namespace zkc::harness {
namespace {

using analysis::TimelineEvent;
using namespace pipeline_test_support;

TEST(Pipeline, CiProfileKeepsEveryInvariant) {
  const RunPlan plan = plan_for({});
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  EXPECT_EQ(Timeline(r.events).count("THROTTLE_SET"), 0u) << "I3 is off";
}

TEST(Pipeline, OddConfigurationC7J3Pw3Gw1P4) {
  const RunPlan plan = plan_for({"batch.count=7", "batch.concurrency=3", "synthesis.partition_workers=3",
                                 "gpus.gpu_workers_per_device=1", "workload.partitions=4", "workload.scale=0.00003"});
  check_invariants(plan, run(plan));
}

TEST(Pipeline, Isolation) {
  const RunPlan plan = plan_for({"batch.count=1", "batch.concurrency=1"});
  check_invariants(plan, run(plan));
}

TEST(Pipeline, ThreeGpuWorkersSplitFinalizeTwoDevices) {
  const RunPlan plan = plan_for({"gpus.gpu_workers_per_device=3", "engine.finalize=\"split\"", "gpus.devices=2"});
  check_invariants(plan, run(plan));
}

// One side's deallocs against the schedule that made them: two partitions "contend" when the later
// one's GPU call ended while the earlier one's dealloc was still running on that side. Whether they
// then overlapped (I1 off) or the later waited for the earlier (I1 on) is the invariant; how many
// pairs contend depends on the machine's speed, which the test does not assume.
struct DeallocPairs {
  std::size_t contended = 0, overlapped = 0, waited = 0;
};

DeallocPairs dealloc_pairs(const Timeline& t, const std::string& side, double margin_ms) {
  struct Freed {
    double gpu_end, start, end;
  };
  std::vector<Freed> freed;
  for (const auto& iv : t.intervals("DEALLOC_START", "DEALLOC_END", "side", side)) freed.push_back({0, iv.start, iv.end});
  // intervals() loses the partition; pair each dealloc with its partition's GPU_END through the start time.
  for (auto& f : freed) {
    for (const auto& [key, ev] : t.partitions()) {
      for (double s : ev.at("DEALLOC_START"))
        if (s == f.start) f.gpu_end = ev.at("GPU_END")[0];
    }
  }
  DeallocPairs out;
  for (const auto& a : freed) {
    for (const auto& b : freed) {
      // The later partition's GPU call ended well inside the earlier's dealloc (by margin_ms, more than
      // starting a thread takes on a loaded machine).
      if (&a == &b || !(a.start <= b.gpu_end && b.gpu_end + margin_ms < a.end)) continue;
      ++out.contended;
      if (b.start < a.end) ++out.overlapped;
      if (b.start >= a.end) ++out.waited;
    }
  }
  return out;
}

TEST(Pipeline, SerializedDeallocRunsOneThreadPerSide) {
  // Lingering dealloc threads overlap across partitions unless I1 serialises them. The linger must
  // outlast the gap between partitions' GPU ends, which a sanitizer build stretches: when no pair
  // contended, the run is repeated once with a linger twice the longest gap seen.
  auto plan_with = [](double linger_ms, bool serialize) {
    std::vector<std::string> o = {"batch.count=1", "batch.concurrency=1", "workload.partitions=6",
                                  "gpus.gpu_workers_per_device=3", fmt::format("engine.dealloc_linger_ms={}", linger_ms)};
    if (serialize) o.push_back("interventions.serialize_dealloc=true");
    return plan_for(o);
  };
  double linger = 300;
  for (int attempt = 0; attempt < 2; ++attempt) {
    const RunPlan off = plan_with(linger, false);
    const EngineResult r_off = run(off);
    check_invariants(off, r_off);
    const Timeline t_off(r_off.events);
    const DeallocPairs cpp = dealloc_pairs(t_off, "cpp", linger / 2), rust = dealloc_pairs(t_off, "rust", linger / 2);
    if (cpp.contended == 0 || rust.contended == 0) {
      std::vector<double> ends;
      for (const auto& [key, ev] : t_off.partitions()) ends.push_back(ev.at("GPU_END")[0]);
      std::sort(ends.begin(), ends.end());
      double gap = 0;
      for (std::size_t i = 1; i < ends.size(); ++i) gap = std::max(gap, ends[i] - ends[i - 1]);
      ASSERT_EQ(attempt, 0) << "no dealloc contended at linger " << linger << " ms (longest GPU_END gap " << gap << " ms)";
      linger = 2 * gap + 100;
      continue;
    }
    EXPECT_EQ(cpp.overlapped, cpp.contended) << "I1 off: a cpp dealloc waited for another";
    EXPECT_EQ(rust.overlapped, rust.contended) << "I1 off: a rust dealloc waited for another";
    EXPECT_GT(max_overlap(t_off.intervals("DEALLOC_START", "DEALLOC_END", "side", "cpp")), 1u);
    EXPECT_GT(max_overlap(t_off.intervals("DEALLOC_START", "DEALLOC_END", "side", "rust")), 1u);

    const RunPlan on = plan_with(linger, true);
    const EngineResult r_on = run(on);
    check_invariants(on, r_on);
    const Timeline t_on(r_on.events);
    EXPECT_EQ(max_overlap(t_on.intervals("DEALLOC_START", "DEALLOC_END", "side", "cpp")), 1u);
    EXPECT_EQ(max_overlap(t_on.intervals("DEALLOC_START", "DEALLOC_END", "side", "rust")), 1u);
    for (const char* side : {"cpp", "rust"}) {
      const DeallocPairs p = dealloc_pairs(t_on, side, linger / 2);
      EXPECT_EQ(p.waited, p.contended) << side << ": I1 on, yet a dealloc started before the one ahead ended";
    }
    return;
  }
}

TEST(Pipeline, ThrottleFlagOnlyDuringBg2AndYieldsOnlyWhenSpmvOverlapsIt) {
  // Small chunks and a check on every chunk make any overlap of SpMV with a b_g2 window visible. The
  // counted flag is up exactly inside the windows.
  const RunPlan plan = plan_for({"interventions.membw_throttle=true", "interventions.throttle_check_chunks=1",
                                 "synthesis.chunk_rows=64", "batch.count=4", "batch.concurrency=4",
                                 "interventions.throttle_flag=\"counted\""});
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  const Timeline t(r.events);
  ASSERT_EQ(t.count("THROTTLE_SET"), std::size_t{plan.proofs} * plan.partitions);
  std::vector<Interval> windows;
  for (const auto& [key, ev] : t.partitions()) {
    const double set = ev.at("THROTTLE_SET")[0], clear = ev.at("THROTTLE_CLEAR")[0];
    // The flag goes up before b_g2 is called and down after it returns; BG2_START..BG2_END is when
    // its tiles ran on the groth16 pool, inside that.
    EXPECT_LE(set, ev.at("BG2_START")[0]);
    EXPECT_LE(ev.at("BG2_END")[0], clear);
    windows.push_back({set, clear});
  }
  // Each partition's SpMV span, from the stage spans.
  std::map<Key, Interval> spmv;
  for (const auto& s : r.spans) {
    if (s.stage == "spmv") spmv[{job_id(s.proof), s.partition}] = {s.start_ms, s.end_ms};
  }
  std::size_t total_yields = 0;
  double longest_overlap = 0;
  for (const auto& e : r.events) {
    if (e.event != "SYNTH_END") continue;
    const auto yields = static_cast<std::size_t>(analysis::detail_number(e.detail, "yields").value_or(-1));
    total_yields += yields;
    const Interval s = spmv.at({e.job_id, static_cast<int>(*analysis::detail_number(e.detail, "partition"))});
    double overlap = 0;
    for (const auto& w : windows) overlap = std::max(overlap, std::min(s.end, w.end) - std::max(s.start, w.start));
    if (yields > 0) {
      EXPECT_GT(overlap, 0) << "yields outside every throttle window";
    }
    longest_overlap = std::max(longest_overlap, overlap);
  }
  // A partition's SpMV span can overlap a window while its chunks wait behind other partitions'
  // on the shared pool, so the converse holds for the run, not per partition: a long overlap means
  // some chunk (of 64 rows, ~10 us) checked the flag while it was up.
  if (longest_overlap > 5.0) {
    EXPECT_GT(total_yields, 0u) << "SpMV overlapped a throttle window by " << longest_overlap << " ms, no yields";
  }
  EXPECT_EQ(total_yields, r.totals.throttle_yields);
}

// prep_msm is one job on the groth16 FIFO, like b_g2's tiles: with a single groth16 thread no prep
// runs while a b_g2 does, and a prep that waited in the queue shows it in its prep_queue row.
TEST(Pipeline, PrepAndB_g2ShareTheGroth16Fifo) {
  const RunPlan plan = plan_for({"gpus.gpu_threads=1", "batch.count=4", "batch.concurrency=4"});
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  std::vector<Interval> prep, b_g2;
  std::size_t queue_rows = 0;
  for (const auto& s : r.spans) {
    if (s.stage == "prep_msm") prep.push_back({s.start_ms, s.end_ms});
    if (s.stage == "b_g2_msm") b_g2.push_back({s.start_ms, s.end_ms});
    if (s.stage == "prep_queue" || s.stage == "b_g2_queue") {
      EXPECT_EQ(s.worker, "groth16");
      EXPECT_LE(s.start_ms, s.end_ms);
      ++queue_rows;
    }
  }
  const std::size_t n = std::size_t{plan.proofs} * plan.partitions;
  ASSERT_EQ(prep.size(), n);
  ASSERT_EQ(b_g2.size(), n);
  EXPECT_EQ(queue_rows, 2 * n);
  for (const auto& p : prep) {
    for (const auto& b : b_g2) {
      EXPECT_LE(std::min(p.end, b.end) - std::max(p.start, b.start), 1e-6)
          << "prep [" << p.start << ", " << p.end << "] ran during b_g2 [" << b.start << ", " << b.end << "]";
    }
  }
}

// The real prover's flag is one process-wide 0/1 store: SET stores 1 and CLEAR 0 whatever else runs, so
// where two b_g2 windows overlap the first one's end lowers it under the second, and its up-time is
// below the union of the windows.
TEST(Pipeline, TheGlobalThrottleFlagIsClearedUnderAnotherB_g2) {
  const RunPlan plan = plan_for({"interventions.membw_throttle=true", "gpus.gpu_threads=1", "batch.count=4",
                                 "batch.concurrency=4", "interventions.throttle_flag=\"global\""});
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  std::vector<std::pair<double, int>> changes;  // (offset, flag value after)
  std::vector<Interval> windows;
  const Timeline t(r.events);
  for (const auto& [key, ev] : t.partitions()) windows.push_back({ev.at("THROTTLE_SET")[0], ev.at("THROTTLE_CLEAR")[0]});
  for (const auto& e : r.events) {
    if (e.event != "THROTTLE_SET" && e.event != "THROTTLE_CLEAR") continue;
    const int flag = static_cast<int>(analysis::detail_number(e.detail, "flag").value_or(-1));
    EXPECT_EQ(flag, e.event == "THROTTLE_SET" ? 1 : 0) << e.detail;  // stores, not counts
    changes.push_back({e.offset_ms, flag});
  }
  ASSERT_EQ(windows.size(), std::size_t{plan.proofs} * plan.partitions);
  double up = 0, since = 0;
  int value = 0;
  for (const auto& [at, flag] : changes) {
    if (value == 0 && flag > 0) since = at;
    if (value > 0 && flag == 0) up += at - since;
    value = flag;
  }
  std::sort(windows.begin(), windows.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  double union_ms = 0, reach = -1;
  bool overlapped = false;
  for (const auto& w : windows) {
    overlapped |= w.start < reach;
    union_ms += std::max(0.0, w.end - std::max(w.start, reach));
    reach = std::max(reach, w.end);
  }
  EXPECT_LE(up, union_ms + 1e-9);
  if (overlapped) {
    EXPECT_LT(up, union_ms) << "windows overlapped, yet the flag stayed up through their union";
  }
}

// Buffers each partition takes from its source: inputs, aux, unified witness, a, b, c, two densities,
// and the seven split vectors.
constexpr std::uint64_t kBuffersPerPartition = 15;

// Every memory strategy keeps the engine's invariants and gives every buffer back.
class MemoryStrategy : public ::testing::TestWithParam<std::vector<std::string>> {};

TEST_P(MemoryStrategy, KeepsEveryInvariantAndReturnsEveryBuffer) {
  auto overrides = GetParam();
  overrides.push_back("batch.count=4");
  const RunPlan plan = plan_for(overrides);
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  const std::uint64_t buffers = kBuffersPerPartition * plan.proofs * plan.partitions;
  const auto& b = r.memory.regions;
  EXPECT_EQ(b.acquired, buffers);
  EXPECT_EQ(b.released, buffers) << "a buffer was never given back";
  EXPECT_EQ(b.fresh + b.recycled, b.acquired);
  EXPECT_EQ(r.thp_note, "") << "memory.thp advice failed";
  switch (plan.memory.release) {
    case workloads::ReleaseMethod::kMunmap:
      EXPECT_EQ(r.memory.source, "munmap");
      EXPECT_EQ(b.release_calls, buffers) << "one munmap per buffer";
      EXPECT_EQ(b.recycled, 0u);
      break;
    case workloads::ReleaseMethod::kMadvDontneed:
    case workloads::ReleaseMethod::kMadvFree:
      EXPECT_EQ(b.release_calls, buffers) << "one madvise per buffer";
      EXPECT_GT(b.recycled, 0u) << "later partitions reuse released ranges";
      break;
    case workloads::ReleaseMethod::kReuse:
      EXPECT_EQ(b.release_calls, 0u) << "reuse makes no release call";
      EXPECT_GT(b.recycled, 0u);
      break;
  }
  if (plan.memory.arena) {
    ASSERT_TRUE(r.memory.arena.has_value());
    EXPECT_EQ(r.memory.source, "arena");
    EXPECT_EQ(r.memory.arena->leases, std::uint64_t{plan.proofs} * plan.partitions) << "one slot per partition";
    EXPECT_EQ(r.memory.arena->overflow.count, 0u) << "the auto slab holds a partition";
    EXPECT_GT(r.memory.arena->arena_blocks, 0u);
    const auto slot_waits = std::count_if(r.spans.begin(), r.spans.end(), [](const StageSpan& s) { return s.stage == "slot_wait"; });
    EXPECT_EQ(static_cast<std::uint64_t>(slot_waits), std::uint64_t{plan.proofs} * plan.partitions);
  } else {
    EXPECT_FALSE(r.memory.arena.has_value());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Pipeline, MemoryStrategy,
    ::testing::Values(std::vector<std::string>{}, std::vector<std::string>{"memory.release=\"madv_dontneed\""},
                      std::vector<std::string>{"memory.release=\"madv_free\""},
                      std::vector<std::string>{"memory.release=\"reuse\""},
                      std::vector<std::string>{"memory.allocator=\"arena\""},
                      std::vector<std::string>{"memory.allocator=\"arena\"", "engine.finalize=\"split\"",
                                               "gpus.devices=2", "interventions.serialize_dealloc=true"},
                      std::vector<std::string>{"memory.thp=\"always\""},
                      std::vector<std::string>{"memory.thp=\"never\"", "memory.allocator=\"arena\""}));

// A slot is held from synthesis until the partition's last buffer holder (a dealloc thread) lets go:
// with one slot, partitions run one after another through the whole pipeline, waiting for it.
TEST(Pipeline, ArenaSlotsBoundThePartitionsInFlight) {
  const RunPlan plan = plan_for({"memory.allocator=\"arena\"", "memory.arena_slots=1", "batch.count=2"});
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  const Timeline t(r.events);
  std::vector<Interval> held;
  for (const auto& [key, ev] : t.partitions()) {
    const auto& ends = ev.at("DEALLOC_END");
    held.push_back({ev.at("SYNTH_START")[0], *std::max_element(ends.begin(), ends.end())});
  }
  EXPECT_EQ(max_overlap(held), 1u);
  ASSERT_TRUE(r.memory.arena.has_value());
  EXPECT_EQ(r.memory.arena->slots, 1u);
  EXPECT_GT(r.memory.arena->waits, 0u) << "pw = 2 synthesis workers share one slot";
}

TEST(Pipeline, UndersizedVramFailsLikeTheRealOom) {
  const RunPlan plan = plan_for({"gpu.vram_gib=0.01"});
  try {
    run(plan);
    FAIL() << "expected an out-of-memory failure";
  } catch (const workloads::GpuOutOfMemory& e) {
    EXPECT_NE(std::string(e.what()).find("d_abc"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zkc::harness

namespace zkc::harness {
namespace {

// Per-stage counter deltas account for the run's work: page faults summed over the stage rows of
// single threads (without the enclosing "synthesis" row and the pool-wide rows) plus the pools'
// totals match the process's faults (getrusage) between the sampler's first and last rows. The gap
// is what no stage measures: thread start-up before a thread opens its counters, the admission and
// sampler threads. Skipped where perf_event software counters are unavailable.
TEST(Pipeline, StageCounterDeltasAddUpToTheRunTotals) {
  // Split finalize with gw = 3: b_g2s of several partitions overlap on the groth16 pool, and SpMVs of
  // two partitions on the synthesis pool, so charging a pool stage the pool-wide delta would count
  // the overlap twice.
  const RunPlan plan = plan_for({"batch.count=2", "engine.finalize=\"split\"", "gpus.gpu_workers_per_device=3"});
  const EngineResult r = run(plan);
  const auto it = std::find(r.counter_names.begin(), r.counter_names.end(), "page_faults");
  ASSERT_NE(it, r.counter_names.end());
  const auto k = static_cast<std::size_t>(it - r.counter_names.begin());
  if (r.synthesis_pool_counters.size() <= k || !r.synthesis_pool_counters[k]) {
    GTEST_SKIP() << "page_faults perf counter unavailable here (see zkcontend probe)";
  }
  ASSERT_GE(r.counter_rows.size(), 2u);
  double stages = 0, on_pools = 0;
  std::size_t measured = 0;
  const auto value = [&](const StageSpan& sp) { return k < sp.counters.size() && sp.counters[k] ? *sp.counters[k] : 0.0; };
  for (const auto& sp : r.spans) {
    if (k < sp.counters.size() && sp.counters[k]) ++measured;
    stages += value(sp);
    if (sp.worker == "synth-pool" || sp.worker == "groth16") on_pools += value(sp);
  }
  const double pools = *r.synthesis_pool_counters[k] + r.groth16_pool_counters.at(k).value_or(0);
  const auto& first = r.counter_rows.front().usage;
  const auto& last = r.counter_rows.back().usage;
  const double total = static_cast<double>((last.minor_faults + last.major_faults) -
                                           (first.minor_faults + first.major_faults));
  EXPECT_GT(measured, 0u);
  EXPECT_GT(total, 0);
  // Every row is the work of its own threads' jobs: the rows never add up to more than the process
  // did, and the pool rows never to more than the pools did.
  EXPECT_LE(stages, total) << "stages " << stages << " of " << total;
  EXPECT_LE(on_pools, pools) << "pool rows " << on_pools << " of the pools' " << pools;
  EXPECT_GE(stages, 0.9 * total) << "stages " << stages << " of " << total;
  EXPECT_GE(on_pools, 0.9 * pools) << "pool rows " << on_pools << " of the pools' " << pools;

  // Scheduler accounting per row is the row's own threads' (pool rows: their jobs'), so it adds up to
  // at most the CPU time the process used. (Not checked per row against the row's length: a thread
  // preempted while it reads its counters adds that wait after the row's end time.)
  const auto col = [&](const char* name) {
    return static_cast<std::size_t>(std::find(r.counter_names.begin(), r.counter_names.end(), name) -
                                    r.counter_names.begin());
  };
  const std::size_t on_cpu = col("sched_on_cpu_ns");
  ASSERT_LT(on_cpu, r.counter_names.size());
  double cpu_rows = 0;
  std::size_t sched_rows = 0;
  for (const auto& sp : r.spans) {
    if (on_cpu >= sp.counters.size() || !sp.counters[on_cpu]) continue;
    ++sched_rows;
    cpu_rows += *sp.counters[on_cpu];
  }
  if (sched_rows > 0) {
    const double cpu_total = (last.user_s + last.system_s - first.user_s - first.system_s) * 1e9;
    EXPECT_LE(cpu_rows, cpu_total * 1.02 + 20e6) << "rows " << cpu_rows / 1e6 << " ms of " << cpu_total / 1e6;
    EXPECT_GE(cpu_rows, 0.5 * cpu_total) << "rows " << cpu_rows / 1e6 << " ms of " << cpu_total / 1e6;
  }

  // The machine-wide TLB IPIs summed over any stage kind never exceed the run's count.
  const auto m = std::find(r.counter_names.begin(), r.counter_names.end(), "tlb_ipis_machine");
  ASSERT_NE(m, r.counter_names.end());
  const auto mk = static_cast<std::size_t>(m - r.counter_names.begin());
  if (r.counter_rows.front().tlb_available) {
    const double run_total = static_cast<double>(r.counter_rows.back().tlb_total - r.counter_rows.front().tlb_total);
    std::map<std::string, double> by_kind;
    for (const auto& sp : r.spans) {
      if (mk < sp.counters.size() && sp.counters[mk]) by_kind[sp.stage] += *sp.counters[mk];
    }
    for (const auto& [stage, sum] : by_kind) EXPECT_LE(sum, run_total + 1e-9) << stage;
  }
}

TEST(Pipeline, MaxFinalizingBoundsThePartitionsHandedToTheFinalizer) {
  const std::vector<std::string> base = {"batch.count=2", "batch.concurrency=2", "workload.partitions=4",
                                         "engine.finalize=\"split\"", "gpus.gpu_workers_per_device=3"};
  auto bounded = base;
  bounded.push_back("engine.max_finalizing=1");
  const RunPlan plan = plan_for(bounded);
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  // From the handover (finalize_queue starts) to the end of the finalizer's b_g2 join: at most one.
  std::map<std::pair<int, int>, Interval> handed;
  std::size_t waits = 0;
  for (const auto& sp : r.spans) {
    if (sp.stage == "finalize_queue") handed[{sp.proof, sp.partition}].start = sp.start_ms;
    if (sp.stage == "b_g2_join" && sp.worker == "finalizer") handed[{sp.proof, sp.partition}].end = sp.end_ms;
    if (sp.stage == "finalize_wait") ++waits;
  }
  ASSERT_EQ(handed.size(), std::size_t{plan.proofs} * plan.partitions);
  std::vector<Interval> iv;
  for (const auto& [key, i] : handed) iv.push_back(i);
  EXPECT_EQ(max_overlap(iv), 1u);
  EXPECT_EQ(waits, std::size_t{plan.proofs} * plan.partitions);  // the wait is a row, even when short

  const RunPlan unbounded = plan_for(base);
  const EngineResult u = run(unbounded);
  check_invariants(unbounded, u);
  EXPECT_EQ(std::count_if(u.spans.begin(), u.spans.end(), [](const auto& sp) { return sp.stage == "finalize_wait"; }),
            0);
}

// Phase 11: with I1, one Rust-side dealloc at a time, and a partition's a/b/c are freed inside it
// (DEALLOC_END says what it freed); Phase 12 frees them on the GPU worker (free_abc rows) instead.
TEST(Pipeline, AbcAreFreedWhereTheEraFreesThem) {
  const std::vector<std::string> base = {"batch.count=1", "workload.partitions=4", "gpus.gpu_workers_per_device=3",
                                         "engine.dealloc_linger_ms=50", "interventions.serialize_dealloc=true"};
  for (const bool phase11 : {true, false}) {
    SCOPED_TRACE(phase11 ? "abc_release = dealloc_thread" : "abc_release = gpu_worker");
    auto o = base;
    o.push_back(phase11 ? "engine.abc_release=\"dealloc_thread\"" : "engine.abc_release=\"gpu_worker\"");
    const RunPlan plan = plan_for(o);
    const EngineResult r = run(plan);
    check_invariants(plan, r);
    const Timeline t(r.events);
    EXPECT_EQ(max_overlap(t.intervals("DEALLOC_START", "DEALLOC_END", "side", "rust")), 1u);
    const double abc = 3.0 * plan.shape.constraints * sizeof(Fr);
    std::size_t rust = 0;
    for (const auto& e : r.events) {
      if (e.event != "DEALLOC_END" || analysis::detail_value(e.detail, "side") != std::string_view("rust")) continue;
      ++rust;
      EXPECT_EQ(analysis::detail_number(e.detail, "abc_bytes").value_or(-1), phase11 ? abc : 0.0) << e.detail;
    }
    EXPECT_EQ(rust, plan.partitions);
    const auto free_abc = std::count_if(r.spans.begin(), r.spans.end(), [](const auto& sp) { return sp.stage == "free_abc"; });
    EXPECT_EQ(free_abc, phase11 ? 0 : static_cast<long>(plan.partitions));
  }
}

}  // namespace
}  // namespace zkc::harness

namespace zkc::harness {
namespace {

TEST(Pipeline, CountersDisabledMeansNoCounterColumnsAndNoSamples) {
  const RunPlan plan = plan_for({"counters.enabled=false", "batch.count=1"});
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  EXPECT_TRUE(r.counter_names.empty());
  EXPECT_TRUE(r.counter_rows.empty());
  EXPECT_EQ(r.counter_status, "counters.enabled = false");
  for (const auto& s : r.spans) EXPECT_TRUE(s.counters.empty()) << s.stage;
}

}  // namespace
}  // namespace zkc::harness

namespace zkc::harness {
namespace {

TEST(Pipeline, PinnedPoolsRunWhereThePlanSays) {
  if (std::thread::hardware_concurrency() < 2) GTEST_SKIP() << "needs 2 CPUs";
  const RunPlan plan = plan_for({"batch.count=1", "pinning.synthesis=\"pu:0\"", "pinning.groth16=\"pu:1\"",
                                 "pinning.prep=\"pu:1\"", "memory.numa=\"node:0\""});
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  EXPECT_TRUE(r.numa_note.empty()) << r.numa_note;
  std::size_t checked = 0;
  for (const auto& row : r.placement) {
    if (row.pool != "synthesis" && row.pool != "groth16") continue;
    if (row.cpus.empty()) continue;  // exited before any sample
    const unsigned want = row.pool == "synthesis" ? 0 : 1;
    EXPECT_EQ(row.cpus, std::vector<unsigned>{want}) << row.pool << " " << row.name;
    ++checked;
  }
  EXPECT_GE(checked, 4u);  // 2 synthesis workers + 2 pool threads at least
  for (const auto& b : r.bindings) {
    if (!b.plan.pus.empty()) {
      EXPECT_EQ(b.result, "bound") << topology::pool_key(b.plan.kind);
    }
  }
}

TEST(Pipeline, WhatIfTopologyPlansButOnlySimulatesBinding) {
  const RunPlan plan = plan_for({"batch.count=1", "topology.synthetic=\"package:1 l3:12 core:8 pu:2(indexes=core)\"",
                                 "pinning.policy=\"split\""});
  EXPECT_TRUE(plan.binding_simulated);
  const EngineResult r = run(plan);
  check_invariants(plan, r);
  bool groth16 = false;
  for (const auto& b : r.bindings) {
    if (b.plan.kind != topology::PoolKind::kGroth16) continue;
    groth16 = true;
    EXPECT_EQ(topology::format_index_list(b.plan.pus), "80-95,176-191");  // CCDs 10-11 of the seed machine
    EXPECT_NE(b.result.find("simulated"), std::string::npos) << b.result;
  }
  EXPECT_TRUE(groth16);
}

}  // namespace
}  // namespace zkc::harness
