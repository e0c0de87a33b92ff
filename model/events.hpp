// The one list of timeline events (the `event` column of timeline.csv, the real prover's TIMELINE
// lines), the start/end families that pair them into spans, and the waterfall lanes spans are drawn
// on. A producer names an event by its handle (`Event`), so an undeclared event does not compile;
// compute_metrics pairs families, event_spans draws them, and prover-log ingestion turns them into
// stage rows, all from these lists. What each event's detail holds: model/timeline_event.hpp.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "model/timeline_event.hpp"

namespace zkc::model {

enum class Event : std::uint8_t {
  kSynthStart,
  kSynthEnd,
  kGpuQueue,
  kChanSend,  // the older name of GPU_QUEUE (engine.queue_event picks which a run writes)
  kGpuPickup,
  kGpuStart,
  kGpuEnd,
  kGpuTiming,
  kLockAcquired,
  kLockReleased,
  kPrepStart,
  kPrepEnd,
  kBG2Start,
  kBG2End,
  kThrottleSet,
  kThrottleClear,
  kDeallocStart,
  kDeallocEnd,
  kProofStart,
  kProofEnd,
  // The budget dispatcher (engine.dispatch = budget*): a partition handed to synthesis, with the pacer's
  // state; its reservation granted; a part of it given back (at=prove_start | prove_finish).
  kDispatch,
  kBudgetAcquired,
  kBudgetReleased,
  // memory.abc_buffers = pinned_pool (the real prover's "pinned pool: checkout (reuse)" / "allocated
  // new buffer" / "checkin" / "freed buffer (evictor)" lines).
  kPinnedCheckout,
  kPinnedCheckin,
  kPinnedShrink,
};

std::string_view name(Event e);  // "GPU_START", as the timeline spells it
std::optional<Event> find_event(std::string_view name);
// Whether `e` is an event of kind `kind`.
bool is(const TimelineEvent& e, Event kind);

// Waterfall lanes: the kinds of `worker` a stage row or a span is drawn on, in drawing order.
enum class Lane : std::uint8_t {
  kSynthWorker,  // "synth-2": a synthesis worker
  kSynthPool,    // "synth-pool": the SpMV pool's jobs
  kSynth,        // "synth": synthesis spans from a log's events
  kGpu,          // "gpu0.1" (a harness GPU worker), "gpu3" (a log's worker=3)
  kPrep,         // "prep"
  kGroth16,      // "groth16": the groth16 pool's jobs
  kFinalizer,    // "finalizer"
  kDealloc,      // "dealloc-cpp", "dealloc-rust"
  kQueue,        // "queue": GPU queue waits from a log's events
};
// The worker name of a lane: its base and, when given, the suffix ("synth-" + "2", "gpu" + "0.1",
// "dealloc-" + "cpp").
std::string lane_worker(Lane lane, std::string_view suffix = "");
// The harness's GPU worker `index` of `device`: "gpu0.1".
std::string gpu_worker(unsigned device, unsigned index);
// The lane a worker name belongs to (nullopt: none of the declared ones).
std::optional<Lane> lane_of_worker(std::string_view worker);

enum class Family : std::uint8_t { kSynthesis, kQueueWait, kGpu, kLockHeld, kPrepMsm, kBG2Msm, kDealloc };

struct EventFamily {
  Family id;
  std::string_view stage;                 // "synthesis", "queue_wait", "gpu", "lock_held", ...
  Event start;                            // the opening event
  std::optional<Event> start_alt;         // an older name of it: CHAN_SEND for GPU_QUEUE
  Event end;                              // the closing event
  std::string_view dur_key;               // the end's duration field ("" none)
  bool by_side = false;                   // keyed and named per side= (dealloc_cpp, dealloc_rust)
  Lane lane;                              // where its spans are drawn
  std::string_view lane_key = "";         // the detail field that suffixes the lane ("worker", "side")
  std::string_view lane_missing = "";     // the suffix when that field is missing
};

std::span<const EventFamily> event_families();
const EventFamily& event_family(Family f);
bool opens(const EventFamily& f, const TimelineEvent& e);
bool closes(const EventFamily& f, const TimelineEvent& e);
// The stage a span of `f` is named in stage rows: "dealloc_<side>" for per-side families.
std::string stage_name(const EventFamily& f, const TimelineEvent& e);
// The waterfall lane of a span of `f` from its start (or end) event: "synth", "queue", "gpu<W>",
// "prep", "groth16", "dealloc-<side>".
std::string lane_of(const EventFamily& f, const TimelineEvent& e);

}  // namespace zkc::model

namespace zkc::analysis {
using namespace zkc::model;
}  // namespace zkc::analysis
