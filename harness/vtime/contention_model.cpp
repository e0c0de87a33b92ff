#include "harness/vtime/contention_model.hpp"

#include <algorithm>

namespace zkc::harness::vtime {

// Placeholder (branch vtime-costs writes the four mechanisms): CPU oversubscription only.
std::vector<double> speeds(const MachineParams& machine, const ContentionSwitches& on, std::span<const CpuDemand> running) {
  double runnable = 0;
  for (const auto& d : running) runnable += d.threads;
  const double cpu = (on.cpu && runnable > machine.cores.value && machine.cores.value > 0) ? machine.cores.value / runnable : 1.0;
  return std::vector<double>(running.size(), std::clamp(cpu, 1e-9, 1.0));
}

}  // namespace zkc::harness::vtime
