// The pipeline tests' shared helpers: the ci profile's plan with overrides, a run's timeline grouped
// by partition, interval overlap, and the invariants every engine run keeps (event order per partition,
// device lock exclusion, the j / pw / gw bounds, dealloc after the GPU call).
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

namespace zkc::harness::pipeline_test_support {

using analysis::TimelineEvent;

inline RunPlan plan_for(std::vector<std::string> overrides) {
  const auto cfg = config::load_config_files(config::pipeline_schema(), {std::string(ZKC_SOURCE_DIR) + "/configs/ci.toml"},
                                             overrides);
  MachineFacts m;
  m.online_cpus = 2;
  m.mem_available_bytes = 8ull << 30;
  m.cuda_note = "test";
  return make_run_plan(cfg, m);
}

using Key = std::pair<std::string, int>;  // (job, partition)

struct Interval {
  double start = 0, end = 0;
};

// Most intervals open at once; an interval ending exactly when another starts does not overlap it.
inline std::size_t max_overlap(std::vector<Interval> iv) {
  std::vector<std::pair<double, int>> points;
  for (const auto& i : iv) {
    points.emplace_back(i.start, +1);
    points.emplace_back(i.end, -1);
  }
  std::sort(points.begin(), points.end());  // -1 before +1 at equal times
  std::size_t open = 0, most = 0;
  for (const auto& [t, d] : points) {
    open = static_cast<std::size_t>(static_cast<long>(open) + d);
    most = std::max(most, open);
  }
  return most;
}

class Timeline {
 public:
  explicit Timeline(std::vector<TimelineEvent> events) : events_(std::move(events)) {
    for (const auto& e : events_) {
      const auto part = analysis::detail_number(e.detail, "partition");
      if (part) by_partition_[{e.job_id, static_cast<int>(*part)}][e.event].push_back(e.offset_ms);
    }
  }
  const std::map<Key, std::map<std::string, std::vector<double>>>& partitions() const { return by_partition_; }
  // Pairs each start event with the next end event of the same key (job, detail field value).
  std::vector<Interval> intervals(const std::string& start, const std::string& end, const std::string& group_key = "",
                                  const std::string& group_value = "") const {
    std::map<std::string, std::vector<double>> open;
    std::vector<Interval> out;
    for (const auto& e : events_) {
      if (!group_key.empty() && analysis::detail_value(e.detail, group_key) != std::string_view(group_value)) continue;
      const std::string id = std::string(e.job_id) + "/" + std::string(analysis::detail_value(e.detail, "partition").value_or(""));
      if (e.event == start) open[id].push_back(e.offset_ms);
      if (e.event == end) {
        EXPECT_FALSE(open[id].empty()) << end << " without " << start << " for " << id;
        if (open[id].empty()) continue;
        out.push_back({open[id].front(), e.offset_ms});
        open[id].erase(open[id].begin());
      }
    }
    return out;
  }
  std::size_t count(const std::string& event) const {
    return static_cast<std::size_t>(
        std::count_if(events_.begin(), events_.end(), [&](const auto& e) { return e.event == event; }));
  }
  const std::vector<TimelineEvent>& events() const { return events_; }

 private:
  std::vector<TimelineEvent> events_;
  std::map<Key, std::map<std::string, std::vector<double>>> by_partition_;
};

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
