// The one list of what ingestion reads in a prover log: each kind of line (its counter in ProverLog and
// how its issues are noted), each marker (where a line of that kind is recognised), and the shapes,
// keys and fields behind the markers. The formats are the real prover's (filecoin-project/curio,
// extern/cuzk and extern/supraseal-c2, as of d7785a84), older lines included:
//
//   TIMELINE,<ms>,<EVENT>,<job>,<detail>     cuzk-core engine.rs timeline_event (eprintln): SYNTH_START
//                                             partition=N, SYNTH_END partition=N,synth_ms=S, GPU_QUEUE
//                                             partition=N (CHAN_SEND before Phase 12), GPU_PICKUP and
//                                             GPU_START worker=W,partition=N, GPU_END
//                                             worker=W,partition=N,gpu_ms=G; monolithic (unpartitioned)
//                                             proofs: SYNTH_START kind=K, SYNTH_END synth_ms=S, GPU_QUEUE
//                                             with the bare detail "monolithic"
//   CUZK_TIMING: k=v k=v ...                  supraseal-c2 groth16_cuda.cu (fprintf): prep_msm_ms,
//                                             b_g2_msm_ms num_circuits, split_vectors_ms
//                                             setup_to_split_ms, async_dealloc_ms, pre_lock_cpu_ms
//                                             mutex_wait_ms, gpu_tid=T with ntt_msm_h_ms, barrier_wait_ms,
//                                             batch_add_ms or tail_msm_ms gpu_total_ms, mutex_held_ms
//                                             total_start_fn_ms; before b5962135 also
//                                             host_register=fallback err=E and prestage_setup=...
//   CUZK_TIMING: <free text>                  the shapes of kTimingShapes
//   CUZK_NTT_H: k=<n>ms ...                   groth16_ntt_h.cu: the keys of kNttHKeys
//   <tracing prefix> <message> k=v ...        the daemon's tracing_subscriber::fmt() default layout:
//                                             "2026-03-01T10:00:00.123456Z  INFO cuzk_core::engine:
//                                             pacer: status total=5 ... ema_waiting="1.3" ...": the
//                                             fields after the message, separated by spaces, a String
//                                             value Debug-quoted, ANSI colours unless NO_COLOR is set
//
// Adding a kind of line is an entry here and its parser; the counters, notes, markers and issue texts
// follow from these lists.
#pragma once

#include <cstddef>
#include <iterator>
#include <span>
#include <string_view>

#include "analysis/ingest/prover_log.hpp"

namespace zkc::analysis {

// --- kinds of line --------------------------------------------------------------------------------

struct LineKindInfo {
  LogIssueKind kind;
  std::string_view name;              // in the terminal's count line: "CUZK_NTT_H"
  std::size_t ProverLog::*lines;      // its counter
  std::string_view malformed_one;     // a note per kind: "1 malformed TIMELINE line (line 3)"
  std::string_view malformed_many;    // "3 malformed TIMELINE lines (first at line 3)"
};

// In LogIssueKind's order.
inline constexpr LineKindInfo kLineKinds[] = {
    {LogIssueKind::timeline, "TIMELINE", &ProverLog::timeline_lines, "malformed TIMELINE line",
     "malformed TIMELINE lines"},
    {LogIssueKind::timing, "CUZK_TIMING", &ProverLog::timing_lines, "malformed CUZK_TIMING entry",
     "malformed CUZK_TIMING entries"},
    {LogIssueKind::ntt_h, "CUZK_NTT_H", &ProverLog::ntt_h_lines, "malformed CUZK_NTT_H entry",
     "malformed CUZK_NTT_H entries"},
    {LogIssueKind::pacer, "pacer: status", &ProverLog::pacer_lines, "malformed pacer: status entry",
     "malformed pacer: status entries"},
    {LogIssueKind::pinned_pool, "pinned pool", &ProverLog::pinned_pool_lines, "malformed pinned pool entry",
     "malformed pinned pool entries"},
};

const LineKindInfo& line_kind(LogIssueKind kind);
constexpr bool kinds_in_enum_order() {
  for (std::size_t i = 0; i < std::size(kLineKinds); ++i)
    if (static_cast<std::size_t>(kLineKinds[i].kind) != i) return false;
  return std::size(kLineKinds) == static_cast<std::size_t>(LogIssueKind::pinned_pool) + 1;
}
static_assert(kinds_in_enum_order(), "kLineKinds lists every LogIssueKind once, in the enum's order");

// --- markers --------------------------------------------------------------------------------------

// The fields each tracing message carries (every line of that message has all of them).
inline constexpr std::string_view kPacerFields[] = {"total",        "in_flight",   "waiting",  "ema_waiting",
                                                    "gpu_proc_ms",  "gpu_eff_ms",  "ema_synth_ms",
                                                    "interval_ms",  "integral",    "bootstrap", "rebootstraps"};
inline constexpr std::string_view kPoolReuseFields[] = {"size_gib", "free_remaining"};
inline constexpr std::string_view kPoolAllocateFields[] = {"size_gib", "total_buffers", "total_gib"};
inline constexpr std::string_view kPoolSizeFields[] = {"size_gib"};
inline constexpr std::string_view kPoolEvictFields[] = {"freed_gib", "total_freed_gib"};

struct LineMarker {
  std::string_view marker;  // found anywhere on a line; the first marker on a line owns it
  LogIssueKind kind;
  // A tracing message: the marker is the whole message, so it must be followed by a space (its
  // fields) or the line's end ("pacer: statusbar" is not one); `fields` are the ones it carries.
  bool message = false;
  std::span<const std::string_view> fields = {};
  PoolAction action = PoolAction::reuse;  // pinned pool messages only
};

inline constexpr std::string_view kTimelineMarker = "TIMELINE,";

inline constexpr LineMarker kLineMarkers[] = {
    {kTimelineMarker, LogIssueKind::timeline},
    {"CUZK_TIMING:", LogIssueKind::timing},
    {"CUZK_NTT_H:", LogIssueKind::ntt_h},
    {"pacer: status", LogIssueKind::pacer, true, kPacerFields},
    {"pinned pool: checkout (reuse)", LogIssueKind::pinned_pool, true, kPoolReuseFields, PoolAction::reuse},
    {"pinned pool: allocated new buffer", LogIssueKind::pinned_pool, true, kPoolAllocateFields,
     PoolAction::allocate},
    {"pinned pool: checkin", LogIssueKind::pinned_pool, true, kPoolSizeFields, PoolAction::checkin},
    {"pinned pool: freed buffer (evictor)", LogIssueKind::pinned_pool, true, kPoolEvictFields, PoolAction::evict},
    {"pinned pool: cudaHostAlloc failed", LogIssueKind::pinned_pool, true, kPoolSizeFields,
     PoolAction::alloc_failed},
};

// The marker of a pinned pool action (the message as the prover logs it).
const LineMarker& pool_marker(PoolAction action);

// --- TIMELINE -------------------------------------------------------------------------------------

inline constexpr std::string_view kTimelineFormat = "TIMELINE,{offset_ms},{event},{job_id},{detail}";
// Details that are one bare word rather than a key=value list, accepted as they are.
inline constexpr std::string_view kBareDetails[] = {"monolithic"};

// --- CUZK_TIMING ----------------------------------------------------------------------------------

// Free-text CUZK_TIMING lines. A line whose first word is a shape's first word is read against it:
// the text must match exactly, each {key} a number kept under that key.
inline constexpr std::string_view kTimingShapes[] = {
    "set pool release threshold to MAX on gpu {gpu}",
    "d_a_cache allocated {d_a_cache_mib} MiB on gpu {gpu}",
    // before b5962135 (pre-staging)
    "prestage_vram free_mib={prestage_free_mib} usable_mib={prestage_usable_mib} need_da_mib={prestage_need_da_mib} "
    "need_dbc_mib={prestage_need_dbc_mib} total_mib={prestage_total_mib}",
};

// Keys whose value is a word of a fixed set (both before b5962135); any other word is an issue.
struct WordKey {
  std::string_view key;
  std::span<const std::string_view> words;
};
inline constexpr std::string_view kHostRegisterWords[] = {"fallback"};
inline constexpr std::string_view kPrestageSetupWords[] = {"ok", "skip_vram", "fallback"};
inline constexpr WordKey kWordKeys[] = {{"host_register", kHostRegisterWords},
                                        {"prestage_setup", kPrestageSetupWords}};

// Keys that name a thing (a GPU, an error code) rather than measure one: read, never averaged.
inline constexpr std::string_view kLabelKeys[] = {"gpu_tid", "gpu", "err"};

// The CUZK_TIMING means shown first, in this order; the other keys follow by name.
inline constexpr std::string_view kLeadingTimingKeys[] = {
    "prep_msm_ms",   "b_g2_msm_ms",   "gpu_total_ms",    "async_dealloc_ms", "pre_lock_cpu_ms",
    "mutex_wait_ms", "mutex_held_ms", "barrier_wait_ms", "total_start_fn_ms"};

// --- CUZK_NTT_H -----------------------------------------------------------------------------------

inline constexpr std::string_view kNttHKeys[] = {"d_b_alloc", "ntt_kernels", "coset_intt_sync", "msm_init",
                                                 "msm_invoke", "msm_dtor",   "total"};
inline constexpr std::string_view kNttHUnit = "ms";  // every value: <number>ms

}  // namespace zkc::analysis
