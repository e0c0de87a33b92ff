// The contention model: few, named, measurable parameters of a machine, and the speed each running
// piece of CPU work gets from them while others run beside it. Each mechanism can be switched off, so
// a prediction separates the schedule (all off: only queues, locks and pools decide) from the
// contention tax (on minus off).
//
//   cpu        runnable threads over cores: every thread gets cores / runnable of a core
//   bandwidth  the stages' memory traffic summed; above the machine's, each stage's memory-bound share
//              slows by the ratio
//   l3         working sets summed over the L3 domains; what does not fit is re-read from DRAM: a
//              cache-reusing stage slows by l3_miss_penalty x its evicted share
//   tlb        bytes unmapped per ms -> shootdown IPIs; each IPI stalls every running CPU for
//              shootdown_us, charged to the running threads
#pragma once

#include <span>
#include <string>
#include <vector>

#include "model/stages.hpp"

namespace zkc::harness::vtime {

struct Parameter {
  double value = 0;
  std::string source;  // "measured: <how>", "assumed: <profile key or the seed's figure>"
};

struct MachineParams {
  Parameter cores;                // hardware threads that run at once
  Parameter mem_bw_gbps;          // sustained DRAM bandwidth
  Parameter l3_bytes;             // per L3 domain
  Parameter l3_domains;
  Parameter l3_miss_penalty;      // slowdown of a stage whose working set is wholly evicted (0.6 = +60%)
  Parameter shootdown_us;         // stall per shootdown IPI on each running CPU
  Parameter bytes_per_shootdown;  // unmapped bytes per IPI broadcast
};

struct ContentionSwitches {
  bool cpu = true, bandwidth = true, l3 = true, tlb = true;
  static ContentionSwitches none() { return {false, false, false, false}; }
  bool any() const { return cpu || bandwidth || l3 || tlb; }
};

// What one running piece of CPU work asks of the machine now.
struct CpuDemand {
  model::Stage stage;
  double threads = 1;             // runnable threads
  double mem_gbps = 0;            // at full speed
  double working_set_bytes = 0;
  double unmap_bytes_per_ms = 0;  // at full speed (dealloc)
};

// The speed (0, 1] of each demand, in order, while all of them run.
std::vector<double> speeds(const MachineParams& machine, const ContentionSwitches& on,
                           std::span<const CpuDemand> running);

}  // namespace zkc::harness::vtime
