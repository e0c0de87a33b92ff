// The engine's two thread pools in virtual time.
//   VFifoPool    the groth16 pool: `threads` workers taking jobs from one FIFO (kernels/pool). A job
//                holds its worker until it calls the release it is given. run_split is one
//                for_each_task call: min(threads, tiles) jobs queued behind whatever is queued, sharing
//                one piece of work that each job joins as a worker takes it (the tiles are handed out
//                dynamically); the call returns when every job was taken and the work is done.
//   VSharedPool  the synthesis pool under the SpMVs of pw workers: the running stages share its
//                threads equally (their a, b and c calls interleave in its queue).
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>

#include "harness/vtime/cost_model.hpp"
#include "harness/vtime/fluid_cpu.hpp"
#include "harness/vtime/virtual_resources.hpp"
#include "model/stages.hpp"

namespace zkc::harness::vtime {

class VFifoPool {
 public:
  using Job = std::function<void(Next release)>;
  VFifoPool(EventLoop& loop, FluidCpu& cpu, const CostModel& costs, unsigned threads)
      : loop_(loop), cpu_(cpu), costs_(costs), threads_(threads == 0 ? 1 : threads), free_(threads_) {}
  unsigned size() const { return threads_; }

  void submit(Job job);
  // One job on one thread: `began` when a worker takes it, `ended` when its work is done.
  void run_single(model::Stage stage, Next began, Next ended);
  // A for_each_task call of `jobs` jobs over the stage's work, costed on all the pool's threads.
  // first(t), last(t): when its work began and ended; returned: when the call returns.
  struct SplitTimes {
    double first = 0, last = 0;
  };
  void run_split(model::Stage stage, unsigned jobs, std::function<void(SplitTimes)> returned);

 private:
  struct Split;
  void pump();
  void join_split(const std::shared_ptr<Split>& s, Next release);

  EventLoop& loop_;
  FluidCpu& cpu_;
  const CostModel& costs_;
  const unsigned threads_;
  unsigned free_;
  std::deque<Job> queue_;
  bool pump_pending_ = false;
};

class VSharedPool {
 public:
  VSharedPool(FluidCpu& cpu, const CostModel& costs, unsigned threads)
      : cpu_(cpu), costs_(costs), threads_(threads == 0 ? 1 : threads) {}
  // The stage's work, costed on all the pool's threads, sharing them with the others running.
  void run(model::Stage stage, Next done);

 private:
  void reshape_all();
  FluidCpu& cpu_;
  const CostModel& costs_;
  const unsigned threads_;
  std::map<FluidCpu::Id, model::Stage> running_;
};

}  // namespace zkc::harness::vtime
