// Rates of a cumulative counter inside and outside a set of time windows, e.g. TLB shootdowns per
// second while dealloc threads run against the rest of the batch: the seed's diagnosis is that
// shootdown storms coincide with concurrent munmap.
#pragma once

#include <span>
#include <vector>

#include "model/timeline_event.hpp"

namespace zkc::analysis {

struct CounterSample {
  double t_ms = 0;
  double value = 0;  // cumulative
};

struct TimeWindow {
  double start_ms = 0, end_ms = 0;
};

struct WindowedRate {
  double inside_ms = 0, outside_ms = 0;        // sampled time inside / outside the windows
  double inside_count = 0, outside_count = 0;  // counter increase attributed to each
  double inside_per_s() const { return inside_ms > 0 ? inside_count / inside_ms * 1000 : 0; }
  double outside_per_s() const { return outside_ms > 0 ? outside_count / outside_ms * 1000 : 0; }
};

// Each sample interval's increase is split between inside and outside in proportion to how much
// of the interval the union of the windows covers (the sampler's resolution bounds the accuracy).
// Samples must be in time order.
WindowedRate windowed_rate(std::span<const CounterSample> samples, std::span<const TimeWindow> windows);

// The union of DEALLOC_START..DEALLOC_END intervals of a timeline, sorted and merged.
std::vector<TimeWindow> dealloc_windows(std::span<const TimelineEvent> events);

}  // namespace zkc::analysis
