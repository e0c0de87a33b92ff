// Pipeline's batch: admission of proofs, the threads of every stage, the first failure stopping them
// all, and where each partition's buffers are placed. The stages themselves are in pipeline_*.cpp.
#include "harness/engine/pipeline.hpp"

#include <fmt/format.h>

#include <exception>
#include <mutex>
#include <thread>

#include "harness/engine/pipeline_impl.hpp"
#include "workloads/memory/numa_policy.hpp"
#include "workloads/memory/page_advice.hpp"

namespace zkc::harness {

using model::Event;
using model::Stage;
using pipeline_detail::mark;

Pipeline::Impl::Impl(const PipelineResources& r)
    : res(r),
      plan(r.plan),
      rec(r.recorder),
      proof_gate(r.plan.concurrency),
      synth_queue(r.plan.dispatch.order, static_cast<std::size_t>(r.plan.proofs) * r.plan.partitions + 1),
      gpu_queue(r.plan.dispatch.order, r.plan.gpu_queue_capacity),
      budget(r.plan.dispatch.budgeted()
                 ? std::make_unique<MemoryBudget>(r.plan.dispatch.budget_bytes,
                                                  r.plan.dispatch.mode == DispatchMode::kBudget
                                                      ? MemoryBudget::Grant::kOrdered
                                                      : MemoryBudget::Grant::kRace,
                                                  r.plan.seed)
                 : nullptr),
      dispatch_queue(r.plan.partition_workers),
      depth_gate(r.plan.dispatch.gpu_queue_target),
      finalize_queue(static_cast<std::size_t>(r.plan.proofs) * r.plan.partitions + 1),
      finalize_places(r.plan.max_finalizing > 0 ? r.plan.max_finalizing
                                                : static_cast<unsigned>(r.plan.proofs * r.plan.partitions + 1)),
      crew(r.recorder, r.plan.serialize_dealloc, r.plan.dealloc_linger_ms, r.counters, r.tlb, r.placer, &r.plan.toggles),
      synthesis_pool_counters(*r.synthesis_pool_counters),
      groth16_pool_counters(*r.groth16_pool_counters),
      proof_remaining(r.plan.proofs, r.plan.partitions),
      proof_start(r.plan.proofs) {
  if (r.plan.throttle_flag == ThrottleFlag::kGlobal) {
    throttle_flags.push_back(&global_throttle);
  } else {
    for (auto& g : r.gpus) throttle_flags.push_back(&g->membw_throttle);
  }
  crew.set_error_handler([this](std::exception_ptr e) { fail(e); });
}

PipelineTotals Pipeline::Impl::run() {
  std::vector<std::thread> threads;
  auto start_thread = [&](auto fn) {
    try {
      threads.emplace_back(fn);
    } catch (...) {
      fail(std::current_exception());
    }
  };
  for (unsigned i = 0; i < plan.partition_workers; ++i) start_thread([this, i] { synthesis_worker(i); });
  for (unsigned d = 0; d < plan.devices; ++d) {
    for (unsigned i = 0; i < plan.gpu_workers_per_device; ++i) start_thread([this, d, i] { gpu_worker(d, i); });
  }
  if (plan.finalize == FinalizeMode::kSplit) start_thread([this] { finalizer(); });
  if (plan.dispatch.mode == DispatchMode::kBudget) start_thread([this] { dispatcher(); });

  for (unsigned p = 0; p < plan.proofs && !is_aborted(); ++p) {
    if (!proof_gate.acquire()) break;
    proof_start[p] = Clock::now();
    rec.event(proof_start[p], Event::kProofStart, job_id(static_cast<int>(p)),
              fmt::format("partitions={}", plan.partitions));
    for (unsigned k = 0; k < plan.partitions; ++k) {
      const SynthTask t{static_cast<int>(p), static_cast<int>(k)};
      if (!synth_queue.push({t.proof, t.partition}, t)) break;
    }
  }
  {
    std::unique_lock lock(state_mutex);
    state_cv.wait(lock, [&] { return aborted || proofs_done == plan.proofs; });
    stopping = true;
  }
  gpu_done_cv.notify_all();
  synth_queue.close();
  dispatch_queue.close();
  depth_gate.cancel();
  gpu_queue.close();
  finalize_queue.close();
  for (auto& t : threads) t.join();
  // Items left in queues after a failure: drop them (their buffers are unmapped).
  gpu_queue.clear();
  dispatch_queue.clear();
  finalize_queue.clear();
  crew.wait_idle();
  if (first_error) std::rethrow_exception(first_error);
  return totals;
}

void Pipeline::Impl::fail(std::exception_ptr e) {
  {
    std::lock_guard lock(state_mutex);
    if (!first_error) first_error = e;
    aborted = true;
    stopping = true;
  }
  state_cv.notify_all();
  gpu_done_cv.notify_all();
  if (budget) budget->cancel();
  depth_gate.cancel();
  dispatch_queue.close();
  res.memory.cancel();
  proof_gate.cancel();
  finalize_places.cancel();
  synth_queue.close();
  gpu_queue.close();
  finalize_queue.close();
}

bool Pipeline::Impl::is_aborted() {
  std::lock_guard lock(state_mutex);
  return aborted;
}

void Pipeline::Impl::place(void* data, std::size_t bytes) {
  if (plan.numa.mode == workloads::NumaMode::kNone || bytes == 0) return;
  // mbind needs whole pages; arena and malloc'd blocks need not start on one.
  const workloads::PageRange r = workloads::inner_pages(data, bytes);
  if (r.bytes == 0) return;
  note_failure(numa_failure, workloads::apply_numa_policy(r.data, r.bytes, plan.numa));
}

void Pipeline::Impl::advise(void* data, std::size_t bytes) {
  note_failure(thp_failure, workloads::advise_thp(data, bytes, plan.memory.thp));
}

void Pipeline::Impl::note_failure(std::string& first, const std::string& why) {
  if (why.empty()) return;
  std::lock_guard lock(state_mutex);
  if (first.empty()) first = why;
}

// Records the stage that began at `begin` and ends now, with the counter deltas of `src`.
Pipeline::Impl::Mark Pipeline::Impl::stage(int proof, int partition, Stage name, const Mark& begin,
                                           const CounterSource& src, const std::string& worker) {
  Mark end = mark(src);
  rec.span(proof, partition, name, begin.t, end.t, worker, stage_deltas(begin.snap, end.snap));
  return end;
}

Pipeline::Pipeline(const PipelineResources& resources) : impl_(std::make_unique<Impl>(resources)) {}
Pipeline::~Pipeline() = default;
PipelineTotals Pipeline::run() { return impl_->run(); }
const PipelineProgress& Pipeline::progress() const { return impl_->progress; }
std::string Pipeline::numa_note() const {
  std::lock_guard lock(impl_->state_mutex);
  return impl_->numa_failure;
}
std::string Pipeline::thp_note() const {
  std::lock_guard lock(impl_->state_mutex);
  return impl_->thp_failure;
}

}  // namespace zkc::harness
