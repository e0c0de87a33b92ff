#include "harness/vtime/cost_model.hpp"

#include <algorithm>
#include <stdexcept>

namespace zkc::harness::vtime {

const StageCost* CostModel::find(model::Stage s) const {
  const auto it = host.find(s);
  return it == host.end() ? nullptr : &it->second;
}

double CostModel::alone_ms(model::Stage s, double threads) const {
  const StageCost* c = find(s);
  if (c == nullptr) return 0;
  const double t = std::max(threads, 1.0);
  const double serial = c->ms * c->serial_share;
  return serial + (c->ms - serial) * std::max(c->threads, 1.0) / t;
}

// Placeholders until the sources are written (branch vtime-costs).
CostModel cost_from_plan(const RunPlan&) { throw std::logic_error("cost_from_plan: not written yet"); }
CostModel cost_from_run(const model::RunData&, const RunPlan&) { throw std::logic_error("cost_from_run: not written yet"); }
CostModel cost_from_log(const model::RunData&, const RunPlan&) { throw std::logic_error("cost_from_log: not written yet"); }

}  // namespace zkc::harness::vtime
