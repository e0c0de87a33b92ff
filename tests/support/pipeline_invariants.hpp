// The pipeline tests' shared helpers: the ci profile's plan with overrides (ci_plan.hpp), a run's
// timeline grouped by partition (timeline_view.hpp), interval overlap (intervals.hpp), and the
// invariants every engine run keeps (event order per partition, device lock exclusion, the j / pw / gw
// bounds, dealloc after the GPU call).
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"
#include "model/timeline_event.hpp"
#include "tests/support/ci_plan.hpp"
#include "tests/support/intervals.hpp"
#include "tests/support/timeline_view.hpp"

namespace zkc::harness::pipeline_test_support {

using analysis::TimelineEvent;

inline RunPlan plan_for(std::vector<std::string> overrides) { return test::ci_plan(std::move(overrides)); }

using test::Interval;
using test::Key;
using test::max_overlap;
using test::Timeline;

// The partition-level sequence every partition must show, each event exactly once, in this order.
inline const std::vector<std::string> kPartitionOrder = {"SYNTH_START", "SYNTH_END", "GPU_QUEUE", "GPU_PICKUP", "GPU_START",
                                                  "PREP_START",  "PREP_END",  "BG2_START", "BG2_END", "GPU_END"};

inline void check_invariants(const RunPlan& plan, const EngineResult& r) {
  const Timeline t(r.events);
  ASSERT_EQ(t.count("PROOF_START"), plan.proofs);
  ASSERT_EQ(t.count("PROOF_END"), plan.proofs);
  ASSERT_EQ(t.partitions().size(), std::size_t{plan.proofs} * plan.partitions);
  for (const auto& [key, ev] : t.partitions()) {
    SCOPED_TRACE(key.first + " partition " + std::to_string(key.second));
    double prev = -1;
    for (const auto& listed : kPartitionOrder) {
      const std::string name = listed == "GPU_QUEUE" ? std::string(model::name(plan.queue_event)) : listed;  // CHAN_SEND at Phase 11
      ASSERT_EQ(ev.count(name), 1u) << name;
      ASSERT_EQ(ev.at(name).size(), 1u) << name;
      EXPECT_LE(prev, ev.at(name)[0]) << name << " out of order";
      prev = ev.at(name)[0];
    }
    // The device lock is taken after GPU_START and released before GPU_END, once.
    ASSERT_EQ(ev.at("LOCK_ACQUIRED").size(), 1u);
    ASSERT_EQ(ev.at("LOCK_RELEASED").size(), 1u);
    EXPECT_LE(ev.at("GPU_START")[0], ev.at("LOCK_ACQUIRED")[0]);
    EXPECT_LE(ev.at("LOCK_ACQUIRED")[0], ev.at("LOCK_RELEASED")[0]);
    EXPECT_LE(ev.at("LOCK_RELEASED")[0], ev.at("GPU_END")[0]);
    // Each side's dealloc starts after the GPU call ended.
    ASSERT_EQ(ev.at("DEALLOC_START").size(), 2u);
    ASSERT_EQ(ev.at("DEALLOC_END").size(), 2u);
    for (double s : ev.at("DEALLOC_START")) EXPECT_LE(ev.at("GPU_END")[0], s);
  }
  // Lock exclusion per device.
  for (unsigned d = 0; d < plan.devices; ++d) {
    auto locked = t.intervals("LOCK_ACQUIRED", "LOCK_RELEASED", "device", std::to_string(d));
    std::sort(locked.begin(), locked.end(), [](auto& a, auto& b) { return a.start < b.start; });
    for (std::size_t i = 1; i < locked.size(); ++i) EXPECT_LE(locked[i - 1].end, locked[i].start) << "device " << d;
  }
  EXPECT_LE(max_overlap(t.intervals("PROOF_START", "PROOF_END")), plan.concurrency);
  EXPECT_LE(max_overlap(t.intervals("SYNTH_START", "SYNTH_END")), plan.partition_workers);
  EXPECT_LE(max_overlap(t.intervals("GPU_START", "LOCK_RELEASED")),
            std::size_t{plan.gpu_workers_per_device} * plan.devices);
}

inline EngineResult run(const RunPlan& plan) { return run_engine(plan); }

}  // namespace zkc::harness::pipeline_test_support
