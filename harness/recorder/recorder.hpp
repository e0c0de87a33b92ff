// Recorder: collects what a run did, as it happens, from every thread: the timeline events (the real
// prover's TIMELINE format, see model/timeline_event.hpp) and one span per stage of each
// partition. Offsets are milliseconds since the run's clock started (after set-up). Thread-safe; the
// cost is one short mutex hold per event, a few dozen per partition.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "model/events.hpp"
#include "model/stages.hpp"
#include "model/timeline_event.hpp"

namespace zkc::harness {

// What a span measured: one delta per counter of the run's catalog (nullopt: unavailable; empty when
// the stage was not measured), and the machine-wide counter's raw readings at its two ends (NaN when
// not read), from which the spans of one stage kind share the machine's count by time overlap.
struct SpanCounters {
  std::vector<std::optional<double>> deltas;
  double machine_begin = std::numeric_limits<double>::quiet_NaN();
  double machine_end = std::numeric_limits<double>::quiet_NaN();
};

// One stage of one partition (or proof-level work, partition = -1) as it ran.
struct StageSpan {
  int proof = -1;
  int partition = -1;
  std::string stage;   // "witness_gen", "spmv", "prep_msm", "b_g2_msm", "lock_wait", "dealloc_cpp", ...
  double start_ms = 0;
  double end_ms = 0;
  pid_t tid = 0;       // Linux thread id that ran it
  std::string worker;  // "synth-2", "gpu0.1", "prep", "dealloc-cpp", ...
  // Counter deltas over the stage, one per counter of the run's catalog (nullopt: unavailable);
  // empty when the stage was not measured. Per-thread counters are the thread's own (pool stages: the
  // jobs the stage ran); the machine-wide last column is this span's share (share_machine_counts).
  std::vector<std::optional<double>> counters;
  double machine_begin = std::numeric_limits<double>::quiet_NaN();  // raw machine-wide readings
  double machine_end = std::numeric_limits<double>::quiet_NaN();
};

class Recorder {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Recorder(Clock::time_point origin = Clock::now()) : origin_(origin) {}

  Clock::time_point origin() const { return origin_; }
  double offset_ms(Clock::time_point t) const {
    return std::chrono::duration<double, std::milli>(t - origin_).count();
  }
  double now_ms() const { return offset_ms(Clock::now()); }

  // Events and stages by their model handles: an undeclared one does not compile.
  void event(Clock::time_point at, model::Event event, std::string job_id, std::string detail);
  void event(model::Event ev, std::string job_id, std::string detail) {
    event(Clock::now(), ev, std::move(job_id), std::move(detail));
  }
  // Records a span run by the calling thread (its tid is filled in).
  void span(int proof, int partition, model::Stage stage, Clock::time_point start, Clock::time_point end,
            std::string worker, SpanCounters counters = {});

  // Copies, sorted by offset (events) or start (spans), ties in recording order.
  std::vector<model::TimelineEvent> events() const;
  std::vector<StageSpan> spans() const;

 private:
  Clock::time_point origin_;
  mutable std::mutex mutex_;
  std::vector<model::TimelineEvent> events_;
  std::vector<StageSpan> spans_;
};

// The job id of proof i in timelines: "proof-0007".
std::string job_id(int proof);

}  // namespace zkc::harness
