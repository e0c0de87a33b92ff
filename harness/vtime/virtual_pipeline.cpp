// VirtualPipeline's batch: the threads' first steps, admission of proofs (j permits), the end of
// each proof, and the recording of events and spans at virtual times.
#include "harness/vtime/virtual_pipeline.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <stdexcept>

#include "harness/vtime/stage_work.hpp"

namespace zkc::harness::vtime {

using model::Event;
using model::Stage;

namespace {
constexpr std::size_t kG2BucketBytes = 4 * 64;  // XYZZ over Fp2: four 64-byte coordinates
std::size_t all_partitions(const RunPlan& plan) { return std::size_t{plan.proofs} * plan.partitions; }
}  // namespace

VirtualPipeline::VirtualPipeline(const RunPlan& plan, const VirtualOptions& options, Recorder& recorder)
    : plan_(plan),
      opt_(options),
      rec_(recorder),
      cpu_(loop_, options.machine, options.contention),
      groth16_(loop_, cpu_, options.costs, plan.gpu_threads),
      synthesis_pool_(cpu_, options.costs, plan.synthesis_threads),
      parts_(all_partitions(plan)),
      proof_gate_(loop_, plan.concurrency),
      synth_queue_(loop_, plan.dispatch.order, all_partitions(plan) + 1),
      gpu_queue_(loop_, plan.dispatch.order, plan.gpu_queue_capacity),
      dispatch_queue_(loop_, QueueOrder::kFifo, plan.partition_workers),
      finalize_queue_(loop_, QueueOrder::kFifo, all_partitions(plan) + 1),
      budget_(plan.dispatch.budgeted() ? std::make_unique<VBudget>(loop_, plan.dispatch.budget_bytes,
                                                                   plan.dispatch.mode == DispatchMode::kBudgetRace,
                                                                   options.seed)
                                       : nullptr),
      depth_gate_(loop_, plan.dispatch.gpu_queue_target),
      finalize_places_(loop_, plan.max_finalizing > 0 ? plan.max_finalizing : all_partitions(plan) + 1),
      arena_slots_(loop_, plan.memory.arena_slots),
      device_kept_(plan.devices, 0),
      side_lock_{VSemaphore(loop_, 1), VSemaphore(loop_, 1)},
      device_throttle_(plan.devices, 0),
      proof_remaining_(plan.proofs, plan.partitions),
      proof_start_(plan.proofs, 0) {
  for (std::size_t i = 0; i < parts_.size(); ++i) {
    parts_[i].proof = static_cast<int>(i / plan.partitions);
    parts_[i].partition = static_cast<int>(i % plan.partitions);
  }
  for (unsigned d = 0; d < plan.devices; ++d) device_locks_.push_back(std::make_unique<VSemaphore>(loop_, 1));
  // b_g2's jobs on the groth16 pool: the MSM plan of the B tail (its size is the shape's, at most
  // the balance fit's b_g2 points), on gt threads with G2 XYZZ buckets.
  const std::uint64_t tail = plan.b_g2_points > 0 ? std::min(plan.shape.srs_b_g2, plan.b_g2_points) : plan.shape.srs_b_g2;
  b_g2_plan_ = plan_msm(tail, std::max(1u, plan.gpu_threads), kG2BucketBytes);
}

PipelineTotals VirtualPipeline::run() {
  for (unsigned i = 0; i < plan_.partition_workers; ++i) loop_.soon([this, i] { synthesis_worker(i); });
  for (unsigned d = 0; d < plan_.devices; ++d) {
    for (unsigned i = 0; i < plan_.gpu_workers_per_device; ++i) loop_.soon([this, d, i] { gpu_worker(d, i); });
  }
  if (plan_.finalize == FinalizeMode::kSplit) loop_.soon([this] { finalizer(); });
  if (plan_.dispatch.mode == DispatchMode::kBudget) {
    if (plan_.dispatch.pacer == PacerMode::kPi) {
      pacer_.emplace(plan_.dispatch.gpu_queue_target, plan_.devices * plan_.gpu_workers_per_device,
                     virtual_pacer_time_scale(plan_, opt_.costs), 0.0);
    }
    loop_.soon([this] { dispatch_next(); });
  }
  admit(0);
  loop_.run();
  for (unsigned p = 0; p < plan_.proofs; ++p) {
    if (proof_remaining_[p] != 0) {
      throw std::logic_error(fmt::format("virtual pipeline: proof {} stalled with {} partitions left (a wait nobody "
                                         "ends: this plan's schedule is not followed)",
                                         p, proof_remaining_[p]));
    }
  }
  return totals_;
}

// The admission loop: a proof takes one of j permits, then all its partitions enter the synthesis queue.
void VirtualPipeline::admit(unsigned proof) {
  if (proof >= plan_.proofs) return;
  proof_gate_.acquire([this, proof] {
    const int p = static_cast<int>(proof);
    proof_start_[proof] = loop_.now();
    event(loop_.now(), Event::kProofStart, p, fmt::format("partitions={}", plan_.partitions));
    for (unsigned k = 0; k < plan_.partitions; ++k) {
      const int index = static_cast<int>(proof * plan_.partitions + k);
      synth_queue_.push({p, static_cast<int>(k)}, index, {}, [] {});
    }
    admit(proof + 1);
  });
}

void VirtualPipeline::finish_partition(int proof) {
  auto& left = proof_remaining_[static_cast<std::size_t>(proof)];
  if (--left != 0) return;
  const double now = loop_.now();
  event(now, Event::kProofEnd, proof,
        fmt::format("proof_ms={:.3f}", now - proof_start_[static_cast<std::size_t>(proof)]));
  proof_gate_.release();
}

namespace {
Recorder::Clock::time_point at_ms(const Recorder& rec, double ms) {
  return rec.origin() + std::chrono::round<Recorder::Clock::duration>(std::chrono::duration<double, std::milli>(ms));
}
}  // namespace

void VirtualPipeline::event(double at, Event e, int proof, std::string detail) {
  rec_.event(at_ms(rec_, at), e, job_id(proof), std::move(detail));
}

void VirtualPipeline::span(const VPart& p, Stage s, double start, double end, const std::string& worker) {
  rec_.span(p.proof, p.partition, s, at_ms(rec_, start), at_ms(rec_, end), worker);
}

void VirtualPipeline::cpu(Stage s, Next done) {
  const StageWork w = stage_work(opt_.costs, s, 1, 1);
  cpu_.start(w.work, w.rate, w.demand, std::move(done));
}

}  // namespace zkc::harness::vtime
