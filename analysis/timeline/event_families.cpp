#include "analysis/timeline/event_families.hpp"

#include <stdexcept>

namespace zkc::analysis {
namespace {

constexpr EventFamily kFamilies[] = {
    {"synthesis", "SYNTH_START", "", "SYNTH_END", "synth_ms", false},
    {"queue_wait", "GPU_QUEUE", "CHAN_SEND", "GPU_PICKUP", "", false},
    {"gpu", "GPU_START", "", "GPU_END", "gpu_ms", false},
    {"lock_held", "LOCK_ACQUIRED", "", "LOCK_RELEASED", "held_ms", false},
    {"prep_msm", "PREP_START", "", "PREP_END", "prep_ms", false},
    {"b_g2_msm", "BG2_START", "", "BG2_END", "b_g2_ms", false},
    {"dealloc", "DEALLOC_START", "", "DEALLOC_END", "dealloc_ms", true},
};

}  // namespace

std::span<const EventFamily> event_families() { return kFamilies; }

const EventFamily& event_family(std::string_view stage) {
  for (const EventFamily& f : kFamilies)
    if (f.stage == stage) return f;
  throw std::logic_error("no event family for stage " + std::string(stage));
}

bool opens(const EventFamily& f, const TimelineEvent& e) {
  return e.event == f.start || (!f.start_alt.empty() && e.event == f.start_alt);
}

bool closes(const EventFamily& f, const TimelineEvent& e) { return e.event == f.end; }

std::string stage_name(const EventFamily& f, const TimelineEvent& e) {
  if (f.by_side) return std::string(f.stage) + "_" + std::string(detail_value(e.detail, "side").value_or("?"));
  return std::string(f.stage);
}

std::string lane_of(const EventFamily& f, const TimelineEvent& e) {
  const std::string_view s = f.stage;
  if (s == "synthesis") return "synth";
  if (s == "queue_wait") return "queue";
  if (s == "gpu" || s == "lock_held") return "gpu" + std::string(detail_value(e.detail, "worker").value_or(""));
  if (s == "prep_msm") return "prep";
  if (s == "b_g2_msm") return "groth16";
  return std::string(s) + "-" + std::string(detail_value(e.detail, "side").value_or("?"));
}

}  // namespace zkc::analysis
