// One accounting of host memory over a run: every large buffer with the moment it is allocated and
// freed, read from a timeline (a real run's, or the virtual backend's), plus what stays resident
// (the shared CSR, the pinned SRS, the runtime). The run's memory estimate (memory_estimate.hpp) and
// the virtual backend's peak RSS both come from it, so neither is a sum of worst cases.
//
// Which event marks which buffer (harness/engine/pipeline_*.cpp, dealloc_crew.cpp):
//   SYNTH_START             aux witness (and the inputs) allocated; with the arena the slot is leased
//   witness_gen's end       the unified witness copy (PCE path) and a/b/c allocated (from the stage
//                           spans when given, else interpolated: see account_memory)
//   spmv's / direct_eval's end   the copy freed, the density bitmaps allocated (else SYNTH_END)
//   PREP_START (else GPU_START)  the split vectors' pages touched (allocated just after GPU_START)
//   BG2_START .. BG2_END    b_g2_msm's bucket arrays
//   LOCK_RELEASED           a/b/c freed when engine.abc_release = gpu_worker (Phase 12)
//   DEALLOC_END side=cpp    split vectors freed
//   DEALLOC_END side=rust   aux, inputs, densities freed (and a/b/c when abc_release = dealloc_thread)
//   PINNED_CHECKOUT/CHECKIN/SHRINK   the pinned a/b/c pool's buffers (memory.abc_buffers = pinned_pool)
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/engine/run_plan.hpp"
#include "harness/recorder/recorder.hpp"
#include "model/timeline_event.hpp"

namespace zkc::harness::vtime {

// What the process holds besides the pipeline's buffers: the binary and its libraries, thread stacks
// (pools, workers, prep and dealloc threads), hwloc's topology, the recorder's events, the counter
// sampler, malloc's arenas. Not scaled with workload.scale. Here `zkcontend run --dry-run` peaks at
// 9.5 MiB RSS (binary, libraries, configuration: nothing of the pipeline); with 16 MiB the accounting
// of a ci run's own timeline comes to 32.5 MiB against its measured peak RSS of 33.3, and of a
// default-profile run to 336 against 343 MiB (this machine, 2 CPUs). The real prover's figure is
// inside its "~70 GiB SRS + PCE + runtime" (69 GiB idle = 44 GiB SRS + 25.7 GiB PCE: under 1 GiB).
inline constexpr std::uint64_t kProcessRuntimeBytes = std::uint64_t{16} << 20;

// The names of the accounting's items (BufferLife::what and the resident list), one list.
namespace item {
inline constexpr std::string_view kCsr = "shared CSR (A, B, C)";
inline constexpr std::string_view kSrs = "pinned SRS (H, L, A, B_G1, B_G2)";
inline constexpr std::string_view kStaging = "GPU staging (sim backend, pinned)";
inline constexpr std::string_view kRuntime = "process runtime (binary, libraries, stacks)";
inline constexpr std::string_view kAux = "aux witness (with inputs)";
inline constexpr std::string_view kWitnessCopy = "unified witness copy";
inline constexpr std::string_view kAbc = "a/b/c";
inline constexpr std::string_view kDensity = "density bitmaps";
inline constexpr std::string_view kSplit = "split vectors (bitmaps, tail scalars and bases)";
inline constexpr std::string_view kBuckets = "b_g2_msm buckets";
inline constexpr std::string_view kAbcPinned = "a/b/c (pinned pool, checked out)";
inline constexpr std::string_view kPoolFree = "pinned pool: free buffers";
inline constexpr std::string_view kKeptPrefix = "kept pages: ";  // + the item (madv_free, reuse)
inline constexpr std::string_view kArenaSynthesis = "arena slot: synthesis slab (witness, copy, a/b/c, density)";
inline constexpr std::string_view kArenaGpu = "arena slot: GPU slab (split vectors)";
inline constexpr std::string_view kArenaFree = "arena slot: free, pages kept";
}  // namespace item

struct BufferLife {
  std::string what;  // "a/b/c", "aux witness", "split vectors", ...
  int proof = -1, partition = -1;
  double alloc_ms = 0, free_ms = 0;  // free_ms = +inf when never freed within the timeline
  std::uint64_t bytes = 0;
  bool live_at(double ms) const { return alloc_ms <= ms && ms < free_ms; }
};

struct MemoryPeak {
  double at_ms = 0;
  std::uint64_t bytes = 0;  // resident + every buffer live at at_ms
  // What is in flight then, by item (resident items first), largest first within each group.
  std::vector<std::pair<std::string, std::uint64_t>> by_item;
  unsigned partitions_live = 0;  // partitions holding at least one buffer then
};

struct MemoryTimeline {
  std::vector<std::pair<std::string, std::uint64_t>> resident;  // held the whole run
  std::vector<BufferLife> buffers;
  // The earliest instant of the largest total. A buffer is live over [alloc_ms, free_ms): one freed
  // at the instant another is allocated does not count at that instant.
  MemoryPeak peak() const;
  std::uint64_t resident_bytes() const;
  std::uint64_t bytes_at(double ms) const;  // resident + live then
  std::vector<const BufferLife*> live_at(double ms) const;
};

// One partition's buffer sizes as the accounting counts them: what its pages hold once touched, each
// buffer rounded up to whole pages. Where they differ from memory_estimate.cpp's (the old sum of
// worst cases), memory_timeline.cpp says which and why.
struct BufferSizes {
  std::uint64_t aux = 0;            // inputs + aux
  std::uint64_t witness_copy = 0;   // the unified witness (PCE path only; 0 on the direct path)
  std::uint64_t abc = 0;            // a, b, c
  std::uint64_t density = 0;        // A and B density bitmaps
  std::uint64_t split_touched = 0;  // the split vectors' touched pages: bitmaps + the expected tails
  std::uint64_t b_g2_buckets = 0;   // one b_g2_msm's bucket arrays, all its workers
};
BufferSizes buffer_sizes(const RunPlan& plan);

// What the run holds from set-up to the end (kCsr, kSrs, kStaging with the sim backend, kRuntime).
std::vector<std::pair<std::string, std::uint64_t>> resident_items(const RunPlan& plan);

// The accounting from events alone: the moments no event marks (witness_gen's end, the products'
// end) are interpolated inside SYNTH_START..SYNTH_END by the balance targets' witness share (divided
// by balance.direct_over_pce on the direct path), the products' end taken as SYNTH_END.
MemoryTimeline account_memory(const RunPlan& plan, std::span<const model::TimelineEvent> events);
// The same with the run's stage spans (a real or virtual run's): those moments read from the
// witness_gen and spmv / direct_eval spans where a partition has them.
MemoryTimeline account_memory(const RunPlan& plan, std::span<const model::TimelineEvent> events,
                              std::span<const StageSpan> spans);

}  // namespace zkc::harness::vtime
