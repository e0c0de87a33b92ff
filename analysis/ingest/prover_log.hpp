// Ingestion of the real prover's log (../shared/seeds/README.md, and the prover as it logs today:
// filecoin-project/curio extern/cuzk), so `zkcontend analyze` measures a production run with the same
// code as a harness run.
//
// The kinds of line read are declared once, in log_formats.hpp (markers, the free-text shapes, the
// fields each tracing message carries); everything else (the prover's other log output) is ignored and
// counted. In short:
//   TIMELINE,{offset_ms},{event},{job_id},{detail}   the waterfall events; the marker may follow a log
//                                                     prefix ("2024-05-01T10:00:00.123Z INFO cuzk: ").
//                                                     detail is everything after the 4th comma (it is
//                                                     itself a comma-separated key=value list; the
//                                                     bare words of log_formats' kBareDetails too).
//   CUZK_TIMING: key=value key=value ...             the C++ side's timings: numbers, a few keys with a
//                                                     word (prestage_setup=ok), and a few free-text
//                                                     shapes ("d_a_cache allocated 4096 MiB on gpu 0")
//   CUZK_NTT_H: d_b_alloc=712ms ntt_kernels=...ms    the h-term's sub-steps, each value in ms
//   ... pacer: status total=5 ... interval_ms=180 ... the dispatch pacer's state (tracing, fields after
//   ... pinned pool: checkout (reuse) size_gib=... the message; string values quoted: "1.3")
// A line carrying a marker but not its format becomes a LogIssue with its line number, never an
// exception: a production log is evidence, and one torn line must not hide the rest of it. ANSI colour
// sequences (the tracing crate writes them by default, also into a file) are dropped before parsing.
//
// A run's own timeline.csv is read as it is: when the first line is its header
// (offset_ms,event,job_id,detail), every other non-empty line is one RFC 4180 record of those four
// fields (a quoted field never spans lines in a run's timeline; one that does is an issue). Behind the
// marker, a detail that starts with a quote is read as one quoted CSV field, so the rows of a
// timeline.csv prefixed with TIMELINE, measure the same. Every event is checked alike: an offset in
// [0, kMaxOffsetMs], an upper-case event name, a job id, a detail that is a key=value list.
#pragma once

#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/run_data.hpp"
#include "model/timeline_event.hpp"

namespace zkc::analysis {

// The numbers of one line: a CUZK_TIMING line (prep_msm_ms, b_g2_msm_ms, gpu_total_ms, async_dealloc_ms,
// or any other key), a CUZK_NTT_H line (its keys as logged, the "ms" dropped), a tracing line's fields.
// `values` is sorted by key, each key once; a long log repeats the same few keys on every line, and
// parsing gives every line's key the same buffer (SharedText), so a line costs its numbers, not its text.
// `words`: CUZK_TIMING keys whose value is a word (log_formats' kWordKeys: prestage_setup=ok), in line
// order. A tracing bool is 1 (true) or 0 (false).
struct LineValues {
  std::size_t line = 0;  // 1-based
  std::vector<std::pair<SharedText, double>> values;
  std::vector<std::pair<SharedText, SharedText>> words;
  // The value of `key`, or nullopt when the line does not carry it.
  std::optional<double> value(std::string_view key) const;
};
using CuzkTiming = LineValues;

// What a pinned pool line says happened (cuzk-core/src/pinned_pool.rs's messages).
enum class PoolAction {
  reuse,         // "pinned pool: checkout (reuse)": a free buffer handed out again
  allocate,      // "pinned pool: allocated new buffer": cudaHostAlloc
  checkin,       // "pinned pool: checkin": a buffer back in the free list
  evict,         // "pinned pool: freed buffer (evictor)": the pool shrunk
  alloc_failed,  // "pinned pool: cudaHostAlloc failed": the caller falls back to unpinned memory
};

struct PoolEvent {
  PoolAction action = PoolAction::reuse;
  LineValues fields;
};

// The kinds of line (log_formats.hpp has their markers and formats, in this order).
enum class LogIssueKind {
  timeline,     // a TIMELINE line that is not TIMELINE,{offset_ms},{event},{job_id},{detail}
  timing,       // a CUZK_TIMING token that is not key=number (or a known word), a free-text shape that
                // does not match, or a CUZK_TIMING line without anything after the marker
  ntt_h,        // a CUZK_NTT_H token that is not key=<number>ms, or a line without any
  pacer,        // a pacer: status line lacking a field, or a field that is not a number or bool
  pinned_pool,  // a pinned pool line lacking a field, or a field that is not a number
};

struct LogIssue {
  std::size_t line = 0;  // 1-based
  LogIssueKind kind = LogIssueKind::timeline;
  std::string message;   // what is wrong and what was expected
};

// The parse of one log. Every line is counted exactly once:
//   lines == timeline_lines + timing_lines + ntt_h_lines + pacer_lines + pinned_pool_lines + ignored_lines
// Each <kind>_lines counts the lines carrying that marker (or the records of a timeline.csv),
// well-formed or not; a timeline.csv's header is an ignored line; `events` holds the well-formed
// TIMELINE lines, `timings` and `ntt_h` the lines with at least one good value, `pacer` and
// `pinned_pool` every line of theirs (the message itself is the fact; its fields as far as readable).
struct ProverLog {
  std::vector<TimelineEvent> events;  // in file order, exactly as logged (CHAN_SEND stays CHAN_SEND)
  std::vector<CuzkTiming> timings;
  std::vector<LineValues> ntt_h;
  std::vector<LineValues> pacer;
  std::vector<PoolEvent> pinned_pool;
  std::vector<LogIssue> issues;       // in line order
  std::size_t lines = 0, timeline_lines = 0, timing_lines = 0, ntt_h_lines = 0, pacer_lines = 0,
              pinned_pool_lines = 0, ignored_lines = 0;
  // Events dropped as repeats of an earlier one (the same event, job id and detail, for events naming a
  // partition and PROOF_*): a log written twice, or two runs appended into one file. The first is kept.
  std::size_t repeated_events = 0;
  std::string repeated_example;  // the first repeat: "GPU_START job-a worker=0,partition=3 (line 12)"
  std::size_t repeated_first_line = 0;
};

// The most partitions per proof a log may show (analyze --partitions accepts 1..kMaxPartitions): a
// partition index at or above it is an issue, and its line is left out.
inline constexpr std::size_t kMaxPartitions = 1000;

// "N repeated events dropped (...)": what the report and the terminal say about ProverLog's repeats.
std::string repeated_events_note(const ProverLog& log);

// Parses a whole log. Lines end in "\n" or "\r\n"; a final line without a newline counts.
ProverLog parse_prover_log(std::string_view text);

// Reads and parses a log file. Throws std::system_error naming the path (and the errno text) when the
// file cannot be opened or read.
ProverLog read_prover_log(const std::filesystem::path& path);

// Partitions per proof as a log shows them: the largest partition=N over all events + 1. Jobs
// whose own largest index is smaller (in flight when the log ends, or a different circuit) are
// counted in `short_jobs`. 0 when no event names a partition.
struct PartitionsSeen {
  std::size_t per_proof = 0;
  std::size_t jobs = 0, short_jobs = 0;
};
PartitionsSeen infer_partitions_per_proof(const std::vector<TimelineEvent>& events);

// A RunData for the report and the metrics, from a parsed log:
//   events   the log's events
//   metrics  compute_metrics(events) with `partitions_per_proof` (0 = inferred from the log, with a
//            note saying so; used only without PROOF_* events, which the real prover does not log:
//            a proof counts when all its partitions passed GPU_END)
//   stages   per (job, partition), pairing the first start with the first end as the metrics do:
//              "synthesis"  SYNTH_START..SYNTH_END            worker "synth"
//              "queue_wait" GPU_QUEUE (or CHAN_SEND)..GPU_PICKUP  worker "queue"
//              "gpu"        GPU_START..GPU_END                worker "gpu<W>" (worker=W of GPU_START)
//            proof = index of the job id in first-appearance order, partition = partition=N (-1 when
//            absent); a start without an end is not drawn (counted in a note)
//   extra    what the log says beyond its events (log_extras.hpp lists every row and how it is made):
//            cuzk_<key>_mean for each CUZK_TIMING key (prep_msm_ms, b_g2_msm_ms, gpu_total_ms,
//            async_dealloc_ms first, then any others by name; not the ids gpu_tid, gpu, err), the
//            mean over the lines carrying that key, unit "ms" for keys ending in _ms;
//            cuzk_<key>_<word>_lines for the word-valued keys; cuzk_timing_lines; the CUZK_NTT_H
//            means (cuzk_ntt_h_<key>_mean, d_b_alloc's first and later); the pacer (cuzk_pacer_*);
//            the pinned pool (pinned_allocations, pinned_reuses, cuzk_pinned_*)
//   notes    one per issue kind ("3 malformed TIMELINE lines (first at line 17)"), and unpaired starts
// `log` is taken by value: pass it with std::move to hand its events over instead of copying them.
RunData run_data_from_log(ProverLog log, std::string id, std::size_t partitions_per_proof = 0);

}  // namespace zkc::analysis
