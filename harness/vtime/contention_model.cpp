#include "harness/vtime/contention_model.hpp"

#include <algorithm>
#include <cmath>

namespace zkc::harness::vtime {
namespace {

constexpr double kMinSpeed = 1e-9;

// cpu: the share of a core each runnable thread gets now, over the share it got alone.
std::vector<double> cpu_factors(const MachineParams& m, bool on, std::span<const CpuDemand> running) {
  std::vector<double> f(running.size(), 1.0);
  const double cores = m.cores.value;
  if (!on || cores <= 0) return f;
  double runnable = 0;
  for (const auto& d : running) runnable += std::max(d.threads, 0.0);
  const double now = runnable > cores ? cores / runnable : 1.0;
  for (std::size_t i = 0; i < running.size(); ++i) {
    const double t = std::max(running[i].threads, 0.0);
    const double alone = t > cores ? cores / t : 1.0;
    f[i] = std::min(1.0, now / alone);
  }
  return f;
}

// bandwidth: the time multiplier of each demand's memory-bound share, relative to alone.
std::vector<double> bandwidth_multipliers(const MachineParams& m, bool on, std::span<const CpuDemand> running,
                                          const std::vector<double>& cpu) {
  std::vector<double> b(running.size(), 1.0);
  const double bw = m.mem_bw_gbps.value;
  if (!on || bw <= 0) return b;
  double issued = 0;
  for (std::size_t j = 0; j < running.size(); ++j) issued += cpu[j] * std::max(running[j].mem_gbps, 0.0);
  const double over = std::max(1.0, issued / bw);
  for (std::size_t i = 0; i < running.size(); ++i) {
    const double share = std::clamp(running[i].mem_bound_share, 0.0, 1.0);
    const double alone = std::max(1.0, std::max(running[i].mem_gbps, 0.0) / bw);
    b[i] = ((1 - share) + share * over) / ((1 - share) + share * alone);
  }
  return b;
}

double evicted_share(double load) { return load > 1 ? 1 - 1 / load : 0.0; }

// l3: the time multiplier from the working sets' share of the domains a demand's threads run in.
std::vector<double> l3_multipliers(const MachineParams& m, bool on, std::span<const CpuDemand> running) {
  std::vector<double> l(running.size(), 1.0);
  const double domains = std::max(1.0, std::round(m.l3_domains.value));
  const double l3 = m.l3_bytes.value, cores = m.cores.value;
  if (!on || l3 <= 0) return l;
  double spread = 0;  // sum W_j / N
  for (const auto& d : running) spread += std::max(d.working_set_bytes, 0.0) / domains;
  const double per_domain = cores > 0 ? cores / domains : 1.0;
  for (std::size_t i = 0; i < running.size(); ++i) {
    const double w = std::max(running[i].working_set_bytes, 0.0);
    if (w <= 0) continue;
    const double n = std::clamp(std::ceil(std::max(running[i].threads, 1.0) / per_domain), 1.0, domains);
    const double own = w / n;
    const double load = (own + spread - w / domains) / l3;
    const double alone = own / l3;
    l[i] = (1 + m.l3_miss_penalty.value * evicted_share(load)) /
           (1 + m.l3_miss_penalty.value * evicted_share(alone));
  }
  return l;
}

// tlb: the stall the shootdowns of every unmapping demand charge each running thread, relative to
// the stall of its own shootdowns alone.
std::vector<double> tlb_multipliers(const MachineParams& m, bool on, std::span<const CpuDemand> running) {
  std::vector<double> s(running.size(), 1.0);
  const double q = m.bytes_per_shootdown.value, us = m.shootdown_us.value;
  if (!on || q <= 0 || us <= 0) return s;
  const auto stall = [&](double bytes_per_ms) { return bytes_per_ms / q * us / 1000.0; };
  double unmapped = 0;
  for (const auto& d : running) unmapped += std::max(d.unmap_bytes_per_ms, 0.0);
  for (std::size_t i = 0; i < running.size(); ++i) {
    s[i] = (1 + stall(unmapped)) / (1 + stall(std::max(running[i].unmap_bytes_per_ms, 0.0)));
  }
  return s;
}

}  // namespace

CpuDemand demand_of(const CostModel& costs, model::Stage stage, double threads) {
  CpuDemand d{.stage = stage, .threads = std::max(threads, 0.0)};
  const StageCost* c = costs.find(stage);
  if (c == nullptr) return d;
  const double ms = costs.alone_ms(stage, threads);
  const double pace = ms > 0 ? c->ms / ms : 1.0;  // the work per ms against the cost's own thread count
  d.mem_gbps = c->mem_gbps * pace;
  d.working_set_bytes = c->working_set_bytes * std::min(1.0, std::max(threads, 1.0) / std::max(c->threads, 1.0));
  d.unmap_bytes_per_ms = ms > 0 ? c->unmap_bytes / ms : 0.0;
  d.mem_bound_share = c->mem_bound_share;
  return d;
}

std::vector<double> speeds(const MachineParams& machine, const ContentionSwitches& on,
                           std::span<const CpuDemand> running) {
  const std::vector<double> cpu = cpu_factors(machine, on.cpu, running);
  const std::vector<double> bw = bandwidth_multipliers(machine, on.bandwidth, running, cpu);
  const std::vector<double> l3 = l3_multipliers(machine, on.l3, running);
  const std::vector<double> tlb = tlb_multipliers(machine, on.tlb, running);
  std::vector<double> out(running.size(), 1.0);
  for (std::size_t i = 0; i < running.size(); ++i) {
    const double v = cpu[i] / (bw[i] * l3[i] * tlb[i]);
    out[i] = std::isfinite(v) ? std::clamp(v, kMinSpeed, 1.0) : kMinSpeed;
  }
  return out;
}

}  // namespace zkc::harness::vtime
