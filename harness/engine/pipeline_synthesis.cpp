// Pipeline's synthesis workers: per partition, the witness, the products a/b/c (on the synthesis pool,
// or with synthesis.path = direct constraint by constraint on the worker) and the density bitmaps,
// then the hand-off to the GPU queue.
#include <fmt/format.h>
#include <pthread.h>

#include <memory>
#include <mutex>
#include <string>

#include "harness/engine/pipeline_impl.hpp"
#include "kernels/random/splitmix.hpp"
#include "workloads/synthesis/direct_eval.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::harness {
namespace {

// Each partition of each proof gets its own witness seed.
std::uint64_t partition_seed(std::uint64_t seed, int proof, int partition) {
  return derive_seed(seed, (static_cast<std::uint64_t>(proof) << 20) | static_cast<std::uint64_t>(partition));
}

}  // namespace

using model::Event;
using model::Stage;
using pipeline_detail::mark;
using pipeline_detail::ms_between;
using pipeline_detail::window_mark;
using workloads::HostArray;

// a/b/c = A, B, C times the unified witness on the synthesis pool, every I3 check at its chunks: the
// row carries the counters of this partition's jobs.
workloads::ProductStats Pipeline::Impl::spmv_products(PartitionWork& w, std::span<const Fr> unified) {
  const Mark spmv_start = window_mark(synthesis_pool_counters);
  workloads::ThrottleCheck throttle;
  if (plan.membw_throttle) throttle = {throttle_flags, plan.throttle_check_chunks};
  PoolJobCounters spmv_jobs(synthesis_pool_counters);
  const auto stats = workloads::evaluate_products(res.pce, unified, w.a.span(), w.b.span(), w.c.span(),
                                                  res.synthesis_pool, throttle, plan.chunk_rows, &spmv_jobs);
  const Mark spmv_end = window_mark(synthesis_pool_counters);
  rec.span(w.proof, w.partition, Stage::kSpmv, spmv_start.t, spmv_end.t, model::lane_worker(model::Lane::kSynthPool),
           spmv_jobs.counts(spmv_start.snap, spmv_end.snap));
  return stats;
}

// synthesis.path = direct: every constraint evaluated on this thread as its terms are drawn. Nothing
// reads I3's flag here, so the stats stay zero: no chunks, checks or yields.
workloads::ProductStats Pipeline::Impl::direct_products(PartitionWork& w, const std::string& worker,
                                                        const CounterSource& mine) {
  const Mark begin = mark(mine);
  workloads::evaluate_direct(plan.shape, plan.pce, w.inputs.span(), w.aux.span(), w.a.span(), w.b.span(), w.c.span(),
                             plan.direct);
  stage(w.proof, w.partition, Stage::kDirectEval, begin, mine, worker);
  return {};
}

std::unique_ptr<Pipeline::Impl::PartitionWork> Pipeline::Impl::synthesize(const SynthTask& t, const std::string& worker,
                                                                         const CounterSource& mine) {
  const auto& shape = plan.shape;
  const std::string job = job_id(t.proof);
  auto w = std::make_unique<PartitionWork>();
  w->proof = t.proof;
  w->partition = t.partition;
  const Mark s0 = mark(mine);
  bool waited = false;
  w->memory = res.memory.acquire(&waited);
  if (!w->memory) return nullptr;  // cancelled: the run is failing
  if (plan.memory.arena) stage(t.proof, t.partition, Stage::kSlotWait, s0, mine, worker);
  const Mark start = mark(mine);
  rec.event(start.t, Event::kSynthStart, job, fmt::format("partition={}", t.partition));

  const PartitionSource& from = w->memory;
  w->inputs = buffer<Fr>(shape.inputs, "input assignment", from, Thp::kAdvise);
  w->aux = buffer<Fr>(shape.aux, "aux assignment", from, Thp::kAdvise);
  workloads::generate_witness(plan.witness, partition_seed(plan.seed, t.proof, t.partition), w->inputs.span(),
                              w->aux.span());
  const Mark t_wit = stage(t.proof, t.partition, Stage::kWitnessGen, start, mine, worker);

  // The PCE path copies one witness vector for the SpMV; the direct path reads inputs and aux where they are.
  HostArray<Fr> unified;
  if (!direct_synthesis(plan)) {
    unified = buffer<Fr>(shape.witness_len(), "unified witness", from, Thp::kAdvise);
    workloads::unify_witness(w->inputs.span(), w->aux.span(), unified.span());
    stage(t.proof, t.partition, Stage::kWitnessCopy, t_wit, mine, worker);
  }

  allocate_abc(*w, from);
  const workloads::ProductStats stats =
      direct_synthesis(plan) ? direct_products(*w, worker, mine) : spmv_products(*w, unified.span());
  unified.release();
  const Mark t_spmv = mark(mine);

  const std::size_t words = workloads::density_words(shape.aux);
  w->a_density = buffer<std::uint64_t>(words, "a_aux_density", from);
  w->b_density = buffer<std::uint64_t>(words, "b_aux_density", from);
  workloads::build_density(shape, w->a_density.span(), w->b_density.span());
  const Mark end = stage(t.proof, t.partition, Stage::kDensity, t_spmv, mine, worker);
  rec.event(end.t, Event::kSynthEnd, job,
            fmt::format("partition={},synth_ms={:.3f},yields={}", t.partition, ms_between(start.t, end.t),
                        stats.yields));
  rec.span(t.proof, t.partition, Stage::kSynthesis, start.t, end.t, worker);  // encloses the rows above
  {
    std::lock_guard lock(state_mutex);
    totals.spmv_chunks += stats.chunks;
    totals.throttle_checks += stats.checks;
    totals.throttle_yields += stats.yields;
  }
  return w;
}

// A synthesis worker: synthesizes partitions until the queue closes, each handed to the GPU queue.
void Pipeline::Impl::synthesis_worker(unsigned index) {
  const std::string worker = model::lane_worker(model::Lane::kSynthWorker, std::to_string(index));
  pthread_setname_np(pthread_self(), worker.c_str());
  res.placer->on_thread_start(topology::PoolKind::kSynthesis, worker);
  const ThreadCounters mine(res.counters, res.tlb);
  while (auto next = next_synthesis(worker)) {
    const SynthTask* task = &next->task;
    try {
      progress.partitions_in_flight.fetch_add(1);
      auto work = synthesize(*task, worker, mine);
      if (!work) return;  // cancelled while waiting for an arena slot
      work->reservation = std::move(next->reservation);
      const Mark q0 = mark(mine);
      // The queue event is stamped when the partition is in the queue (under its lock, so the
      // timeline orders it exactly as the queue did); waiting for room before is queue_push.
      const std::string job = job_id(task->proof);
      const bool pushed = gpu_queue.push({task->proof, task->partition}, std::move(work), [&](const WorkKey& k) {
        rec.event(plan.queue_event, job, fmt::format("partition={}", k.partition));
      });
      if (!pushed) return;
      stage(task->proof, task->partition, Stage::kQueuePush, q0, mine, worker);
    } catch (...) {
      fail(std::current_exception());
      return;
    }
  }
}

}  // namespace zkc::harness
