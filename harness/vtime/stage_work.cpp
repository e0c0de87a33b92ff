#include "harness/vtime/stage_work.hpp"

#include <algorithm>

namespace zkc::harness::vtime {

double ms_on(const CostModel& costs, model::Stage s, double threads) {
  if (threads >= 1) return costs.alone_ms(s, threads);
  return costs.alone_ms(s, 1) / std::max(threads, 1e-9);
}

StageWork reshaped(const CostModel& costs, model::Stage s, double ref_threads, double threads) {
  StageWork w;
  const double ref_ms = ms_on(costs, s, ref_threads), now_ms = ms_on(costs, s, threads);
  w.rate = ref_ms > 0 && now_ms > 0 ? ref_ms / now_ms : 1;
  w.demand.stage = s;
  w.demand.threads = threads;
  if (const StageCost* c = costs.find(s); c != nullptr && now_ms > 0) {
    // Traffic per unit of work is the stage's own: faster progress drives more of it.
    const double own_ms = ms_on(costs, s, std::max(c->threads, 1.0));
    w.demand.mem_gbps = c->mem_gbps * (own_ms > 0 ? own_ms / now_ms : 1);
    w.demand.working_set_bytes = c->working_set_bytes;
    w.demand.unmap_bytes_per_ms = c->unmap_bytes / now_ms;
  }
  return w;
}

StageWork stage_work(const CostModel& costs, model::Stage s, double ref_threads, double threads) {
  StageWork w = reshaped(costs, s, ref_threads, threads);
  w.work = ms_on(costs, s, ref_threads);
  return w;
}

}  // namespace zkc::harness::vtime
