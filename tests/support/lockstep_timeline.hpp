// A hand-built timeline at Phase 12 (split finalize, a/b/c freed by the GPU worker) written out by
// simple rules instead of run: c proofs of P partitions all admitted at once (j = c), pw synthesis
// workers taking partitions in order, each synthesis the same length (so a wave of pw partitions
// starts and ends together, as the real prover's partitions of one proof do), a GPU queue that never
// blocks (capacity max(lookahead, pw) with the permit held through the send: room for a whole wave),
// gw GPU workers sharing one device lock, prep_msm on each partition beside it, b_g2_msm one at a time
// on the groth16 pool, one finalizer, and both dealloc sides after GPU_END. The memory tests account
// it at full scale; nothing here knows a buffer.
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "model/timeline_event.hpp"

namespace zkc::test {

struct LockstepTimes {  // ms
  double synthesis = 0;     // SYNTH_START .. SYNTH_END of every partition
  double register_abc = 0;  // GPU_START .. the lock request (cudaHostRegister of a/b/c)
  double lock_held = 0;     // the device stages, the wait for prep included
  double free_abc = 0;      // after LOCK_RELEASED, on the GPU worker, before it takes the next one
  double prep = 0;          // PREP_START (= GPU_START) .. PREP_END
  double b_g2 = 0;          // on the groth16 pool, one at a time, after its prep
  double dealloc_cpp = 0, dealloc_rust = 0;  // from GPU_END
};

inline std::vector<model::TimelineEvent> lockstep_timeline(unsigned proofs, unsigned partitions, unsigned pw,
                                                           unsigned gw, const LockstepTimes& t) {
  struct Ev {
    double at;
    std::string event, job, detail;
  };
  std::vector<Ev> evs;
  const auto job = [](unsigned p) { return fmt::format("proof-{:04d}", p); };
  struct Done {
    unsigned proof, partition;
    double at;
  };
  std::vector<Done> synthesized;
  std::vector<double> worker_free(pw, 0.0);
  for (unsigned p = 0; p < proofs; ++p) {
    evs.push_back({0.0, "PROOF_START", job(p), fmt::format("partitions={}", partitions)});
    for (unsigned n = 0; n < partitions; ++n) {
      auto w = std::min_element(worker_free.begin(), worker_free.end());
      const double s = *w, e = s + t.synthesis;
      *w = e;
      evs.push_back({s, "SYNTH_START", job(p), fmt::format("partition={}", n)});
      evs.push_back({e, "SYNTH_END", job(p), fmt::format("partition={},synth_ms={}", n, t.synthesis)});
      evs.push_back({e, "GPU_QUEUE", job(p), fmt::format("partition={}", n)});
      synthesized.push_back({p, n, e});
    }
  }
  std::stable_sort(synthesized.begin(), synthesized.end(), [](const Done& a, const Done& b) { return a.at < b.at; });
  std::vector<double> gpu_free(gw, 0.0);
  double lock_free = 0, groth16_free = 0, finalizer_free = 0;
  for (const Done& d : synthesized) {
    const auto w = std::min_element(gpu_free.begin(), gpu_free.end());
    const auto worker = static_cast<unsigned>(w - gpu_free.begin());
    const std::string who = fmt::format("worker={},partition={}", worker, d.partition);
    const double start = std::max(d.at, *w);
    const double acquired = std::max(start + t.register_abc, lock_free);
    const double released = acquired + t.lock_held;
    lock_free = released;
    *w = released + t.free_abc;
    const double prep_end = start + t.prep;
    const double b_g2_start = std::max(prep_end, groth16_free);
    groth16_free = b_g2_start + t.b_g2;
    const double gpu_end = std::max({groth16_free, finalizer_free, *w});
    finalizer_free = gpu_end;
    const std::string j = job(d.proof);
    evs.push_back({start, "GPU_PICKUP", j, who});
    evs.push_back({start, "GPU_START", j, who});
    evs.push_back({start, "PREP_START", j, who});
    evs.push_back({prep_end, "PREP_END", j, who});
    evs.push_back({acquired, "LOCK_ACQUIRED", j, who + ",device=0"});
    evs.push_back({released, "LOCK_RELEASED", j, who + ",device=0"});
    evs.push_back({b_g2_start, "BG2_START", j, who + ",threads=32"});
    evs.push_back({groth16_free, "BG2_END", j, who});
    evs.push_back({gpu_end, "GPU_END", j, who});
    for (const auto& [side, ms] : {std::pair{"cpp", t.dealloc_cpp}, std::pair{"rust", t.dealloc_rust}}) {
      evs.push_back({gpu_end, "DEALLOC_START", j, fmt::format("side={},partition={}", side, d.partition)});
      evs.push_back({gpu_end + ms, "DEALLOC_END", j, fmt::format("side={},partition={}", side, d.partition)});
    }
  }
  std::stable_sort(evs.begin(), evs.end(), [](const Ev& a, const Ev& b) { return a.at < b.at; });
  std::vector<model::TimelineEvent> out;
  for (const auto& e : evs) out.push_back({e.at, model::SharedText(e.event), model::SharedText(e.job), model::SharedText(e.detail)});
  return out;
}

}  // namespace zkc::test
