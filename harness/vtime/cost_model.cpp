#include "harness/vtime/cost_model.hpp"

#include <algorithm>

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

// The sources: cost_from_plan.cpp (the profile), cost_from_run.cpp (a run's stages, a prover log);
// cost_traffic.cpp gives all three their traffic, working sets and unmapped bytes.

}  // namespace zkc::harness::vtime
