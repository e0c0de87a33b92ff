#include "harness/engine/balance_solver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "analysis/metrics/run_metrics.hpp"
#include "model/stages.hpp"

namespace zkc::harness {
namespace {

constexpr unsigned kMaxMuls = 1000;  // synthesis.witness_muls_per_var's range (and direct_muls_per_term's)

void require_positive(double v, const char* what) {
  if (!(std::isfinite(v) && v > 0)) throw std::invalid_argument(fmt::format("balance: {} = {} must be > 0", what, v));
}

void validate(const UnitCosts& c, const BalanceTargets& t, const BalanceInputs& in) {
  require_positive(c.witness_ns_per_mul, "witness ns per multiplication");
  require_positive(c.synthesis_rest_ms, "synthesis rest ms");
  require_positive(c.prep_ms_per_pass, "prep ms per pass");
  if (!(std::isfinite(c.witness_ns_per_var) && c.witness_ns_per_var >= 0)) {
    throw std::invalid_argument("balance: witness ns per variable must be finite and >= 0");
  }
  if (c.b_g2.empty()) throw std::invalid_argument("balance: no b_g2_msm reading");
  for (const auto& r : c.b_g2) {
    require_positive(r.points, "b_g2 reading points");
    require_positive(r.ms, "b_g2 reading ms");
  }
  require_positive(t.rho, "balance.rho");
  require_positive(t.prep_over_gpu, "balance.prep_over_gpu_total");
  require_positive(t.b_g2_over_gpu, "balance.b_g2_over_gpu_total");
  require_positive(t.gpu_total_ms, "balance.gpu_total_ms");
  require_positive(t.direct_over_pce, "balance.direct_over_pce");
  if (!(std::isfinite(c.direct_ns_per_term) && c.direct_ns_per_term >= 0 && std::isfinite(c.direct_ns_per_mul) &&
        c.direct_ns_per_mul >= 0)) {
    throw std::invalid_argument("balance: the direct path's ns per term and per multiplication must be finite and >= 0");
  }
  if (!(t.witness_share > 0 && t.witness_share < 1)) {
    throw std::invalid_argument(fmt::format("balance: witness share {} must be in (0, 1)", t.witness_share));
  }
  if (t.wait_share() < 0) {
    throw std::invalid_argument("balance: the seed's kernels add up to more than its gpu_total");
  }
  if (in.partition_workers == 0 || in.devices == 0 || in.aux == 0 || in.b_g2_available == 0) {
    throw std::invalid_argument("balance: pw, devices, aux and the B tail must all be >= 1");
  }
}

// The segment of the readings (sorted by points) that brackets x along `key`, ends extended.
template <class Key>
std::pair<MsmReading, MsmReading> segment(std::vector<MsmReading> r, double x, Key key) {
  std::sort(r.begin(), r.end(), [](const MsmReading& a, const MsmReading& b) { return a.points < b.points; });
  std::size_t i = 1;
  while (i + 1 < r.size() && key(r[i]) < x) ++i;
  return {r[i - 1], r[i]};
}

double witness_ms_for(const UnitCosts& c, const BalanceInputs& in, unsigned muls) {
  return static_cast<double>(in.aux) * (c.witness_ns_per_var + c.witness_ns_per_mul * muls) / 1e6;
}

// The multiplications per variable whose witness takes `witness_ms`, clamped to the key's range
// (a clamp is a limit in s).
unsigned muls_for(const UnitCosts& c, const BalanceInputs& in, double witness_ms, StageSizes& s) {
  const double aux = static_cast<double>(in.aux);
  const double m = std::round((witness_ms * 1e6 / aux - c.witness_ns_per_var) / c.witness_ns_per_mul);
  if (m < 1) {
    s.limits.push_back(fmt::format("witness share: one multiplication per variable already costs {:.3g} ms, above "
                                   "the {:.3g} ms wanted",
                                   witness_ms_for(c, in, 1), witness_ms));
  }
  if (m > kMaxMuls) {
    s.limits.push_back(fmt::format("witness share: capped at {} multiplications per variable", kMaxMuls));
  }
  return static_cast<unsigned>(std::clamp(m, 1.0, double(kMaxMuls)));
}

// Synthesis (its witness multiplications) and gpu_total: with a real device's gpu_total given,
// synthesis is sized to it; else gpu_total follows synthesis by rho.
void size_synthesis(const UnitCosts& c, const BalanceTargets& t, const BalanceInputs& in, StageSizes& s) {
  const double pw = in.partition_workers, devices = in.devices;
  if (in.gpu_total_anchor_ms > 0) {
    s.gpu_total_ms = in.gpu_total_anchor_ms;
    const double synthesis = pw * s.gpu_total_ms / (t.rho * devices);
    if (synthesis <= c.synthesis_rest_ms) {
      s.limits.push_back(fmt::format("rho: the products alone take {:.3g} ms, above the {:.3g} ms of synthesis the "
                                     "device's gpu_total asks for; lower workload.scale",
                                     c.synthesis_rest_ms, synthesis));
    }
    s.witness_muls_per_var = muls_for(c, in, std::max(0.0, synthesis - c.synthesis_rest_ms), s);
    s.witness_ms = witness_ms_for(c, in, s.witness_muls_per_var);
    s.synthesis_ms = s.witness_ms + c.synthesis_rest_ms;
  } else {
    s.witness_muls_per_var = muls_for(c, in, t.witness_share / (1 - t.witness_share) * c.synthesis_rest_ms, s);
    s.witness_ms = witness_ms_for(c, in, s.witness_muls_per_var);
    s.synthesis_ms = s.witness_ms + c.synthesis_rest_ms;
    s.gpu_total_ms = t.rho * devices * s.synthesis_ms / pw;
  }
}

// The device's stages at the seed's shares of k x gpu_total. A stage is never shorter than its host
// copies (the upload comes first).
IsolationStages stages_at(const UnitCosts& c, const BalanceTargets& t, double gpu_total_ms, double k) {
  const double T = gpu_total_ms;
  IsolationStages st;
  st.register_abc = t.pre_lock_share() * T * k;
  st.upload = c.upload_ms;
  st.ntt_msm_h = std::max(t.ntt_share() * T * k - c.upload_ms, 0.0);
  st.batch_add = std::max(t.batch_share() * T * k, c.batch_copy_ms);
  st.tail_msm = std::max(t.tail_share() * T * k, c.tail_copy_ms);
  st.prep = std::max(t.prep_over_gpu * T, c.prep_ms_per_pass);
  st.b_g2 = t.b_g2_over_gpu * T;
  return st;
}

// The simulated device's kernels: the seed's split of gpu_total scaled by k, where k is found so
// that the isolation schedule's median gpu_total is s.gpu_total_ms (a real device: k = 1).
void size_device(const UnitCosts& c, const BalanceTargets& t, const BalanceInputs& in, StageSizes& s) {
  const double T = s.gpu_total_ms;
  // The median as the run's summary takes it.
  const auto median_total = [&](double k) {
    return analysis::percentile(isolation_gpu_totals(stages_at(c, t, T, k), in), 0.5);
  };
  double lo = 0.05, hi = 20;
  if (in.gpu_total_anchor_ms > 0) {
    lo = hi = 1;  // a real device's times are what they are
  } else if (median_total(lo) > T || median_total(hi) < T) {
    s.limits.push_back(fmt::format("gpu_total: no scale of the seed's device split gives a {:.3g} ms median in "
                                   "isolation; kept the split as it is",
                                   T));
    lo = hi = 1;
  }
  for (int i = 0; i < 60 && hi - lo > 1e-9; ++i) {
    const double mid = (lo + hi) / 2;
    (median_total(mid) < T ? lo : hi) = mid;
  }
  s.device_scale = (lo + hi) / 2;
  const double k = s.device_scale;
  const double ntt = t.ntt_share() * T * k;
  if (c.upload_ms > ntt) {
    s.limits.push_back(fmt::format("ntt_msm_h: the host copy of a/b/c alone takes {:.3g} ms, above its {:.3g} ms",
                                   c.upload_ms, ntt));
  }
  s.ntt_msm_h_ms = std::max(0.0, ntt - c.upload_ms);  // the upload stage comes first, inside gpu_total
  const auto kernel = [&](std::string_view name, double wanted, double copies) {
    if (copies > wanted) {
      s.limits.push_back(fmt::format("{}: its host copies alone take {:.3g} ms, above its {:.3g} ms", name, copies, wanted));
    }
    return std::max(0.0, wanted - copies);
  };
  s.batch_add_ms = kernel(model::name(model::Stage::kBatchAdd), t.batch_share() * T * k, c.batch_copy_ms);
  s.tail_msm_ms = kernel(model::name(model::Stage::kTailMsm), t.tail_share() * T * k, c.tail_copy_ms);
  s.register_ms = t.pre_lock_share() * T * k;
}

// prep_msm's passes for its share of gpu_total (at least one).
void size_prep(const UnitCosts& c, const BalanceTargets& t, StageSizes& s) {
  const double prep_target = t.prep_over_gpu * s.gpu_total_ms;
  s.prep_passes = prep_target / c.prep_ms_per_pass;
  if (s.prep_passes < 1) {
    s.limits.push_back(fmt::format("prep_msm: one pass takes {:.3g} ms, above the {:.3g} ms wanted",
                                   c.prep_ms_per_pass, prep_target));
    s.prep_passes = 1;
  }
  s.prep_ms = s.prep_passes * c.prep_ms_per_pass;
}

// b_g2_msm's points for its share of gpu_total, within the B tail.
void size_b_g2(const UnitCosts& c, const BalanceTargets& t, const BalanceInputs& in, StageSizes& s) {
  const double b_g2_target = t.b_g2_over_gpu * s.gpu_total_ms;
  double n = std::round(b_g2_points_for(c.b_g2, b_g2_target));
  const double available = static_cast<double>(in.b_g2_available);
  if (n < 1) {
    s.limits.push_back(fmt::format("b_g2_msm: one point costs {:.3g} ms, above the {:.3g} ms wanted",
                                   b_g2_ms_at(c.b_g2, 1), b_g2_target));
    n = 1;
  } else if (n > available) {
    s.limits.push_back(fmt::format("b_g2_msm: {:.0f} points wanted, the B tail has {}; raise workload.scale", n,
                                   in.b_g2_available));
    n = available;
  }
  s.b_g2_points = static_cast<std::uint64_t>(n);
  s.b_g2_ms = b_g2_ms_at(c.b_g2, n);
}

double direct_ms_for(const UnitCosts& c, const BalanceInputs& in, unsigned muls) {
  return static_cast<double>(in.terms) * (c.direct_ns_per_term + c.direct_ns_per_mul * muls) / 1e6;
}

// The direct path's evaluation: what makes its synthesis direct_over_pce times the PCE path's, with the
// same witness generation. Not sized when its costs were not measured (0) or there are no terms.
void size_direct(const UnitCosts& c, const BalanceTargets& t, const BalanceInputs& in, StageSizes& s) {
  if (!(c.direct_ns_per_mul > 0) || in.terms == 0) return;
  const double wanted = t.direct_over_pce * s.synthesis_ms - s.witness_ms;
  const double m = std::round((wanted * 1e6 / static_cast<double>(in.terms) - c.direct_ns_per_term) / c.direct_ns_per_mul);
  if (m < 0) {
    s.limits.push_back(fmt::format("direct_over_pce: drawing and evaluating the terms alone takes {:.3g} ms, above the "
                                   "{:.3g} ms of direct evaluation wanted",
                                   direct_ms_for(c, in, 0), wanted));
  }
  if (m > kMaxMuls) {
    s.limits.push_back(fmt::format("direct_over_pce: capped at {} multiplications per term", kMaxMuls));
  }
  s.direct_muls_per_term = static_cast<unsigned>(std::clamp(m, 0.0, double(kMaxMuls)));
  s.direct_ms = direct_ms_for(c, in, s.direct_muls_per_term);
}

}  // namespace

std::vector<double> isolation_gpu_totals(const IsolationStages& st, const BalanceInputs& in) {
  const unsigned workers = std::max(1u, in.gpu_workers) * std::max(1u, in.devices);
  std::vector<double> worker_free(workers, 0.0), lock_free(std::max(1u, in.devices), 0.0);
  std::vector<double> totals;
  for (unsigned part = 0; part < std::max(1u, in.partitions); ++part) {
    // The partition goes to the worker that is free first (the GPU queue hands out in order).
    const auto w = static_cast<std::size_t>(std::min_element(worker_free.begin(), worker_free.end()) - worker_free.begin());
    const std::size_t device = w / std::max(1u, in.gpu_workers);
    const double start = worker_free[w];
    const double prep_end = start + st.prep;
    const double locked = std::max(start + st.register_abc, lock_free[device]);
    const double kernels_done = std::max(locked + st.upload + st.ntt_msm_h, prep_end) + st.batch_add + st.tail_msm;
    lock_free[device] = kernels_done;
    totals.push_back(kernels_done - locked);
    worker_free[w] = std::max(kernels_done, prep_end + st.b_g2);  // the b_g2 join
  }
  return totals;
}

double BalanceTargets::pre_lock_share() const {
  return std::max(0.0, prep_over_gpu - ntt_share() - wait_share());
}

double b_g2_ms_at(const std::vector<MsmReading>& readings, double points) {
  if (readings.empty()) throw std::invalid_argument("b_g2_ms_at: no readings");
  if (readings.size() == 1) return readings[0].ms * points / readings[0].points;
  const auto [a, b] = segment(readings, points, [](const MsmReading& r) { return r.points; });
  const double slope = std::log(b.ms / a.ms) / std::log(b.points / a.points);
  return a.ms * std::exp(slope * std::log(points / a.points));
}

double b_g2_points_for(const std::vector<MsmReading>& readings, double ms) {
  if (readings.empty()) throw std::invalid_argument("b_g2_points_for: no readings");
  if (readings.size() == 1) return readings[0].points * ms / readings[0].ms;
  const auto [a, b] = segment(readings, ms, [](const MsmReading& r) { return r.ms; });
  const double slope = std::log(b.ms / a.ms) / std::log(b.points / a.points);
  if (!(slope > 0)) return ms >= b.ms ? b.points : a.points;  // flat readings: no better answer
  return a.points * std::exp(std::log(ms / a.ms) / slope);
}

StageSizes solve_balance(const UnitCosts& c, const BalanceTargets& t, const BalanceInputs& in) {
  validate(c, t, in);
  StageSizes s;
  size_synthesis(c, t, in, s);
  size_direct(c, t, in, s);
  size_device(c, t, in, s);
  size_prep(c, t, s);
  size_b_g2(c, t, in, s);
  return s;
}

}  // namespace zkc::harness
