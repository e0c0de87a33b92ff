// TimelineEvent: one line of the real prover's waterfall log, `TIMELINE,{offset_ms},{event},{job_id},{detail}`,
// which is also what a harness run records. detail is a comma-separated key=value list.
//
// Events (those of the real prover first; the others are the harness's):
//   SYNTH_START   partition=N
//   SYNTH_END     partition=N,synth_ms=X[,yields=K]
//   GPU_QUEUE     partition=N                       (older logs: CHAN_SEND)
//   GPU_PICKUP    worker=W,partition=N
//   GPU_START     worker=W,partition=N
//   GPU_END       worker=W,partition=N,gpu_ms=X     (entering the GPU call to its end: lock wait
//                                                    and b_g2 join included)
//   PROOF_START   partitions=P
//   PROOF_END     proof_ms=X
//   PREP_START    worker=W,partition=N
//   PREP_END      worker=W,partition=N,prep_ms=X
//   BG2_START     worker=W,partition=N,threads=T
//   BG2_END       worker=W,partition=N,b_g2_ms=X
//   LOCK_ACQUIRED worker=W,partition=N,device=D,wait_ms=X
//   LOCK_RELEASED worker=W,partition=N,device=D,held_ms=X
//   THROTTLE_SET  worker=W,partition=N              (I3: just before the flag rises for this b_g2)
//   THROTTLE_CLEAR worker=W,partition=N             (just after it falls)
//   DEALLOC_START side=cpp|rust,partition=N
//   DEALLOC_END   side=cpp|rust,partition=N,dealloc_ms=X
//   PINNED_CHECKOUT partition=N,reuse=0|1,bytes=B,free=F  (one per a/b/c buffer; reuse=0: newly allocated;
//                                                    free: buffers left in the pool's free list)
//   PINNED_CHECKIN  partition=N,bytes=B,free=F
//   PINNED_SHRINK   buffers=K,bytes=B,free=F          (job id "pinned-pool": the idle reaper or a shrink)
// A partition is identified by (job_id, partition).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "model/shared_text.hpp"

namespace zkc::model {

// The text fields are SharedText: they read as text (std::string_view), and copies of an event, or
// events that ingestion gave the same name or job id (a TextPool), share one buffer.
struct TimelineEvent {
  double offset_ms = 0;
  SharedText event;
  SharedText job_id;
  SharedText detail;
};

// The header of a run's timeline.csv, one event per record (harness/results/timeline_csv writes it;
// analysis/ingest reads a file that starts with it as a run's own timeline).
inline constexpr std::string_view kTimelineCsvHeader = "offset_ms,event,job_id,detail";

// An event's offset is milliseconds since the run's start: never negative, and at most kMaxOffsetMs
// (1e10 ms, about 116 days). Anything else is a corrupt line, and one such value would turn every
// duration and rate of the run into nonsense (an offset of 1e30 made s/proof 1.8e17).
inline constexpr double kMaxOffsetMs = 1e10;
bool valid_offset_ms(double ms);

// "" when `detail` is empty or a "k=v,k=v" list (every item has a non-empty key before '='); else
// what is wrong with it, naming the first bad item. A detail that is not such a list cannot be read:
// every field the metrics take from it would silently be missing.
std::string detail_problem(std::string_view detail);

// The value of `key` in a "k=v,k=v" detail, or nullopt when absent.
std::optional<std::string_view> detail_value(std::string_view detail, std::string_view key);
// The same, parsed as a number; nullopt when absent or not a number.
std::optional<double> detail_number(std::string_view detail, std::string_view key);

}  // namespace zkc::model

namespace zkc::analysis {
using namespace zkc::model;
}  // namespace zkc::analysis
