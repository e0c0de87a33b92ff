// Pipeline's admission to synthesis as the real prover does it today (curio PR #1043): the memory
// budget (a partition reserves its working set before synthesis, gives back a/b/c after prove_start
// and the rest after prove_finish), the one dispatcher that pops in queue order and reserves in strict
// order, and its pacing (a max_gpu_queue_depth semaphore, or the PI pacer).
#include <fmt/format.h>
#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <optional>
#include <string>

#include "harness/engine/pipeline_impl.hpp"

namespace zkc::harness {
namespace {

using model::Event;
using model::Stage;
using pipeline_detail::Clock;

// The budget wait of the one dispatcher is drawn on a synthesis-worker row of its own.
const std::string dispatcher_lane = model::lane_worker(model::Lane::kSynthWorker, "dispatch");

double seconds_since(Clock::time_point epoch) {
  return std::chrono::duration<double>(Clock::now() - epoch).count();
}

}  // namespace

std::unique_ptr<MemoryBudget::Reservation> Pipeline::Impl::reserve(const SynthTask& t, const std::string& worker,
                                                                   Clock::time_point since) {
  const std::string job = job_id(t.proof);
  const std::uint64_t bytes = plan.dispatch.reserve_bytes;
  const MemoryBudget::OnChange granted = [&](std::uint64_t held) {
    rec.event(Event::kBudgetAcquired, job,
              fmt::format("partition={},bytes={},held={},total={},waited_ms={:.3f}", t.partition, bytes, held,
                          budget->total(), pipeline_detail::ms_between(since, Clock::now())));
  };
  auto r = budget->acquire(bytes, granted);
  if (r) rec.span(t.proof, t.partition, Stage::kBudgetWait, since, Clock::now(), worker);
  return r;
}

void Pipeline::Impl::release_budget(PartitionWork& w, std::uint64_t bytes, const char* at) {
  if (!w.reservation) return;
  const std::string job = job_id(w.proof);
  const std::uint64_t n = std::min(bytes, w.reservation->remaining());
  w.reservation->release(n, [&](std::uint64_t held) {
    rec.event(Event::kBudgetReleased, job,
              fmt::format("partition={},bytes={},held={},total={},at={}", w.partition, n, held, budget->total(), at));
  });
}

void Pipeline::Impl::gpu_completed(double gpu_s) {
  if (!plan.dispatch.budgeted()) return;
  {
    std::lock_guard lock(state_mutex);
    gpu_done_total_s += gpu_s;  // the sum first, so a reader sees matching (count, total) pairs
    ++gpu_done_count;
  }
  gpu_done_cv.notify_all();
  if (plan.dispatch.pacer == PacerMode::kDepth) depth_gate.release();
}

std::optional<Pipeline::Impl::Dispatched> Pipeline::Impl::next_synthesis(const std::string& worker) {
  if (plan.dispatch.mode == DispatchMode::kBudget) return dispatch_queue.pop();
  auto task = synth_queue.pop();
  if (!task) return std::nullopt;
  Dispatched d{*task, nullptr};
  if (plan.dispatch.mode == DispatchMode::kBudgetRace) {
    // Every worker reserves for the partition it popped; the budget picks among the waiters at random.
    d.reservation = reserve(*task, worker, Clock::now());
    if (!d.reservation) return std::nullopt;
  }
  return d;
}

// The real dispatcher's pacing step before each pop (engine.rs): bootstrap at its own spacing, wait for
// the first GPU completion once bootstrap is spent, then a PI timer tick per dispatch, restarted by
// every GPU completion that comes first.
bool Pipeline::Impl::pace(DispatchPacer& pacer, std::uint64_t& seen_gpu) {
  const auto epoch = rec.origin();
  auto observe = [&] {
    std::size_t waiting = gpu_queue.size();
    std::uint64_t count = 0;
    double total = 0;
    {
      std::lock_guard lock(state_mutex);
      count = gpu_done_count;
      total = gpu_done_total_s;
    }
    pacer.update(seconds_since(epoch), waiting, count, total);
    return count;
  };
  // Waits up to `timeout_s` (forever when < 0) for a GPU completion not yet seen: 1 = one came,
  // 0 = timed out, -1 = the run is stopping.
  auto wait_gpu = [&](double timeout_s) {
    std::unique_lock lock(state_mutex);
    auto ready = [&] { return stopping || gpu_done_count > seen_gpu; };
    bool got = true;
    if (timeout_s < 0) {
      gpu_done_cv.wait(lock, ready);
    } else {
      got = gpu_done_cv.wait_for(lock, std::chrono::duration<double>(timeout_s), ready);
    }
    if (stopping) return -1;
    if (!got) return 0;
    seen_gpu = gpu_done_count;
    return 1;
  };
  for (;;) {
    const std::uint64_t count = observe();
    if (pacer.should_rebootstrap(count)) pacer.enter_rebootstrap();
    if (pacer.bootstrap_exhausted()) {
      while (!pacer.gpu_rate_known()) {
        if (wait_gpu(-1) < 0) return false;
        observe();
      }
      return true;
    }
    if (pacer.in_bootstrap()) {
      const int r = wait_gpu(pacer.interval_s());
      if (r < 0) return false;
      if (r > 0) observe();
      return true;  // a GPU event during bootstrap still dispatches
    }
    const int r = wait_gpu(pacer.interval_s());
    if (r < 0) return false;
    if (r == 0) return true;  // the timer tick
  }
}

// The one dispatcher (engine.dispatch = budget): [depth permit | pacer tick] -> pop the first partition
// in queue order -> reserve its budget (strictly in that order) -> hand it to a synthesis worker.
void Pipeline::Impl::dispatcher() {
  pthread_setname_np(pthread_self(), "dispatcher");
  const DispatchPlan& d = plan.dispatch;
  std::optional<DispatchPacer> pacer;
  std::uint64_t seen_gpu = 0;
  try {
    if (d.pacer == PacerMode::kPi) {
      pacer.emplace(d.gpu_queue_target, plan.devices * plan.gpu_workers_per_device, pacer_time_scale(plan),
                    seconds_since(rec.origin()));
    }
    for (;;) {
      if (d.pacer == PacerMode::kDepth && !depth_gate.acquire()) return;
      if (pacer && !pace(*pacer, seen_gpu)) return;
      const Clock::time_point popped = Clock::now();
      auto task = synth_queue.pop();
      if (!task) return;
      auto reservation = reserve(*task, dispatcher_lane, popped);
      if (!reservation) return;
      std::string detail = fmt::format("partition={},waiting={},held={}", task->partition, gpu_queue.size(),
                                       budget->held());
      if (pacer) {
        const PacerState s = pacer->state();
        detail += fmt::format(",interval_ms={:.3f},ema_waiting={:.3f},gpu_eff_ms={:.3f},rate={:.4f},integral={:.4f},"
                              "bootstrap={},rebootstraps={}",
                              pacer->interval_s() * 1e3, s.ema_waiting, s.gpu_eff_ms, s.rate_mult, s.integral,
                              s.bootstrap ? 1 : 0, s.rebootstraps);
        pacer->on_dispatch();
      }
      rec.event(Event::kDispatch, job_id(task->proof), detail);
      if (!dispatch_queue.push(Dispatched{*task, std::move(reservation)})) return;
    }
  } catch (...) {
    fail(std::current_exception());
  }
}

}  // namespace zkc::harness
