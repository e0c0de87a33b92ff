// VirtualPipeline's admission to synthesis (pipeline_dispatch.cpp): the memory budget's reservation
// and its two give-backs, the one dispatcher (engine.dispatch = budget) with its depth permits or PI
// pacer on the virtual clock, and the GPU completions the pacer counts.
#include <fmt/format.h>

#include <algorithm>

#include "harness/vtime/virtual_pipeline.hpp"

namespace zkc::harness::vtime {

using model::Event;
using model::Stage;

double virtual_pacer_time_scale(const RunPlan& plan, const CostModel& costs) {
  if (plan.dispatch.pacer_time_scale > 0) return plan.dispatch.pacer_time_scale;
  const double kernels = costs.upload_ms + costs.ntt_msm_h_ms + costs.batch_add_ms + costs.tail_msm_ms;
  const auto& t = plan.balance_targets;
  const double seed = t.ntt_msm_h_ms + t.batch_add_ms + t.tail_msm_ms;
  return kernels > 0 && seed > 0 ? kernels / seed : 1.0;
}

void VirtualPipeline::next_synthesis(const std::string& worker, TakeTask take) {
  if (plan_.dispatch.mode == DispatchMode::kBudget) {
    dispatch_queue_.pop({}, std::move(take));
    return;
  }
  synth_queue_.pop({}, [this, worker, take = std::move(take)](int index) {
    if (plan_.dispatch.mode != DispatchMode::kBudgetRace) return take(index);
    // Every worker reserves for the partition it popped; the budget picks among the waiters.
    reserve(index, worker, loop_.now(), [take, index] { take(index); });
  });
}

void VirtualPipeline::reserve(int index, const std::string& worker, double since, Next then) {
  const std::uint64_t bytes = plan_.dispatch.reserve_bytes;
  budget_->acquire(
      bytes,
      [this, index, bytes, since](std::uint64_t held) {
        VPart& p = part(index);
        p.reserved = bytes;
        event(loop_.now(), Event::kBudgetAcquired, p.proof,
              fmt::format("partition={},bytes={},held={},total={},waited_ms={:.3f}", p.partition, bytes, held,
                          budget_->total(), loop_.now() - since));
      },
      [this, index, worker, since, then = std::move(then)] {
        span(part(index), Stage::kBudgetWait, since, loop_.now(), worker);
        then();
      });
}

void VirtualPipeline::release_budget(VPart& p, std::uint64_t bytes, const char* at) {
  if (!budget_) return;
  const std::uint64_t n = std::min(bytes, p.reserved);
  if (n == 0) return;
  p.reserved -= n;
  budget_->release(n, [&](std::uint64_t held) {
    event(loop_.now(), Event::kBudgetReleased, p.proof,
          fmt::format("partition={},bytes={},held={},total={},at={}", p.partition, n, held, budget_->total(), at));
  });
}

void VirtualPipeline::gpu_completed(double gpu_s) {
  if (!plan_.dispatch.budgeted()) return;
  gpu_done_total_s_ += gpu_s;
  ++gpu_done_count_;
  if (gpu_waiter_) {
    auto waiter = std::exchange(gpu_waiter_, nullptr);
    seen_gpu_ = gpu_done_count_;
    loop_.soon([waiter] { waiter(1); });
  }
  if (plan_.dispatch.pacer == PacerMode::kDepth) depth_gate_.release();
}

// The one dispatcher: [depth permit | pacer tick] -> pop in queue order -> reserve -> hand to a worker.
void VirtualPipeline::dispatch_next() {
  const Next pop = [this] {
    const double popped = loop_.now();
    synth_queue_.pop({}, [this, popped](int index) { dispatch_popped(index, popped); });
  };
  const Next paced = [this, pop] {
    if (pacer_) return pace(pop);
    pop();
  };
  if (plan_.dispatch.pacer == PacerMode::kDepth) return depth_gate_.acquire(paced);
  paced();
}

void VirtualPipeline::dispatch_popped(int index, double popped) {
  static const std::string lane = model::lane_worker(model::Lane::kSynthWorker, "dispatch");
  reserve(index, lane, popped, [this, index] {
    const VPart& p = part(index);
    std::string detail =
        fmt::format("partition={},waiting={},held={}", p.partition, gpu_queue_.size(), budget_->held());
    if (pacer_) {
      const PacerState s = pacer_->state();
      detail += fmt::format(",interval_ms={:.3f},ema_waiting={:.3f},gpu_eff_ms={:.3f},rate={:.4f},integral={:.4f},"
                            "bootstrap={},rebootstraps={}",
                            pacer_->interval_s() * 1e3, s.ema_waiting, s.gpu_eff_ms, s.rate_mult, s.integral,
                            s.bootstrap ? 1 : 0, s.rebootstraps);
      pacer_->on_dispatch();
    }
    event(loop_.now(), Event::kDispatch, p.proof, detail);
    dispatch_queue_.push({p.proof, p.partition}, index, {}, [this] { dispatch_next(); });
  });
}

void VirtualPipeline::observe() {
  pacer_->update(loop_.now() / 1e3, gpu_queue_.size(), gpu_done_count_, gpu_done_total_s_);
}

// The real pacing step (Pipeline::Impl::pace) with the virtual clock.
void VirtualPipeline::pace(Next then) {
  observe();
  if (pacer_->should_rebootstrap(gpu_done_count_)) pacer_->enter_rebootstrap();
  if (pacer_->bootstrap_exhausted()) {
    wait_rate_known(std::move(then));
    return;
  }
  if (pacer_->in_bootstrap()) {
    return wait_gpu(pacer_->interval_s(), [this, then](int r) {
      if (r > 0) observe();
      then();  // a GPU event during bootstrap still dispatches
    });
  }
  wait_gpu(pacer_->interval_s(), [this, then](int r) {
    if (r == 0) return then();  // the timer tick
    pace(then);
  });
}

// Bootstrap spent and no completion yet: wait for GPU completions until the GPU's rate is known.
void VirtualPipeline::wait_rate_known(Next then) {
  if (pacer_->gpu_rate_known()) return then();
  wait_gpu(-1, [this, then = std::move(then)](int) {
    observe();
    wait_rate_known(then);
  });
}

// 1: a GPU completion not yet seen (at once when one is there), 0: timed out (timeout_s < 0: never).
void VirtualPipeline::wait_gpu(double timeout_s, std::function<void(int)> then) {
  if (gpu_done_count_ > seen_gpu_) {
    seen_gpu_ = gpu_done_count_;
    loop_.soon([then] { then(1); });
    return;
  }
  const std::uint64_t id = ++gpu_wait_id_;
  gpu_waiter_ = std::move(then);
  if (timeout_s < 0) return;
  loop_.after(timeout_s * 1e3, [this, id] {
    if (!gpu_waiter_ || gpu_wait_id_ != id) return;
    auto waiter = std::exchange(gpu_waiter_, nullptr);
    waiter(0);
  });
}

}  // namespace zkc::harness::vtime
