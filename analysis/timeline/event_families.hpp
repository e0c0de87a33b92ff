// The one table of start/end event families: which TIMELINE events open and close a span, the stage
// it is, the end's duration field, and the waterfall lane it is drawn on. compute_metrics pairs them,
// event_spans draws them, and prover-log ingestion turns them into stage rows, all from this list.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "analysis/timeline/timeline_event.hpp"

namespace zkc::analysis {

struct EventFamily {
  std::string_view stage;      // "synthesis", "queue_wait", "gpu", "lock_held", "prep_msm", "b_g2_msm", "dealloc"
  std::string_view start;      // the opening event
  std::string_view start_alt;  // an older name of it ("" none): CHAN_SEND for GPU_QUEUE
  std::string_view end;        // the closing event
  std::string_view dur_key;    // the end's duration field ("" none)
  bool by_side = false;        // keyed and named per side= (dealloc_cpp, dealloc_rust)
};

std::span<const EventFamily> event_families();
// The family of `stage`; std::logic_error for an unknown one (a programming error).
const EventFamily& event_family(std::string_view stage);
bool opens(const EventFamily& f, const TimelineEvent& e);
bool closes(const EventFamily& f, const TimelineEvent& e);
// The stage a span of `f` is named in stage rows: "dealloc_<side>" for per-side families.
std::string stage_name(const EventFamily& f, const TimelineEvent& e);
// The waterfall lane of a span of `f` from its start (or end) event: "synth", "queue", "gpu<W>",
// "prep", "groth16", "dealloc-<side>".
std::string lane_of(const EventFamily& f, const TimelineEvent& e);

}  // namespace zkc::analysis
