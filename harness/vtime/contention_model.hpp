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
//
// The formulas (speeds(); every factor is relative to the stage running alone, so a stage alone on
// the machine has speed 1 whatever its own size, and more load never raises a speed):
//   demand i: threads t_i, traffic D_i GB/s, memory-bound share m_i, working set W_i, unmap U_i B/ms
//   machine: cores C, bandwidth B, L3 L bytes per domain, N domains, penalty p, shootdown u us,
//            q bytes per shootdown
//   cpu        R = sum t_j;  f_i = min(1, C / R) / min(1, C / t_i)
//   bandwidth  S = sum f_j D_j (the traffic the threads issue at the CPU share they get);
//              b_i = ((1 - m_i) + m_i max(1, S / B)) / ((1 - m_i) + m_i max(1, D_i / B))
//   l3         a demand's threads spread over n_i = clamp(ceil(t_i N / C), 1, N) domains; the load of
//              its domains P_i = (W_i / n_i + sum_{j != i} W_j / N) / L (the others spread evenly),
//              alone P0_i = W_i / (n_i L); evicted share e(P) = max(0, 1 - 1 / P);
//              l_i = (1 + p e(P_i)) / (1 + p e(P0_i)) for W_i > 0, else 1 (nothing reused, nothing lost)
//   tlb        x = sum_j U_j / q x u / 1000 (stall per running CPU per ms), x0_i the same of U_i alone;
//              s_i = (1 + x) / (1 + x0_i)
//   speed_i = f_i / (b_i l_i s_i), in (0, 1]; a mechanism switched off contributes 1.
#pragma once

#include <span>
#include <string>
#include <vector>

#include "harness/vtime/cost_model.hpp"
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
  double mem_bound_share = 1;     // of its time, what waits on memory traffic (StageCost::mem_bound_share)
};

// What a stage of the cost model asks of the machine while it runs on `threads` threads: its traffic
// and unmap rate at the pace alone_ms(threads) gives, its working set in proportion to the threads
// it runs (per-thread sets: SpMV chunks, Pippenger buckets). A stage the model lacks asks nothing.
CpuDemand demand_of(const CostModel& costs, model::Stage stage, double threads);

// The speed (0, 1] of each demand, in order, while all of them run.
std::vector<double> speeds(const MachineParams& machine, const ContentionSwitches& on,
                           std::span<const CpuDemand> running);

}  // namespace zkc::harness::vtime
