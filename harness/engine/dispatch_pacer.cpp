#include "harness/engine/dispatch_pacer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace zkc::harness {

DispatchPacer::DispatchPacer(unsigned target, unsigned gpu_workers, double time_scale, double now_s)
    : target_(target),
      gpu_workers_(std::max(1u, gpu_workers)),
      scale_(time_scale),
      last_update_s_(now_s / time_scale),
      bootstrap_remaining_(target) {
  if (target == 0) throw std::invalid_argument("dispatch pacer: the GPU queue target must be >= 1");
  if (!(time_scale > 0)) throw std::invalid_argument(fmt::format("dispatch pacer: time scale {} must be > 0", time_scale));
}

void DispatchPacer::update(double now_s, std::size_t waiting, std::uint64_t gpu_count, double gpu_total_s) {
  const double now = now_s / scale_;
  if (gpu_count > prev_gpu_count_) {
    const double avg = (gpu_total_s - prev_gpu_total_s_) / static_cast<double>(gpu_count - prev_gpu_count_) / scale_;
    if (avg > 0) {
      ema_gpu_s_ = gpu_rate_known_ ? kAlphaGpu * avg + (1 - kAlphaGpu) * ema_gpu_s_ : avg;
      gpu_rate_known_ = true;
    }
    prev_gpu_count_ = gpu_count;
    prev_gpu_total_s_ = gpu_total_s;
  }
  ema_waiting_ = kAlphaWaiting * static_cast<double>(waiting) + (1 - kAlphaWaiting) * ema_waiting_;
  const double dt = std::max(0.001, now - last_update_s_);
  const double error = (target_ - ema_waiting_) / target_;
  integral_ = std::clamp(integral_ + error * dt, kMinIntegral, kMaxIntegral);
  last_update_s_ = now;
}

double DispatchPacer::correction() const {
  return kKp * (target_ - ema_waiting_) / target_ + kKi * integral_;
}

double DispatchPacer::interval_s() const {
  const double gpu_eff = ema_gpu_s_ / gpu_workers_;
  double real = 0;
  if (in_bootstrap()) {
    real = gpu_rate_known_ ? std::max(gpu_eff, kRebootstrapMinS) : kBootstrapS;
  } else if (!gpu_rate_known_) {
    real = kBootstrapS;
  } else {
    const double rate = std::clamp(1.0 + correction(), kMinRate, kMaxRate);
    real = std::clamp(gpu_eff / rate, kMinIntervalS, kMaxIntervalS);
  }
  return real * scale_;
}

bool DispatchPacer::should_rebootstrap(std::uint64_t gpu_count) const {
  return gpu_rate_known_ && bootstrap_remaining_ == 0 && ema_waiting_ < 1.0 && dispatched_ <= gpu_count;
}

void DispatchPacer::enter_rebootstrap() {
  bootstrap_remaining_ = static_cast<unsigned>(target_);
  integral_ = 0;
  ++rebootstraps_;
}

void DispatchPacer::on_dispatch() {
  if (bootstrap_remaining_ > 0) --bootstrap_remaining_;
  ++dispatched_;
}

PacerState DispatchPacer::state() const {
  PacerState s;
  s.ema_waiting = ema_waiting_;
  s.gpu_proc_ms = ema_gpu_s_ * scale_ * 1e3;
  s.gpu_eff_ms = s.gpu_proc_ms / gpu_workers_;
  s.integral = integral_;
  s.rate_mult = in_bootstrap() || !gpu_rate_known_ ? 1.0 : std::clamp(1.0 + correction(), kMinRate, kMaxRate);
  s.bootstrap = in_bootstrap();
  s.rebootstraps = rebootstraps_;
  s.dispatched = dispatched_;
  return s;
}

}  // namespace zkc::harness
