// The memory accounting on whole runs: a real engine run of the ci plan accounted from its own
// timeline, and the seed machine at full scale (Phase 12, 5 proofs, j = 5) on a hand-built timeline
// against the real prover's measured peak RSS (curio extern/cuzk/cuzk-project.md, Phase 12, the
// low-memory configuration sweep).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/vtime/memory_estimate_timeline.hpp"
#include "harness/vtime/memory_timeline.hpp"
#include "tests/support/ci_plan.hpp"
#include "tests/support/lockstep_timeline.hpp"

namespace zkc::harness::vtime {
namespace {

constexpr double kGiB = 1024.0 * 1024.0 * 1024.0;

std::size_t count_of(const MemoryTimeline& t, std::string_view what) {
  return static_cast<std::size_t>(
      std::count_if(t.buffers.begin(), t.buffers.end(), [&](const BufferLife& b) { return b.what == what; }));
}

// A real run: every buffer of every partition is allocated and freed within the timeline, and the
// peak lies above what stays resident and below the old sum of worst cases.
void check_engine_run(const RunPlan& plan) {
  const EngineResult r = run_engine(plan);
  const MemoryTimeline t = account_memory(plan, r.events, r.spans);
  const std::size_t partitions = std::size_t{plan.proofs} * plan.partitions;
  for (const auto what : {item::kAux, item::kWitnessCopy, item::kAbc, item::kDensity, item::kSplit, item::kBuckets}) {
    EXPECT_EQ(count_of(t, what), partitions) << what;
  }
  for (const auto& b : t.buffers) {
    EXPECT_TRUE(std::isfinite(b.free_ms)) << b.what << " of " << b.proof << "." << b.partition << " never freed";
    EXPECT_LT(b.alloc_ms, b.free_ms) << b.what;
  }
  const MemoryPeak p = t.peak();
  const std::uint64_t old_estimate = worst_case_memory(plan).total();
  EXPECT_GT(p.bytes, t.resident_bytes());
  // The old estimate has no runtime item (at the ci scale the runtime outweighs every buffer).
  EXPECT_LT(p.bytes - kProcessRuntimeBytes, old_estimate);
  EXPECT_GE(p.partitions_live, 1u);
  // The Rust side's DEALLOC_END says what it freed: a/b/c (Phase 11) and the rest, unrounded.
  const BufferSizes s = buffer_sizes(plan);
  for (const auto& e : r.events) {
    if (!model::is(e, model::Event::kDeallocEnd) || model::detail_value(e.detail, "side") != "rust") continue;
    const auto abc = model::detail_number(e.detail, "abc_bytes");
    ASSERT_TRUE(abc.has_value());
    const double expected_abc = plan.abc_release == AbcRelease::kDeallocThread ? 3.0 * plan.shape.constraints * 32 : 0;
    EXPECT_EQ(*abc, expected_abc);
    EXPECT_LE(*abc, static_cast<double>(s.abc));
  }
  std::printf("ci run (%s): peak %.1f MiB at %.0f ms (%u partitions live), resident %.1f MiB, old estimate %.1f MiB\n",
              plan.abc_release == AbcRelease::kGpuWorker ? "Phase 12" : "Phase 11", p.bytes / 1048576.0, p.at_ms,
              p.partitions_live, t.resident_bytes() / 1048576.0, old_estimate / 1048576.0);
}

TEST(VtimeMemoryRuns, EngineRunsBuffersAreAllFreedAndItsPeakIsBelowTheOldEstimate) {
  check_engine_run(test::ci_plan({}));
  check_engine_run(test::ci_plan({"engine.finalize=\"split\"", "engine.abc_release=\"gpu_worker\""}));
}

// ---- the seed machine at full scale ----------------------------------------------------------------

RunPlan seed_plan(unsigned pw, unsigned gw) {
  const std::string dir = std::string(ZKC_SOURCE_DIR) + "/configs/";
  const auto cfg = config::load_config_files(
      config::pipeline_schema(), {dir + "tr7995wx-5070ti.toml", dir + "eras/phase12.toml"},
      {"batch.count=5", "batch.concurrency=5", "gpus.gpu_threads=32", fmt::format("synthesis.partition_workers={}", pw),
       fmt::format("gpus.gpu_workers_per_device={}", gw)});
  MachineFacts m;  // the seed: 192 CPUs, 755 GiB, one RTX 5070 Ti
  m.online_cpus = 192;
  m.mem_total_bytes = m.mem_available_bytes = std::uint64_t{755} << 30;
  m.cuda_device_present = true;
  m.cuda_devices = 1;
  m.cuda_device_name = "RTX 5070 Ti";
  return make_run_plan(cfg, m);
}

// One point of the comparison: the real prover's s/proof (which sets the synthesis time of a wave:
// s/proof x pw / 10) and its peak RSS, both from its notes.
struct SeedPoint {
  unsigned pw, gw;
  double s_per_proof;
  double real_gib;
  const char* source;
  double old_issue_gib;  // the old estimate as the issue quotes it (0: not quoted)
};

// curio extern/cuzk/cuzk-project.md, Phase 12, "Low-Memory Configuration Sweep (5 proofs, j=5, gt=32)".
// Two points of the brief's grid were not measured: pw=1 gw=2 takes pw=1 gw=1's figures (the notes:
// "gw=2 adds no memory at low pw", "adds no throughput at pw<=5"), pw=12 gw=1 the notes' fit
// 69 + pw x 20 GiB and pw=10 gw=1's s/proof.
constexpr SeedPoint kSeedPoints[] = {
    {1, 1, 290.0, 104, "measured", 233}, {1, 2, 290.0, 104, "pw=1 gw=1 (gw adds none)", 0},
    {2, 1, 152.0, 110, "measured", 0},   {5, 1, 68.4, 170, "measured", 373},
    {5, 2, 68.6, 170, "measured", 0},    {7, 1, 53.3, 208, "measured", 0},
    {7, 2, 51.2, 204, "measured", 0},    {10, 1, 45.4, 310, "measured", 0},
    {10, 2, 42.5, 271, "measured", 657}, {12, 1, 45.4, 309, "fit 69 + 20 pw", 0},
    {12, 2, 42.5, 373, "measured", 0},
};

// The stage times of the hand-built timeline, ms, from the same notes and the seed's figures: the
// lock held 1800 ms (the seed's gpu_total: 690 + 650 + 83 and 377 waiting for prep), a/b/c registered
// in 0.35 of that before it, prep_msm 0.94 of it, b_g2_msm 1.7 s at gt = 32 (Phase 11's note), the
// a/b/c free 0.8 s on the GPU worker; the dealloc threads 0.5 s (C++) and 1 s (Rust), assumed.
test::LockstepTimes seed_times(const SeedPoint& pt) {
  test::LockstepTimes t;
  t.synthesis = pt.s_per_proof * 1000.0 * pt.pw / 10.0;
  t.register_abc = 630;
  t.lock_held = 1800;
  t.free_abc = 800;
  t.prep = 1692;
  t.b_g2 = 1700;
  t.dealloc_cpp = 500;
  t.dealloc_rust = 1000;
  return t;
}

// The comparison (GiB; resident = CSR 25.7 + this harness's SRS 51.0 + runtime 0.02, no staging on
// the cuda backend; per partition: synthesis 19.4 at its largest (aux 3.9, copy 3.9, a/b/c 11.6),
// 3.9 + split vectors 7.1 after prove_start; old = worst_case_memory, the sum of worst cases, which
// is the issue's 233 / 373 / 657 at pw=1 gw=1, pw=5 gw=1, pw=10 gw=2):
//
//   pw gw   real prover (notes)        accounted   vs real   old estimate   old vs real
//    1  1   104 measured                   104.0     -0.0%          232.6        +124%
//    1  2   104 as pw=1 gw=1               104.0     -0.0%          341.6        +228%
//    2  1   110 measured                   123.4    +12.2%          267.6        +143%
//    5  1   170 measured                   181.7     +6.9%          372.6        +119%
//    5  2   170 measured                   188.8    +11.1%          481.6        +183%
//    7  1   208 measured                   220.6     +6.0%          442.6        +113%
//    7  2   204 measured                   227.7    +11.6%          551.6        +170%
//   10  1   310 measured                   278.9    -10.0%          547.6         +77%
//   10  2   271 measured                   286.0     +5.5%          656.6        +142%
//   12  1   309 fit 69 + 20 pw             317.8     +2.8%          617.6        +100%
//   12  2   373 measured                   324.9    -12.9%          726.6         +95%
// (the test prints this table as it computes it)
TEST(VtimeMemoryRuns, FullScalePhase12PeakIsWithinTwentyPercentOfTheRealProversNotes) {
  std::printf("pw gw   real GiB (source)                accounted   vs real   old estimate\n");
  for (const SeedPoint& pt : kSeedPoints) {
    SCOPED_TRACE(fmt::format("pw={} gw={}", pt.pw, pt.gw));
    const RunPlan plan = seed_plan(pt.pw, pt.gw);
    ASSERT_EQ(plan.backend, GpuBackendKind::kCuda);
    ASSERT_EQ(plan.abc_release, AbcRelease::kGpuWorker);
    const auto events = test::lockstep_timeline(plan.proofs, plan.partitions, pt.pw, pt.gw, seed_times(pt));
    const MemoryTimeline t = account_memory(plan, events);
    const MemoryPeak p = t.peak();
    const double gib = static_cast<double>(p.bytes) / kGiB;
    const double old = static_cast<double>(worst_case_memory(plan).total()) / kGiB;
    std::printf("%2u %2u   %5.0f (%-26s)   %8.1f   %+6.1f%%   %6.1f\n", pt.pw, pt.gw, pt.real_gib, pt.source, gib,
                100.0 * (gib / pt.real_gib - 1.0), old);
    EXPECT_NEAR(gib / pt.real_gib, 1.0, 0.20) << "accounted " << gib << " GiB against " << pt.real_gib;
    // The old estimate is further off everywhere, and is the issue's figure where it quotes one.
    EXPECT_GT(std::abs(old / pt.real_gib - 1.0), std::abs(gib / pt.real_gib - 1.0));
    if (pt.old_issue_gib > 0) {
      EXPECT_NEAR(old, pt.old_issue_gib, 1.0);
    }
    // Nothing is left at the end but what stays resident.
    EXPECT_EQ(t.bytes_at(1e12), t.resident_bytes());
  }
}

// The same comparison through the run's own estimate (estimate_memory): the plan's batch in virtual
// time instead of the lockstep rule, so what is in flight at the peak is what the pipeline's schedule
// puts there. Its margin item is left out: the notes measured peaks, the margin is what the guard adds.
TEST(VtimeMemoryRuns, TheRunsEstimateFromItsVirtualScheduleIsWithinTwentyPercentAtFullScale) {
  std::printf("pw gw   real GiB   estimate without margin   vs real\n");
  for (const SeedPoint& pt : kSeedPoints) {
    if (std::string_view(pt.source) != "measured") continue;
    SCOPED_TRACE(fmt::format("pw={} gw={}", pt.pw, pt.gw));
    const RunPlan plan = seed_plan(pt.pw, pt.gw);
    const MemoryEstimate e = estimate_memory(plan);
    ASSERT_FALSE(e.items.empty());
    ASSERT_EQ(e.items.back().what, margin_item(plan.memory.estimate_margin_pct));
    const double gib = static_cast<double>(e.total() - e.items.back().total()) / kGiB;
    std::printf("%2u %2u   %8.0f   %23.1f   %+6.1f%%\n", pt.pw, pt.gw, pt.real_gib, gib, 100.0 * (gib / pt.real_gib - 1.0));
    EXPECT_NEAR(gib / pt.real_gib, 1.0, 0.20) << "estimated " << gib << " GiB against " << pt.real_gib;
    // The margin is the key's share of the rest, rounded up.
    EXPECT_NEAR(static_cast<double>(e.items.back().total()) / kGiB, gib * plan.memory.estimate_margin_pct / 100, 0.01);
  }
}

}  // namespace
}  // namespace zkc::harness::vtime
