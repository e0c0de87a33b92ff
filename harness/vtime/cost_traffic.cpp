// What each host stage asks of the memory system, from the plan's data sizes (workloads/shape): the
// traffic it drives, the working set it re-reads from cache, the bytes it unmaps. Shared by every
// source of the cost model, so a measured run's stages differ from the profile's only in their times.
#include <algorithm>

#include "harness/vtime/cost_sources.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/msm/msm_plan.hpp"

namespace zkc::harness::vtime::detail {
namespace {

using model::Stage;

// Assumed: one thread unmaps touched 4 KiB pages at ~16 GB/s (~0.25 us a page: the page-table walk,
// the struct page and buddy frees). The seed does not publish its async_dealloc_ms; a log that has it
// replaces this for dealloc_cpp (cost_from_log).
constexpr double kUnmapGbpsOneThread = 16.0;

// The share of each stage's time spent waiting on memory traffic (assumed, by what the stage does;
// the seed names SpMV and prep_msm as the memory-bound ones, "CPU memory subsystem-bound"):
constexpr double kStreamingShare = 1.0;   // witness_copy: a memcpy
constexpr double kSpmvShare = 0.8;        // streams the CSR, gathers the witness: the seed's MatVec
constexpr double kScanShare = 0.5;        // density: a pass over aux with a little work per value
constexpr double kPrepShare = 0.5;        // prep_msm: bitmaps, then copies of tail scalars and bases
constexpr double kDirectShare = 0.3;      // direct_eval: per-term field multiplications dominate
constexpr double kRegisterShare = 0.3;    // register: page touching, mostly page-table work
constexpr double kPippengerShare = 0.2;   // b_g2_msm: bucket additions in cache, G2 arithmetic
constexpr double kWitnessShare = 0.05;    // witness_gen: an Fr multiplication chain per variable
constexpr double kDeallocShare = 0.0;     // dealloc: kernel work, no user traffic

// GB/s of `bytes` moved in `ms`.
double gbps(double bytes, double ms) { return ms > 0 ? bytes / (ms * 1e6) : 0.0; }

void set(CostModel& c, Stage s, double bytes_moved, double working_set, double share) {
  const auto it = c.host.find(s);
  if (it == c.host.end()) return;
  it->second.mem_gbps = gbps(bytes_moved, it->second.ms);
  it->second.working_set_bytes = working_set;
  it->second.mem_bound_share = share;
}

// b_g2_msm's buckets on the plan's groth16 pool: 2^window XYZZ G2 buckets (384 bytes) per worker, the
// sppark plan for the tail the B density offers (as the memory estimate counts them).
double b_g2_buckets(const RunPlan& plan) {
  const auto tail = static_cast<std::size_t>(double(plan.shape.srs_b_g2) * plan.witness.tail_fraction) + 1;
  const MsmPlan msm = plan_msm(tail, std::max(1u, plan.gpu_threads), sizeof(G2Xyzz));
  return double(msm.bucket_bytes_total);
}

}  // namespace

double unmap_ms(double bytes) { return bytes / (kUnmapGbpsOneThread * 1e6); }

FreedBytes freed_bytes(const RunPlan& plan) {
  // munmap and MADV_DONTNEED invalidate the pages at once; MADV_FREE clears the PTEs' dirty bits,
  // which needs a flush too. Reuse and the arena hand nothing back; the pinned pool checks a/b/c in.
  if (plan.memory.arena || plan.memory.release == workloads::ReleaseMethod::kReuse) return {};
  const workloads::ShapeBytes b = workloads::shape_bytes(plan.shape);
  const double abc = plan.memory.pinned_pool ? 0.0 : double(b.abc);
  FreedBytes f;
  f.dealloc_cpp = double(b.split_vectors);  // the C++ side: split vectors and tail bases
  f.dealloc_rust = double(b.aux + b.density);  // the Rust side: the ProvingAssignments
  if (plan.abc_release == AbcRelease::kGpuWorker) {
    f.free_abc = abc;  // Phase 12: synchronously on the GPU worker
  } else {
    f.dealloc_rust += abc;  // Phase 11: with the assignments, in the dealloc thread
  }
  return f;
}

void add_traffic(CostModel& c, const RunPlan& plan) {
  const workloads::ShapeBytes b = workloads::shape_bytes(plan.shape);
  const double witness = double(b.witness), aux = double(b.aux), abc = double(b.abc);
  set(c, Stage::kWitnessGen, aux, 0, kWitnessShare);  // writes aux once; its chain lives in registers
  set(c, Stage::kWitnessCopy, 2 * witness, 0, kStreamingShare);
  set(c, Stage::kDensity, aux + double(b.density), 0, kScanShare);
  // SpMV: the shared CSR streamed once, the witness gathered (about once), a/b/c written. Each thread
  // re-reads the witness window near its rows' diagonal and fills its 8192-row chunk of a, b and c.
  const double spmv_threads = c.find(Stage::kSpmv) != nullptr ? c.find(Stage::kSpmv)->threads : 1.0;
  const double per_thread = 2.0 * double(plan.pce.local_window) * 32 + 3.0 * double(plan.chunk_rows) * 32;
  set(c, Stage::kSpmv, double(b.csr_shared) + witness + abc, spmv_threads * per_thread, kSpmvShare);
  set(c, Stage::kDirectEval, witness + abc, 0, kDirectShare);
  set(c, Stage::kRegister, abc, 0, kRegisterShare);  // touches every page of a/b/c
  // prep_msm: reads aux and the bitmaps (re-read each pass: its working set), writes the split vectors
  // (tail scalars and bases copied from the SRS: read and written).
  set(c, Stage::kPrepMsm, aux + 2.0 * double(b.split_vectors), double(b.density), kPrepShare);
  // b_g2_msm: the tail's scalars (32 B) and G2 bases (192 B) once; its buckets re-read all along.
  const double tail = double(plan.shape.srs_b_g2) * plan.witness.tail_fraction;
  set(c, Stage::kBG2Msm, tail * (32 + 192), b_g2_buckets(plan), kPippengerShare);
  const FreedBytes freed = freed_bytes(plan);
  for (const auto& [stage, bytes] : {std::pair{Stage::kFreeAbc, freed.free_abc},
                                     std::pair{Stage::kDeallocCpp, freed.dealloc_cpp},
                                     std::pair{Stage::kDeallocRust, freed.dealloc_rust}}) {
    set(c, stage, 0, 0, kDeallocShare);
    if (const auto it = c.host.find(stage); it != c.host.end()) it->second.unmap_bytes = bytes;
  }
}

void device_from_plan(CostModel& c, const RunPlan& plan) {
  c.ntt_msm_h_ms = plan.ntt_msm_h_ms;
  c.batch_add_ms = plan.batch_add_ms;
  c.tail_msm_ms = plan.tail_msm_ms;
  // A pinned upload is inside the seed's ntt_msm_h; kept device buffers upload heap a/b/c unpinned,
  // which the plan prices as what that adds (run_plan.hpp unpinned_upload_ms).
  c.upload_ms = plan.keep_device_buffers && !plan.memory.pinned_pool ? plan.unpinned_upload_ms : 0.0;
}

}  // namespace zkc::harness::vtime::detail
