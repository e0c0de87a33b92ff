#include "model/events.hpp"

#include <fmt/format.h>

#include <array>
#include <cstddef>

namespace zkc::model {
namespace {

using E = Event;
struct EventName {
  Event id;
  std::string_view name;
};
constexpr std::array kEvents = {
    EventName{E::kSynthStart, "SYNTH_START"},     EventName{E::kSynthEnd, "SYNTH_END"},
    EventName{E::kGpuQueue, "GPU_QUEUE"},         EventName{E::kChanSend, "CHAN_SEND"},
    EventName{E::kGpuPickup, "GPU_PICKUP"},       EventName{E::kGpuStart, "GPU_START"},
    EventName{E::kGpuEnd, "GPU_END"},             EventName{E::kGpuTiming, "GPU_TIMING"},
    EventName{E::kLockAcquired, "LOCK_ACQUIRED"}, EventName{E::kLockReleased, "LOCK_RELEASED"},
    EventName{E::kPrepStart, "PREP_START"},       EventName{E::kPrepEnd, "PREP_END"},
    EventName{E::kBG2Start, "BG2_START"},         EventName{E::kBG2End, "BG2_END"},
    EventName{E::kThrottleSet, "THROTTLE_SET"},   EventName{E::kThrottleClear, "THROTTLE_CLEAR"},
    EventName{E::kDeallocStart, "DEALLOC_START"}, EventName{E::kDeallocEnd, "DEALLOC_END"},
    EventName{E::kProofStart, "PROOF_START"},     EventName{E::kProofEnd, "PROOF_END"},
    EventName{E::kDispatch, "DISPATCH"},          EventName{E::kBudgetAcquired, "BUDGET_ACQUIRED"},
    EventName{E::kBudgetReleased, "BUDGET_RELEASED"},
    EventName{E::kPinnedCheckout, "PINNED_CHECKOUT"}, EventName{E::kPinnedCheckin, "PINNED_CHECKIN"},
    EventName{E::kPinnedShrink, "PINNED_SHRINK"},
};

struct LaneKind {
  Lane id;
  std::string_view base;   // the worker name, or its start when numbered
  std::string_view sep;    // between base and suffix
  std::string_view match;  // a worker whose name starts with this belongs here (most specific first)
};
// Drawing order is the enum's; matching tries the most specific prefix first.
constexpr std::array kLanes = {
    LaneKind{Lane::kSynthWorker, "synth", "-", "synth-"},
    LaneKind{Lane::kSynthPool, "synth-pool", "-", "synth-pool"},
    LaneKind{Lane::kSynth, "synth", "", "synth"},
    LaneKind{Lane::kGpu, "gpu", "", "gpu"},
    LaneKind{Lane::kPrep, "prep", "-", "prep"},
    LaneKind{Lane::kGroth16, "groth16", "-", "groth16"},
    LaneKind{Lane::kFinalizer, "finalizer", "-", "finalizer"},
    LaneKind{Lane::kDealloc, "dealloc", "-", "dealloc"},
    LaneKind{Lane::kQueue, "queue", "", "queue"},
};
constexpr Lane kMatchOrder[] = {Lane::kSynthPool, Lane::kSynthWorker, Lane::kSynth,     Lane::kGpu,  Lane::kPrep,
                                Lane::kGroth16,   Lane::kFinalizer,   Lane::kDealloc,   Lane::kQueue};

using F = Family;
constexpr std::array kFamilies = {
    EventFamily{F::kSynthesis, "synthesis", E::kSynthStart, std::nullopt, E::kSynthEnd, "synth_ms", false, Lane::kSynth},
    EventFamily{F::kQueueWait, "queue_wait", E::kGpuQueue, E::kChanSend, E::kGpuPickup, "", false, Lane::kQueue},
    EventFamily{F::kGpu, "gpu", E::kGpuStart, std::nullopt, E::kGpuEnd, "gpu_ms", false, Lane::kGpu, "worker"},
    EventFamily{F::kLockHeld, "lock_held", E::kLockAcquired, std::nullopt, E::kLockReleased, "held_ms", false,
                Lane::kGpu, "worker"},
    EventFamily{F::kPrepMsm, "prep_msm", E::kPrepStart, std::nullopt, E::kPrepEnd, "prep_ms", false, Lane::kPrep},
    EventFamily{F::kBG2Msm, "b_g2_msm", E::kBG2Start, std::nullopt, E::kBG2End, "b_g2_ms", false, Lane::kGroth16},
    EventFamily{F::kDealloc, "dealloc", E::kDeallocStart, std::nullopt, E::kDeallocEnd, "dealloc_ms", true,
                Lane::kDealloc, "side", "?"},
};

template <typename Table, typename Id>
constexpr bool indexed(const Table& t, Id last) {
  for (std::size_t i = 0; i < t.size(); ++i)
    if (static_cast<std::size_t>(t[i].id) != i) return false;
  return t.size() == static_cast<std::size_t>(last) + 1;
}
static_assert(indexed(kEvents, Event::kPinnedShrink), "kEvents must list every Event once, in the enum's order");
static_assert(indexed(kLanes, Lane::kQueue), "kLanes must list every Lane once, in the enum's order");
static_assert(indexed(kFamilies, Family::kDealloc), "kFamilies must list every Family once, in the enum's order");

const LaneKind& lane_kind(Lane l) { return kLanes[static_cast<std::size_t>(l)]; }

}  // namespace

std::string_view name(Event e) { return kEvents[static_cast<std::size_t>(e)].name; }

std::optional<Event> find_event(std::string_view name) {
  for (const auto& e : kEvents)
    if (e.name == name) return e.id;
  return std::nullopt;
}

bool is(const TimelineEvent& e, Event kind) { return e.event == name(kind); }

std::string lane_worker(Lane lane, std::string_view suffix) {
  const LaneKind& k = lane_kind(lane);
  if (suffix.empty()) return std::string(k.base);
  return fmt::format("{}{}{}", k.base, k.sep, suffix);
}

std::string gpu_worker(unsigned device, unsigned index) {
  return lane_worker(Lane::kGpu, fmt::format("{}.{}", device, index));
}

std::optional<Lane> lane_of_worker(std::string_view worker) {
  for (const Lane l : kMatchOrder)
    if (worker.starts_with(lane_kind(l).match)) return l;
  return std::nullopt;
}

std::span<const EventFamily> event_families() { return kFamilies; }

const EventFamily& event_family(Family f) { return kFamilies[static_cast<std::size_t>(f)]; }

bool opens(const EventFamily& f, const TimelineEvent& e) { return is(e, f.start) || (f.start_alt && is(e, *f.start_alt)); }

bool closes(const EventFamily& f, const TimelineEvent& e) { return is(e, f.end); }

std::string stage_name(const EventFamily& f, const TimelineEvent& e) {
  if (f.by_side) return std::string(f.stage) + "_" + std::string(detail_value(e.detail, "side").value_or("?"));
  return std::string(f.stage);
}

std::string lane_of(const EventFamily& f, const TimelineEvent& e) {
  if (f.lane_key.empty()) return lane_worker(f.lane);
  const auto v = detail_value(e.detail, f.lane_key);
  const std::string_view suffix = v ? *v : f.lane_missing;
  // gpu<W>: the worker id follows the base directly; a missing one leaves "gpu".
  return lane_worker(f.lane, suffix);
}

}  // namespace zkc::model
