#include "harness/config/toggles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>

#include "harness/config/config_loader.hpp"
#include "model/events.hpp"

namespace zkc::config {
namespace {

using model::Event;
using VT = ValueType;
using Arms = Toggle::Arms;

std::function<std::string(unsigned)> fixed(std::string v) {
  return [v = std::move(v)](unsigned) { return v; };
}

// The seed's interventions and the eras' engine modes (Phase 11 to today).
void add_interventions_and_eras(std::vector<Toggle>& t) {
  t.push_back({"I1",
               {.key = "interventions.serialize_dealloc", .type = VT::kBool, .default_value = false,
                .doc = "I1: at most one C++-side and one Rust-side dealloc thread at a time."},
               Arms::kCumulative, "", fixed("true")});
  // I2 bounds the groth16 pool to the seed's share, 32 of 192 threads.
  t.push_back({"I2",
               {.key = "gpus.gpu_threads", .type = VT::kInt, .default_value = std::int64_t{0}, .min = 0.0,
                .max = 4096.0, .unit = "threads",
                .doc = "groth16 pool size (gt), used by prep_msm and b_g2_msm; 0 = all online CPUs. I2 (default arms) "
                       "sets clamp(CPUs / 6, 1, 32), the seed's 32 of 192."},
               Arms::kCumulative, "",
               [](unsigned cpus) { return std::to_string(std::clamp(cpus / 6, 1u, 32u)); }});
  t.push_back({"I3",
               {.key = "interventions.membw_throttle", .type = VT::kBool, .default_value = false,
                .doc = "I3: flag set around b_g2_msm; synthesis SpMV yields when it sees it."},
               Arms::kCumulative, "", fixed("true")});
  t.push_back({"I3 flag",
               {.key = "interventions.throttle_flag", .type = VT::kEnum, .default_value = std::string("global"),
                .choices = {"global", "counted"},
                .doc = "I3's flag: global = the real prover's one process-wide flag, stored 1 before each b_g2 and 0 "
                       "after (with gw > 1 one b_g2's end clears it under another's); counted = a per-device count."}});
  t.push_back({"finalize",
               {.key = "engine.finalize", .type = VT::kEnum, .default_value = std::string("inline"),
                .choices = {"inline", "split"},
                .doc = "inline: the GPU worker joins b_g2 after releasing the lock (Phase 11); split: a finalizer "
                       "joins it and the worker takes the next partition at once (Phase 12)."},
               Arms::kAlone, "split", fixed("\"split\"")});
  t.push_back({"max_finalizing",
               {.key = "engine.max_finalizing", .type = VT::kInt, .default_value = std::int64_t{0}, .min = 0.0,
                .max = 4096.0, .unit = "partitions",
                .doc = "Split finalize: partitions handed to the finalizer and not yet finalized, at most this many; "
                       "a GPU worker waits for a place (finalize_wait) before taking its next partition. 0 = "
                       "unbounded, as the real prover."}});
  t.push_back({"abc_release",
               {.key = "engine.abc_release", .type = VT::kEnum, .default_value = std::string("dealloc_thread"),
                .choices = {"dealloc_thread", "gpu_worker"},
                .doc = "Where a partition's a/b/c are freed: dealloc_thread = with the ProvingAssignments in the "
                       "Rust-side dealloc thread (Phase 11: I1 serializes them); gpu_worker = synchronously on the GPU "
                       "worker after the device lock (Phase 12)."}});
  t.push_back({"queue_event",
               {.key = "engine.queue_event", .type = VT::kEnum, .default_value = std::string(name(Event::kChanSend)),
                .choices = {std::string(name(Event::kChanSend)), std::string(name(Event::kGpuQueue))},
                .doc = "The timeline event of a partition entering the GPU queue: CHAN_SEND at Phase 11, GPU_QUEUE "
                       "since (analyze and the metrics read both)."}});
}

// The prover as it runs today (curio PR #1043): each mechanism against its predecessor.
void add_current_prover(std::vector<Toggle>& t) {
  t.push_back({"dispatch",
               {.key = "engine.dispatch", .type = VT::kEnum, .default_value = std::string("semaphore"),
                .choices = {"semaphore", "budget_race", "budget"},
                .doc = "What admits a partition to synthesis: semaphore = pw synthesis workers (Phase 11/12); "
                       "budget_race = a memory-budget reservation each synthesis worker takes after popping its "
                       "partition, the waiters racing (7ea7488d, e924f613); budget = one dispatcher pops in queue "
                       "order and reserves in strict order (c6fe0be1 on). Budget keys: budget.*."}});
  t.push_back({"queue order",
               {.key = "engine.queue_order", .type = VT::kEnum, .default_value = std::string("fifo"),
                .choices = {"fifo", "priority"},
                .doc = "Both the synthesis and the GPU queue: fifo = arrival order; priority = the smallest (proof, "
                       "partition) first (e5c74b7d)."}});
  t.push_back({"pacer",
               {.key = "engine.pacer", .type = VT::kEnum, .default_value = std::string("off"),
                .choices = {"off", "depth", "pi"},
                .doc = "Pacing of the budget dispatcher (engine.dispatch = budget): off (the real default); depth = a "
                       "max_gpu_queue_depth semaphore taken before each dispatch, given back after prove_finish "
                       "(48dccd93); pi = the PI pacer keeping engine.gpu_queue_target partitions waiting for the "
                       "GPU (dde70141..d7785a84)."}});
  t.push_back({"synthesis path",
               {.key = "synthesis.path", .type = VT::kEnum, .default_value = std::string("pce"),
                .choices = {"pce", "direct"},
                .doc = "How a/b/c are computed: pce = the unified witness copy, then SpMV over the shared CSR on the "
                       "synthesis pool (Phases 5-12; I3's flag is read there); direct = the real prover since curio "
                       "7ea7488d passes no PCE cache: each constraint evaluated on the synthesis worker's thread as its "
                       "terms are generated, no matrix read (direct_eval, sized by balance.direct_over_pce); I3's flag "
                       "is still set and cleared but nothing reads it (yields = 0)."}});
}

// Memory strategies and placement.
void add_memory_and_placement(std::vector<Toggle>& t) {
  t.push_back({"allocator",
               {.key = "memory.allocator", .type = VT::kEnum, .default_value = std::string("system"),
                .choices = {"system", "arena"},
                .doc = "Where a partition's large buffers come from: system (one mmap each) or arena (each in-flight "
                       "partition slot has its own phase arena, reset for the next partition instead of freed; seed "
                       "zk_alloc)."},
               Arms::kAlone, "arena", fixed("\"arena\"")});
  t.push_back({"release",
               {.key = "memory.release", .type = VT::kEnum, .default_value = std::string("auto"),
                .choices = {"auto", "munmap", "madv_dontneed", "madv_free", "reuse"},
                .doc = "What freeing a large buffer does: munmap; madv_dontneed or madv_free, then keep the range for "
                       "the next buffer of its size; reuse (keep the pages: a free list, or the arena). auto = munmap "
                       "with the system allocator, reuse with the arena."}});
  t.push_back({"thp",
               {.key = "memory.thp", .type = VT::kEnum, .default_value = std::string("system"),
                .choices = {"system", "always", "never"},
                .doc = "Huge-page advice for the CSR matrices, witness and a/b/c: system (no madvise), always "
                       "(MADV_HUGEPAGE; the already built CSR is also collapsed with MADV_COLLAPSE), never "
                       "(MADV_NOHUGEPAGE)."}});
  // The current era's buffer mechanisms (curio e3f74b0e/48dccd93 and b5962135/87852b47).
  t.push_back({"abc_buffers",
               {.key = "memory.abc_buffers", .type = VT::kEnum, .default_value = std::string("heap"),
                .choices = {"heap", "pinned_pool"},
                .doc = "Where a partition's a/b/c live: heap = buffers of their own, freed where engine.abc_release "
                       "says; pinned_pool = page-locked buffers checked out of a reused pool (best fit) in synthesis "
                       "and checked back in there instead of freed (cudaHostAlloc with the cuda backend, mmap + "
                       "mlock with sim), so they upload at pinned speed and need no registration."}});
  t.push_back({"device_buffers",
               {.key = "gpu.device_buffers", .type = VT::kEnum, .default_value = std::string("per_partition"),
                .choices = {"per_partition", "kept"},
                .doc = "per_partition: a/b/c registered (cudaHostRegister) before the lock and device buffers "
                       "allocated and freed per partition (Phases 11-12); kept: no registration (heap a/b/c then "
                       "upload unpinned), one persistent d_a per device, d_b and the rest from a pool that keeps "
                       "its memory: the first d_b on a device pays gpu.d_b_first_alloc_ms, later ones are near free."}});
  t.push_back({"pin dealloc",
               {.key = "interventions.pin_dealloc", .type = VT::kBool, .default_value = false,
                .doc = "Every dealloc thread bound to one CPU, the highest it may run on: the munmap calls and the "
                       "TLB shootdowns they send start from one core instead of wherever the threads land."}});
  t.push_back({"pinning",
               {.key = "pinning.policy", .type = VT::kEnum, .default_value = std::string("none"),
                .choices = {"none", "compact", "scatter", "split"},
                .doc = "Where pools run: none (unbound), compact (fewest L3 domains), scatter (all PUs), split "
                       "(groth16 on the last max(1, L3 domains / 6) domains, the rest on the others)."}});
}

std::vector<Toggle> build() {
  std::vector<Toggle> t;
  add_interventions_and_eras(t);
  add_current_prover(t);
  add_memory_and_placement(t);
  return t;
}

std::string shown(const Value& v, const std::string& unit) {
  if (const bool* b = std::get_if<bool>(&v)) return *b ? "on" : "off";
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  std::string out = std::holds_alternative<double>(v) ? fmt::format("{:g}", std::get<double>(v))
                                                      : std::to_string(std::get<std::int64_t>(v));
  return unit.empty() ? out : out + " " + unit;
}

}  // namespace

const std::vector<Toggle>& toggles() {
  static const std::vector<Toggle> list = build();
  return list;
}

ToggleValues::ToggleValues(const Config& cfg) {
  for (const Toggle& t : toggles()) values_.emplace(t.key.key, cfg.at(t.key.key).value);
}

const Value& ToggleValues::value(std::string_view key) const {
  if (const auto it = values_.find(key); it != values_.end()) return it->second;
  for (const Toggle& t : toggles())
    if (t.key.key == key) return t.key.default_value;
  throw std::logic_error(fmt::format("'{}' is not a declared toggle (harness/config/toggles.cpp)", key));
}

bool ToggleValues::flag(std::string_view key) const {
  const bool* b = std::get_if<bool>(&value(key));
  if (b == nullptr) throw std::logic_error(fmt::format("toggle '{}' is not a boolean", key));
  return *b;
}

std::string describe_toggles(const Config& cfg, const std::map<std::string, Value>& resolved) {
  std::string out;
  for (const Toggle& t : toggles()) {
    const auto r = resolved.find(t.key.key);
    const Value& v = r != resolved.end() ? r->second : cfg.at(t.key.key).value;
    out += fmt::format("{}{} {}", out.empty() ? "" : ", ", t.label, shown(v, t.key.unit));
  }
  return out;
}

}  // namespace zkc::config
