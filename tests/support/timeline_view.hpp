// A timeline's events by partition, and start/end pairs as intervals: what the engine tests check
// their invariants on.
#pragma once

#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "model/timeline_event.hpp"
#include "tests/support/intervals.hpp"

namespace zkc::test {

using analysis::TimelineEvent;

using Key = std::pair<std::string, int>;  // (job, partition)

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

}  // namespace zkc::test
