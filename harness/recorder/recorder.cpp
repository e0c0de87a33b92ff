#include "harness/recorder/recorder.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>

namespace zkc::harness {

void Recorder::event(Clock::time_point at, model::Event ev, std::string job, std::string detail) {
  model::TimelineEvent e{offset_ms(at), model::name(ev), job, detail};
  std::lock_guard lock(mutex_);
  events_.push_back(std::move(e));
}

void Recorder::span(int proof, int partition, model::Stage stage, Clock::time_point start, Clock::time_point end,
                    std::string worker, SpanCounters counters) {
  StageSpan s{proof,    partition, std::string(model::name(stage)), offset_ms(start), offset_ms(end), gettid(), std::move(worker),
              std::move(counters.deltas), counters.machine_begin, counters.machine_end};
  std::lock_guard lock(mutex_);
  spans_.push_back(std::move(s));
}

std::vector<model::TimelineEvent> Recorder::events() const {
  std::vector<model::TimelineEvent> out;
  {
    std::lock_guard lock(mutex_);
    out = events_;
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.offset_ms < b.offset_ms; });
  return out;
}

std::vector<StageSpan> Recorder::spans() const {
  std::vector<StageSpan> out;
  {
    std::lock_guard lock(mutex_);
    out = spans_;
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.start_ms < b.start_ms; });
  return out;
}

std::string job_id(int proof) { return fmt::format("proof-{:04d}", proof); }

}  // namespace zkc::harness
