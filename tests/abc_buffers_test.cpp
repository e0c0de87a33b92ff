// The current era's buffer mechanisms on real runs of the ci profile (sim GPU), checked from the
// timeline and the run's counts: the pinned a/b/c pool (reuse, never more buffers than partitions in
// flight hold, no munmap of a/b/c, every checkout checked in once where the era releases a/b/c) and
// kept device buffers (the first d_b allocation paid once per device, each device's work under its
// own lock).
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"
#include "model/events.hpp"
#include "model/stages.hpp"
#include "model/timeline_event.hpp"

namespace zkc::harness {
namespace {

using model::detail_number;
using model::detail_value;
using model::Event;
using model::TimelineEvent;

RunPlan plan_for(std::vector<std::string> overrides) {
  const auto cfg = config::load_config_files(config::pipeline_schema(),
                                             {std::string(ZKC_SOURCE_DIR) + "/configs/ci.toml"}, overrides);
  MachineFacts m;
  m.online_cpus = 2;
  m.mem_available_bytes = 8ull << 30;
  m.cuda_note = "test";
  return make_run_plan(cfg, m);
}

using Key = std::pair<std::string, int>;  // (job, partition)

Key key_of(const TimelineEvent& e) {
  return {std::string(e.job_id), static_cast<int>(detail_number(e.detail, "partition").value_or(-1))};
}

// The most intervals open at once (an end at the very time of a start does not overlap it).
std::size_t max_overlap(const std::vector<std::pair<double, double>>& intervals) {
  std::vector<std::pair<double, int>> points;
  for (const auto& [s, e] : intervals) {
    points.emplace_back(s, +1);
    points.emplace_back(e, -1);
  }
  std::sort(points.begin(), points.end());
  long open = 0, most = 0;
  for (const auto& p : points) most = std::max(most, open += p.second);
  return static_cast<std::size_t>(most);
}

// Per partition, from SYNTH_START (before its checkouts) to its last DEALLOC_END (after its checkins,
// which happen on the GPU worker or the Rust-side dealloc thread): it holds its a/b/c inside this.
std::size_t partitions_in_flight_at_most(const std::vector<TimelineEvent>& events) {
  std::map<Key, std::pair<double, double>> life;
  for (const auto& e : events) {
    if (model::is(e, Event::kSynthStart)) life[key_of(e)].first = e.offset_ms;
    if (model::is(e, Event::kDeallocEnd)) life[key_of(e)].second = std::max(life[key_of(e)].second, e.offset_ms);
  }
  std::vector<std::pair<double, double>> iv;
  for (const auto& [k, v] : life) iv.push_back(v);
  return max_overlap(iv);
}

void check_pool_run(const RunPlan& plan, const EngineResult& r) {
  const std::size_t partitions = std::size_t{plan.proofs} * plan.partitions;
  ASSERT_TRUE(r.memory.pinned.has_value());
  const workloads::PinnedPoolStats& pool = *r.memory.pinned;
  EXPECT_EQ(pool.checkouts, 3 * partitions);
  EXPECT_EQ(pool.checkins, pool.checkouts) << "every buffer came back";
  EXPECT_EQ(pool.allocations + pool.reuses, pool.checkouts);
  EXPECT_EQ(pool.shrinks, 0u) << "the idle shrink is off here: nothing unmapped during the run";
  const std::size_t in_flight = partitions_in_flight_at_most(r.events);
  ASSERT_GE(in_flight, 1u);
  EXPECT_LE(pool.allocations, 3 * in_flight) << "a buffer is allocated only when every one is held";
  EXPECT_GT(pool.reuses, 0u) << "c = " << plan.proofs << ": later partitions reuse earlier ones' buffers";

  // The timeline: per partition three checkouts, then three checkins, in that order.
  std::map<Key, std::vector<std::pair<double, bool>>> by_partition;  // (offset, checkout?)
  std::size_t reused = 0, fresh = 0;
  for (const auto& e : r.events) {
    const bool out = model::is(e, Event::kPinnedCheckout), in = model::is(e, Event::kPinnedCheckin);
    if (!out && !in) continue;
    by_partition[key_of(e)].emplace_back(e.offset_ms, out);
    EXPECT_GT(detail_number(e.detail, "bytes").value_or(0), 0) << e.detail;
    EXPECT_TRUE(detail_number(e.detail, "free").has_value()) << e.detail;
    if (out) ++(detail_number(e.detail, "reuse").value_or(-1) == 1 ? reused : fresh);
  }
  EXPECT_EQ(by_partition.size(), partitions);
  for (const auto& [k, seq] : by_partition) {
    SCOPED_TRACE(k.first + " partition " + std::to_string(k.second));
    ASSERT_EQ(seq.size(), 6u);
    for (std::size_t i = 0; i < 6; ++i) EXPECT_EQ(seq[i].second, i < 3) << i;
  }
  EXPECT_EQ(reused, pool.reuses);
  EXPECT_EQ(fresh, pool.allocations);
}

// Both eras' release points: the Rust-side dealloc thread (Phase 11) and the GPU worker (Phase 12).
TEST(AbcBuffers, PinnedPoolReusesBuffersAndNeverUnmapsAbc) {
  for (const char* release : {"dealloc_thread", "gpu_worker"}) {
    SCOPED_TRACE(release);
    const std::vector<std::string> base = {std::string("engine.abc_release=\"") + release + "\"",
                                           "memory.pinned_pool_idle_s=0"};
    auto pooled = base;
    pooled.push_back("memory.abc_buffers=\"pinned_pool\"");
    const RunPlan plan = plan_for(pooled);
    ASSERT_GE(plan.proofs, 2u);
    const EngineResult r = run_engine(plan);
    check_pool_run(plan, r);
    // The partition buffers' own source unmaps three buffers fewer per partition than with heap a/b/c.
    const EngineResult heap = run_engine(plan_for(base));
    EXPECT_FALSE(heap.memory.pinned.has_value());
    EXPECT_EQ(heap.memory.regions.release_calls - r.memory.regions.release_calls,
              3u * plan.proofs * plan.partitions);
    EXPECT_EQ(std::count_if(heap.events.begin(), heap.events.end(),
                            [](const auto& e) { return model::is(e, Event::kPinnedCheckout); }),
              0);
  }
}

// Each GPU_TIMING's device, its partition's lock and the worker running it name the same device, and
// the device's stages ran inside that partition's hold of that device's lock.
void check_device_locks(const EngineResult& r) {
  std::map<Key, std::pair<double, double>> held;
  std::map<Key, std::string> lock_device;
  for (const auto& e : r.events) {
    if (model::is(e, Event::kLockAcquired)) {
      held[key_of(e)].first = e.offset_ms;
      lock_device[key_of(e)] = std::string(detail_value(e.detail, "device").value_or("?"));
    }
    if (model::is(e, Event::kLockReleased)) held[key_of(e)].second = e.offset_ms;
  }
  for (const auto& e : r.events) {
    if (!model::is(e, Event::kGpuTiming)) continue;
    EXPECT_EQ(std::string(detail_value(e.detail, "device").value_or("!")), lock_device[key_of(e)]) << e.detail;
    EXPECT_GE(e.offset_ms, held[key_of(e)].first);
    EXPECT_LE(e.offset_ms, held[key_of(e)].second);
  }
  std::set<std::string> device_stages;
  for (const auto st : {model::Stage::kUpload, model::Stage::kNttMsmH, model::Stage::kPrepWait,
                        model::Stage::kBatchAdd, model::Stage::kTailMsm}) {
    device_stages.emplace(model::name(st));
  }
  std::size_t seen = 0;
  for (const auto& s : r.spans) {
    if (device_stages.count(s.stage) == 0) continue;
    ++seen;
    const Key k{job_id(s.proof), s.partition};
    ASSERT_TRUE(lock_device.count(k)) << s.stage;
    EXPECT_EQ(s.worker.substr(0, 3 + lock_device[k].size() + 1), "gpu" + lock_device[k] + ".") << s.worker;
    EXPECT_GE(s.start_ms, held[k].first) << s.stage;
    EXPECT_LE(s.end_ms, held[k].second) << s.stage;
  }
  EXPECT_GT(seen, 0u);
}

TEST(AbcBuffers, KeptDeviceBuffersPayTheFirstD_bAllocationOncePerDevice) {
  const RunPlan plan = plan_for({"gpu.device_buffers=\"kept\"", "gpus.devices=2", "engine.finalize=\"split\""});
  ASSERT_TRUE(plan.keep_device_buffers);
  ASSERT_GT(plan.d_b_first_alloc_ms, 0);
  const EngineResult r = run_engine(plan);
  std::map<std::string, std::size_t> partitions, firsts;
  for (const auto& e : r.events) {
    if (!model::is(e, Event::kGpuTiming)) continue;
    const std::string device(detail_value(e.detail, "device").value_or("?"));
    ++partitions[device];
    ASSERT_TRUE(detail_number(e.detail, "d_b_first").has_value()) << e.detail;
    if (*detail_number(e.detail, "d_b_first") == 1) {
      ++firsts[device];
      // A modelled wait never undercuts its model (the detail has 3 decimals).
      EXPECT_GE(detail_number(e.detail, "d_b_alloc_ms").value_or(0), plan.d_b_first_alloc_ms - 0.0005) << e.detail;
    }
  }
  std::size_t total = 0;
  for (const auto& [device, n] : partitions) {
    EXPECT_EQ(firsts[device], 1u) << "device " << device << ", " << n << " partitions";
    total += n;
  }
  EXPECT_EQ(total, std::size_t{plan.proofs} * plan.partitions);
  check_device_locks(r);
}

TEST(AbcBuffers, PerPartitionDeviceBuffersKeepTheOldGpuTimingFields) {
  const RunPlan plan = plan_for({"batch.count=1", "gpus.devices=2"});
  const EngineResult r = run_engine(plan);
  for (const auto& e : r.events) {
    if (model::is(e, Event::kGpuTiming)) {
      EXPECT_FALSE(detail_value(e.detail, "d_b_first").has_value()) << e.detail;
    }
  }
  check_device_locks(r);
}

// The plan keeps each buffer time's ratio to the seed's kernels (1423 ms): at full scale and uniform
// balance, the unpinned upload adds 12.5 GB at 2 GB/s minus 50 GB/s, the first d_b 700 ms, the idle
// shrink 300 s; at scale s all three shrink with the kernels.
TEST(AbcBuffers, BufferTimesScaleAsTheKernels) {
  const RunPlan full = plan_for({"workload.scale=1", "workload.balance=\"uniform\"", "batch.count=1"});
  const double abc = 3.0 * 130'278'869 * 32;
  EXPECT_NEAR(full.unpinned_upload_ms, abc / 2e6 - abc / 50e6, 1e-6 * abc / 2e6);
  EXPECT_NEAR(full.d_b_first_alloc_ms, 700.0, 1e-9);
  EXPECT_NEAR(full.memory.pinned_pool_idle_ms, 300'000.0, 1e-6);
  const RunPlan small = plan_for({"workload.balance=\"uniform\"", "gpu.time_factor=2"});
  const double f = small.scale * 2;
  EXPECT_NEAR(small.unpinned_upload_ms, f * full.unpinned_upload_ms, 1e-9 * full.unpinned_upload_ms);
  EXPECT_NEAR(small.d_b_first_alloc_ms, f * 700.0, 1e-9);
  EXPECT_NEAR(small.unpinned_upload_ms / (small.ntt_msm_h_ms + small.batch_add_ms + small.tail_msm_ms),
              full.unpinned_upload_ms / 1423.0, 1e-9);
}

}  // namespace
}  // namespace zkc::harness
