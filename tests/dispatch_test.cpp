// The prover's scheduling as it runs today (issue 27): the memory budget, the work queues' orders, the
// dispatch pacer, and the engine with each, checked from the timeline alone: the budget never
// over-committed and each reservation given back at prove_start (a/b/c) and prove_finish (the rest);
// strict (proof, partition) order where the era says so; the pacer's rate within its limits; the depth
// semaphore's bound.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "harness/config/config_loader.hpp"
#include "harness/engine/dispatch_pacer.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/memory_budget.hpp"
#include "harness/engine/work_queue.hpp"
#include "model/timeline_event.hpp"
#include "tests/support/ci_plan.hpp"
#include "tests/support/intervals.hpp"

namespace zkc::harness {
namespace {

using analysis::detail_number;
using analysis::detail_value;
using analysis::TimelineEvent;

// ---- the budget ------------------------------------------------------------------------------------

TEST(MemoryBudget, GrantsInArrivalOrderAndGivesBackInTwoSteps) {
  MemoryBudget budget(100, MemoryBudget::Grant::kOrdered, 1);
  std::vector<std::uint64_t> held;
  auto a = budget.acquire(60, [&](std::uint64_t h) { held.push_back(h); });
  ASSERT_TRUE(a);
  EXPECT_EQ(budget.held(), 60u);
  std::atomic<bool> b_granted = false;
  std::unique_ptr<MemoryBudget::Reservation> b;
  std::thread waiter([&] {
    b = budget.acquire(50);
    b_granted = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_FALSE(b_granted) << "60 + 50 > 100 was granted";
  EXPECT_EQ(a->release(30, [&](std::uint64_t h) { held.push_back(h); }), 30u);  // 30 + 50 <= 100
  waiter.join();
  EXPECT_TRUE(b_granted);
  EXPECT_EQ(budget.held(), 80u);
  EXPECT_EQ(a->remaining(), 30u);
  a.reset();  // the rest goes back with the reservation
  EXPECT_EQ(budget.held(), 50u);
  EXPECT_EQ(budget.peak(), 80u);
  EXPECT_EQ(held, (std::vector<std::uint64_t>{60, 30}));
  EXPECT_THROW(budget.acquire(101), std::invalid_argument);
}

TEST(MemoryBudget, CancelWakesWaiters) {
  MemoryBudget budget(10, MemoryBudget::Grant::kRace, 1);
  auto a = budget.acquire(10);
  std::unique_ptr<MemoryBudget::Reservation> b;
  std::thread waiter([&] { b = budget.acquire(5); });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  budget.cancel();
  waiter.join();
  EXPECT_FALSE(b);
}

// kRace: when room frees, any waiter that fits may win; the draw is the seed's. Three waiters of 10
// arrive in order 0, 1, 2 on a full budget of 10; each gives its reservation back soon after it is
// granted, so all three are granted one at a time, in an order that is not always the arrival order.
std::vector<int> race_order(std::uint64_t seed) {
  MemoryBudget budget(10, MemoryBudget::Grant::kRace, seed);
  auto first = budget.acquire(10);
  std::vector<int> order;  // written under the budget's lock, read after the joins
  std::vector<std::thread> waiters;
  for (int i = 0; i < 3; ++i) {
    waiters.emplace_back([&, i] {
      auto r = budget.acquire(10, [&, i](std::uint64_t) { order.push_back(i); });
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  first.reset();
  for (auto& t : waiters) t.join();
  return order;
}

TEST(MemoryBudget, RaceGrantsEveryWaiterInASeededDraw) {
  std::set<std::vector<int>> seen;
  for (std::uint64_t seed = 1; seed <= 8; ++seed) {
    const auto order = race_order(seed);
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(std::set<int>(order.begin(), order.end()).size(), 3u);
    seen.insert(order);
  }
  EXPECT_GT(seen.size(), 1u) << "every seed granted in the same order: no race";
}

// ---- the queues --------------------------------------------------------------------------------------

TEST(WorkQueue, PriorityPopsTheSmallestKeyFifoTheOldest) {
  for (const auto order : {QueueOrder::kFifo, QueueOrder::kPriority}) {
    WorkQueue<int> q(order, 16);
    const std::vector<WorkKey> keys = {{1, 0}, {0, 3}, {1, 1}, {0, 1}};
    for (std::size_t i = 0; i < keys.size(); ++i) q.push(keys[i], static_cast<int>(i));
    std::vector<WorkKey> popped;
    while (q.size() > 0) q.pop([&](const WorkKey& k) { popped.push_back(k); });
    if (order == QueueOrder::kFifo) {
      EXPECT_EQ(popped, keys);
    } else {
      EXPECT_EQ(popped, (std::vector<WorkKey>{{0, 1}, {0, 3}, {1, 0}, {1, 1}}));
    }
  }
}

// ---- the pacer ---------------------------------------------------------------------------------------

TEST(DispatchPacer, BootstrapsAtItsSpacingThenFollowsTheGpuWithinItsLimits) {
  const double scale = 0.01;  // the miniature runs 100x faster than the real prover
  DispatchPacer p(4, 2, scale, 0.0);
  EXPECT_TRUE(p.in_bootstrap());
  EXPECT_DOUBLE_EQ(p.interval_s(), DispatchPacer::kBootstrapS * scale);
  for (int i = 0; i < 4; ++i) p.on_dispatch();
  EXPECT_TRUE(p.bootstrap_exhausted());
  // One GPU completion of 1 real second (0.01 here): gpu_eff = 0.5 s real with 2 workers.
  p.update(0.05, 0, 1, 0.01);
  ASSERT_TRUE(p.gpu_rate_known());
  EXPECT_NEAR(p.state().gpu_proc_ms, 10.0, 1e-9);
  EXPECT_NEAR(p.state().gpu_eff_ms, 5.0, 1e-9);
  // Nothing waits: the error is +1 (plus an integral), so the rate is above 1 and the interval
  // below gpu_eff, never under the 50 ms (real) floor.
  const double i0 = p.interval_s();
  EXPECT_LT(i0, 0.5 * scale);
  EXPECT_GE(i0, DispatchPacer::kMinIntervalS * scale - 1e-12);
  // A flooded queue: rate clamped at 0.3, interval = gpu_eff / 0.3.
  for (int k = 0; k < 200; ++k) p.update(0.05 + 0.01 * k, 40, 1, 0.01);
  EXPECT_NEAR(p.state().rate_mult, DispatchPacer::kMinRate, 1e-9);
  EXPECT_NEAR(p.interval_s(), 0.5 / DispatchPacer::kMinRate * scale, 1e-9);
  EXPECT_GE(p.state().integral, DispatchPacer::kMinIntegral);
  // Long starved: the integral saturates at its positive limit, the rate at 3 at most.
  for (int k = 0; k < 20000; ++k) p.update(2.1 + 0.01 * k, 0, 1, 0.01);
  EXPECT_DOUBLE_EQ(p.state().integral, DispatchPacer::kMaxIntegral);
  EXPECT_LE(p.state().rate_mult, DispatchPacer::kMaxRate);
  EXPECT_GE(p.interval_s(), DispatchPacer::kMinIntervalS * scale - 1e-12);
}

TEST(DispatchPacer, RebootstrapsWhenThePipelineDrained) {
  DispatchPacer p(2, 1, 1.0, 0.0);
  p.on_dispatch();
  p.on_dispatch();
  EXPECT_FALSE(p.should_rebootstrap(0));
  p.update(1.0, 0, 2, 4.0);  // both done, 2 s each
  EXPECT_TRUE(p.should_rebootstrap(2));
  p.enter_rebootstrap();
  EXPECT_TRUE(p.in_bootstrap());
  EXPECT_EQ(p.state().rebootstraps, 1u);
  EXPECT_DOUBLE_EQ(p.interval_s(), std::max(2.0, DispatchPacer::kRebootstrapMinS));
  EXPECT_THROW(DispatchPacer(0, 1, 1.0, 0.0), std::invalid_argument);
}

// ---- the engine --------------------------------------------------------------------------------------

struct Part {
  std::map<std::string, std::vector<double>> at;  // event -> times
  std::vector<std::uint64_t> released;            // BUDGET_RELEASED bytes, in order
  std::vector<std::string> released_at;
};
using Key = std::pair<int, int>;  // (proof index, partition)

int proof_of(std::string_view job) {  // "job-3" -> 3
  return std::stoi(std::string(job.substr(job.rfind('-') + 1)));
}

std::map<Key, Part> by_partition(const std::vector<TimelineEvent>& events) {
  std::map<Key, Part> out;
  for (const auto& e : events) {
    const auto part = detail_number(e.detail, "partition");
    if (!part) continue;
    Part& p = out[{proof_of(e.job_id), static_cast<int>(*part)}];
    p.at[std::string(e.event)].push_back(e.offset_ms);
    if (e.event == "BUDGET_RELEASED") {
      p.released.push_back(static_cast<std::uint64_t>(*detail_number(e.detail, "bytes")));
      p.released_at.emplace_back(*detail_value(e.detail, "at"));
    }
  }
  return out;
}

EngineResult run_with(std::vector<std::string> overrides) { return run_engine(test::ci_plan(std::move(overrides))); }

const std::vector<std::string>& kBudget = test::kBudgetOverrides;
using test::with;

TEST(Dispatch, BudgetNeverOverCommittedAndGivenBackAtProveStartAndProveFinish) {
  for (const char* mode : {"budget", "budget_race"}) {
    SCOPED_TRACE(mode);
    const RunPlan plan = test::ci_plan(with(kBudget, {fmt::format("engine.dispatch=\"{}\"", mode)}));
    ASSERT_EQ(plan.dispatch.budget_bytes, 2 * plan.dispatch.reserve_bytes);
    EXPECT_EQ(plan.partition_workers, 2u) << "max(2, min(2 reservations, 4))";
    const EngineResult r = run_engine(plan);
    // The budget as the timeline shows it: held after each change, never above the total, and equal
    // to the running sum of the changes.
    std::int64_t running = 0;
    std::size_t acquired = 0;
    for (const auto& e : r.events) {
      const bool acq = e.event == "BUDGET_ACQUIRED", rel = e.event == "BUDGET_RELEASED";
      if (!acq && !rel) continue;
      const auto bytes = static_cast<std::int64_t>(*detail_number(e.detail, "bytes"));
      running += acq ? bytes : -bytes;
      acquired += acq ? 1 : 0;
      EXPECT_EQ(static_cast<std::int64_t>(*detail_number(e.detail, "held")), running) << e.event << " " << e.detail;
      EXPECT_LE(running, static_cast<std::int64_t>(plan.dispatch.budget_bytes));
    }
    EXPECT_EQ(running, 0) << "every reservation given back";
    EXPECT_EQ(acquired, std::size_t{plan.proofs} * plan.partitions);
    for (const auto& [key, p] : by_partition(r.events)) {
      SCOPED_TRACE(fmt::format("proof {} partition {}", key.first, key.second));
      ASSERT_EQ(p.at.at("BUDGET_ACQUIRED").size(), 1u);
      EXPECT_LE(p.at.at("BUDGET_ACQUIRED")[0], p.at.at("SYNTH_START")[0]) << "reserved before synthesis";
      ASSERT_EQ(p.released_at, (std::vector<std::string>{"prove_start", "prove_finish"}));
      EXPECT_EQ(p.released[0], plan.dispatch.abc_bytes);
      EXPECT_EQ(p.released[0] + p.released[1], plan.dispatch.reserve_bytes);
      const auto& rel = p.at.at("BUDGET_RELEASED");
      EXPECT_LE(p.at.at("LOCK_RELEASED")[0], rel[0]) << "a/b/c part after the device is done with them";
      EXPECT_LE(rel[0], p.at.at("GPU_END")[0]);
      EXPECT_LE(p.at.at("GPU_END")[0], rel[1]) << "the rest after prove_finish";
    }
  }
}

TEST(Dispatch, PriorityOrderFromTheTimeline) {
  const EngineResult r = run_with(kBudget);
  // The one dispatcher hands partitions to synthesis in strict (proof, partition) order.
  std::vector<Key> dispatched;
  for (const auto& e : r.events)
    if (e.event == "DISPATCH") dispatched.emplace_back(proof_of(e.job_id), static_cast<int>(*detail_number(e.detail, "partition")));
  ASSERT_FALSE(dispatched.empty());
  EXPECT_TRUE(std::is_sorted(dispatched.begin(), dispatched.end()));
  // A GPU worker never picks a partition while one with a smaller key waits in the GPU queue.
  const auto parts = by_partition(r.events);
  for (const auto& [key, p] : parts) {
    const double picked = p.at.at("GPU_PICKUP")[0];
    for (const auto& [other, q] : parts) {
      if (!(other < key)) continue;
      const double queued = q.at.at("GPU_QUEUE")[0], its_pick = q.at.at("GPU_PICKUP")[0];
      EXPECT_FALSE(queued < picked && its_pick > picked)
          << "proof " << key.first << " partition " << key.second << " picked at " << picked << " while proof "
          << other.first << " partition " << other.second << " waited (queued " << queued << ")";
    }
  }
}

TEST(Dispatch, DepthSemaphoreBoundsPartitionsBetweenDispatchAndProveFinish) {
  const EngineResult r = run_with(with(kBudget, {"engine.pacer=\"depth\"", "engine.gpu_queue_target=1",
                                                 "budget.partitions=4"}));
  std::vector<test::Interval> open;
  for (const auto& [key, p] : by_partition(r.events)) open.push_back({p.at.at("DISPATCH")[0], p.at.at("GPU_END")[0]});
  EXPECT_EQ(test::max_overlap(open), 1u);
}

TEST(Dispatch, PiPacerRateAndIntervalWithinTheirLimits) {
  const RunPlan plan = test::ci_plan(with(kBudget, {"engine.pacer=\"pi\"", "engine.gpu_queue_target=2",
                                                    "budget.partitions=4", "engine.pacer_time_scale=0.001"}));
  const EngineResult r = run_engine(plan);
  std::size_t dispatches = 0, controlled = 0;
  for (const auto& e : r.events) {
    if (e.event != "DISPATCH") continue;
    ++dispatches;
    const double rate = *detail_number(e.detail, "rate"), interval = *detail_number(e.detail, "interval_ms");
    EXPECT_GE(rate, DispatchPacer::kMinRate);
    EXPECT_LE(rate, DispatchPacer::kMaxRate);
    if (*detail_number(e.detail, "bootstrap") == 0) {
      ++controlled;
      EXPECT_GE(interval, DispatchPacer::kMinIntervalS * 1e3 * 0.001 - 1e-6);
      EXPECT_LE(interval, DispatchPacer::kMaxIntervalS * 1e3 * 0.001 + 1e-6);
    } else {
      EXPECT_DOUBLE_EQ(rate, 1.0);
    }
  }
  EXPECT_EQ(dispatches, std::size_t{plan.proofs} * plan.partitions);
  EXPECT_GT(controlled, 0u) << "every dispatch was in bootstrap: the PI control never ran";
}

TEST(Dispatch, ConfigRefusesAPacerWithoutTheDispatcherAndAnAbcPartOverTheReservation) {
  try {
    test::ci_plan({"engine.pacer=\"pi\""});
    FAIL() << "accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("engine.dispatch"), std::string::npos) << e.what();
  }
  try {
    test::ci_plan({"engine.dispatch=\"budget\"", "budget.abc_gib=15"});
    FAIL() << "accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("budget.abc_gib"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zkc::harness
