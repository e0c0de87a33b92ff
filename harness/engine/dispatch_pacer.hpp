// DispatchPacer: the real prover's PI dispatch pacer (curio engine.rs DispatchPacer, gains and limits
// as of d7785a84), which spaces synthesis dispatches so that about `target` synthesized partitions
// wait in the GPU queue. Feed-forward: the GPU's measured processing time per partition / GPU
// workers; feedback: kp * e + ki * integral(e dt), e = (target - EMA(waiting)) / target; the rate
// multiplier is clamped to [0.3, 3] and the interval to [50 ms, 60 s]; bootstrap dispatches `target`
// items at 3 s (2 s or more once the GPU rate is known, after the pipeline drained).
//
// Every constant is the real one, in the real prover's seconds. The miniature's time runs
// `time_scale` times faster (its GPU time per partition over the seed's), so the pacer sees time
// divided by time_scale and its intervals are multiplied by it: what is kept is every ratio of a
// pacer time constant to the GPU's service time. Pure logic, clock passed in: tests drive it.
#pragma once

#include <cstddef>
#include <cstdint>

namespace zkc::harness {

struct PacerState {
  double ema_waiting = 0;
  double gpu_proc_ms = 0;   // EMA of one partition's GPU time (the miniature's ms)
  double gpu_eff_ms = 0;    // gpu_proc_ms / GPU workers
  double integral = 0;      // real-prover units (error x real seconds)
  double rate_mult = 1;     // 1 + correction, clamped to [kMinRate, kMaxRate]; 1 outside PI control
  bool bootstrap = true;
  std::uint64_t rebootstraps = 0, dispatched = 0;
};

class DispatchPacer {
 public:
  static constexpr double kKp = 0.5, kKi = 0.001;
  static constexpr double kMaxIntegral = 100.0, kMinIntegral = -20.0;
  static constexpr double kMinRate = 0.3, kMaxRate = 3.0;
  static constexpr double kMinIntervalS = 0.05, kMaxIntervalS = 60.0;  // real seconds
  static constexpr double kBootstrapS = 3.0, kRebootstrapMinS = 2.0;   // real seconds
  static constexpr double kAlphaWaiting = 0.15, kAlphaGpu = 0.2;

  // target >= 1 partitions waiting; time_scale > 0. Throws std::invalid_argument otherwise.
  DispatchPacer(unsigned target, unsigned gpu_workers, double time_scale, double now_s);

  // Observations at now_s (the miniature's seconds): partitions waiting for a GPU worker, GPU
  // completions so far and their summed GPU time (the miniature's seconds).
  void update(double now_s, std::size_t waiting, std::uint64_t gpu_count, double gpu_total_s);
  // The time to wait before the next dispatch, the miniature's seconds.
  double interval_s() const;
  bool in_bootstrap() const { return bootstrap_remaining_ > 0; }
  bool gpu_rate_known() const { return gpu_rate_known_; }
  // Initial bootstrap spent and no GPU completion yet: wait for one.
  bool bootstrap_exhausted() const { return !gpu_rate_known_ && bootstrap_remaining_ == 0; }
  // The pipeline drained (every dispatched partition done on the GPU): fill it again.
  bool should_rebootstrap(std::uint64_t gpu_count) const;
  void enter_rebootstrap();
  void on_dispatch();
  PacerState state() const;

 private:
  double correction() const;

  const double target_;
  const unsigned gpu_workers_;
  const double scale_;
  double ema_waiting_ = 0;
  double ema_gpu_s_ = 1.0;  // real seconds
  bool gpu_rate_known_ = false;
  std::uint64_t prev_gpu_count_ = 0;
  double prev_gpu_total_s_ = 0;  // the miniature's seconds
  double integral_ = 0;
  double last_update_s_;  // real seconds
  unsigned bootstrap_remaining_;
  std::uint64_t rebootstraps_ = 0, dispatched_ = 0;
};

}  // namespace zkc::harness
