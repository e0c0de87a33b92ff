#include "harness/vtime/virtual_pools.hpp"

#include <utility>
#include <vector>

#include "harness/vtime/stage_work.hpp"

namespace zkc::harness::vtime {

struct VFifoPool::Split {
  model::Stage stage;
  unsigned jobs = 0, taken = 0, running = 0;
  bool started = false, finished = false;
  FluidCpu::Id piece = 0;
  SplitTimes times;
  std::vector<Next> releases;  // of the workers running it
  std::function<void(SplitTimes)> returned;
};

void VFifoPool::submit(Job job) {
  queue_.push_back(std::move(job));
  pump();
}

// Free workers take queued jobs in order; a released worker takes the next one at the same time.
void VFifoPool::pump() {
  while (free_ > 0 && !queue_.empty()) {
    Job job = std::move(queue_.front());
    queue_.pop_front();
    --free_;
    job([this] {
      ++free_;
      if (pump_pending_) return;
      pump_pending_ = true;
      loop_.soon([this] {
        pump_pending_ = false;
        pump();
      });
    });
  }
}

void VFifoPool::run_single(model::Stage stage, Next began, Next ended) {
  submit([this, stage, began = std::move(began), ended = std::move(ended)](Next release) {
    began();
    const StageWork w = stage_work(costs_, stage, 1, 1);
    cpu_.start(w.work, w.rate, w.demand, [release = std::move(release), ended] {
      release();
      ended();
    });
  });
}

void VFifoPool::run_split(model::Stage stage, unsigned jobs, std::function<void(SplitTimes)> returned) {
  auto s = std::make_shared<Split>();
  s->stage = stage;
  s->jobs = jobs == 0 ? 1 : jobs;
  s->returned = std::move(returned);
  for (unsigned i = 0; i < s->jobs; ++i) submit([this, s](Next release) { join_split(s, std::move(release)); });
}

// A worker took one of the call's jobs: it joins the work, or finds it done and leaves at once.
void VFifoPool::join_split(const std::shared_ptr<Split>& s, Next release) {
  ++s->taken;
  const auto maybe_return = [this, s] {
    if (s->finished && s->taken == s->jobs && s->running == 0) loop_.soon([s] { s->returned(s->times); });
  };
  if (s->finished) {
    release();
    maybe_return();
    return;
  }
  ++s->running;
  s->releases.push_back(std::move(release));
  const double ref = threads_, now = s->running;
  if (!s->started) {
    s->started = true;
    s->times.first = loop_.now();
    const StageWork w = stage_work(costs_, s->stage, ref, now);
    s->piece = cpu_.start(w.work, w.rate, w.demand, [this, s, maybe_return] {
      s->finished = true;
      s->times.last = loop_.now();
      s->running = 0;
      for (auto& r : std::exchange(s->releases, {})) r();
      maybe_return();
    });
    return;
  }
  const StageWork w = reshaped(costs_, s->stage, ref, now);
  cpu_.reshape(s->piece, w.rate, w.demand);
}

void VSharedPool::run(model::Stage stage, Next done) {
  // Ids are handed out in order: the new piece's is known once started; reshape the others after.
  const double share = static_cast<double>(threads_) / static_cast<double>(running_.size() + 1);
  const StageWork w = stage_work(costs_, stage, threads_, share);
  auto id = std::make_shared<FluidCpu::Id>(0);
  *id = cpu_.start(w.work, w.rate, w.demand, [this, id, done = std::move(done)] {
    running_.erase(*id);
    reshape_all();
    done();
  });
  if (w.work > 0) running_.emplace(*id, stage);
  reshape_all();
}

void VSharedPool::reshape_all() {
  if (running_.empty()) return;
  const double share = static_cast<double>(threads_) / static_cast<double>(running_.size());
  for (const auto& [id, stage] : running_) {
    const StageWork w = reshaped(costs_, stage, threads_, share);
    cpu_.reshape(id, w.rate, w.demand);
  }
}

}  // namespace zkc::harness::vtime
