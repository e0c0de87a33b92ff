#include "harness/vtime/cost_calibration.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

#include "harness/vtime/virtual_engine.hpp"

namespace zkc::harness::vtime {
namespace {

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// Wall-time median of each stage's spans, by stage name.
template <class Rows, class Wall>
std::map<std::string, double> medians(const Rows& rows, Wall wall) {
  std::map<std::string, std::vector<double>> by;
  for (const auto& r : rows) by[r.stage].push_back(wall(r));
  std::map<std::string, double> out;
  for (auto& [stage, v] : by) out[stage] = median(std::move(v));
  return out;
}

}  // namespace

Calibration calibrate_to_run(CostModel costs, const RunPlan& run_plan, const model::RunData& run,
                             const MachineParams& machine, const ContentionSwitches& on, int max_iterations) {
  const auto measured = medians(run.stages, [](const model::StageRow& r) { return r.end_ms - r.start_ms; });
  Calibration out;
  for (int it = 0; it < max_iterations; ++it) {
    const EngineResult r = run_virtual(run_plan, VirtualOptions{costs, machine, on, 1});
    const auto modelled = medians(r.spans, [](const StageSpan& s) { return s.end_ms - s.start_ms; });
    double worst = 0;
    for (auto& [stage, cost] : costs.host) {
      const std::string name(model::name(stage));
      const auto m = measured.find(name), p = modelled.find(name);
      if (m == measured.end() || p == modelled.end() || !(m->second > 0) || !(p->second > 0)) continue;
      const double ratio = m->second / p->second;
      worst = std::max(worst, std::fabs(1 / ratio - 1));
      cost.ms *= std::clamp(ratio, 0.25, 4.0);
    }
    out.iterations = it + 1;
    out.worst_error = worst;
    if (worst < 0.005) break;
  }
  out.costs = std::move(costs);
  return out;
}

}  // namespace zkc::harness::vtime
