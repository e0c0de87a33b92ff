#include "harness/balance/balance_report.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

#include "harness/balance/balance_fit.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/msm/msm_plan.hpp"
#include "model/stages.hpp"

namespace zkc::harness {
namespace {

constexpr double kNa = std::numeric_limits<double>::quiet_NaN();

double ratio(double a, double b) { return b > 0 && std::isfinite(a) && std::isfinite(b) ? a / b : kNa; }

std::string fmt_value(double v) { return std::isfinite(v) ? fmt::format("{:.3g}", v) : std::string("-"); }

// The seed system (../shared/seeds): its triggers' values.
constexpr double kSeedChecksPerWindow = 747.0 * 10 / 8.8 * 0.45;  // 3 x 249 checks a partition, 10 in 8.8 s
constexpr double kSeedBucketsOverL2 = 6.0;          // ~6 MiB of G2 buckets per worker, 1 MiB L2 (Zen 4)
constexpr double kSeedDeallocOverGpu = 0.30;        // 167 GiB at 333 GB/s = 0.54 s, against 1.8 s
constexpr double kSeedCsrOverL3 = 822.0;            // 25.7 GiB against one CCD's 32 MiB
constexpr double kSeedWorkingSetOverTlb = 11349.0;  // 133 GiB against 3072 x 4 KiB
constexpr double kAssumedStlbEntries = 1536;        // second-level TLB, 4 KiB pages (not readable in a VM)

double cache_bytes(int name, double fallback) {
  const long v = sysconf(name);
  return v > 0 ? static_cast<double>(v) : fallback;
}

}  // namespace

bool BalanceNumber::off() const {
  if (!std::isfinite(achieved)) return false;
  if (key == "post_lock_share") return achieved > target;  // a bound, not a ratio to hit
  return std::abs(achieved / target - 1) > kBalanceTolerance;
}

StageMedians stage_medians(const analysis::RunMetrics& m, const std::vector<StageSpan>& spans) {
  const auto p50 = [&](std::string_view stage) {
    std::vector<double> ms;
    for (const auto& s : spans)
      if (s.stage == stage) ms.push_back(s.end_ms - s.start_ms);
    return analysis::percentile(std::move(ms), 0.5);
  };
  StageMedians out;
  out.synthesis = m.synthesis_ms.p50;
  out.witness = p50(model::name(model::Stage::kWitnessGen));
  out.prep = m.prep_msm_ms.p50;
  out.b_g2 = m.b_g2_msm_ms.p50;
  out.gpu_total = m.gpu_total_ms.p50;
  out.ntt_msm_h = m.ntt_msm_h_ms.p50;
  out.batch_add = m.batch_add_ms.p50;
  out.tail_msm = m.tail_msm_ms.p50;
  out.register_abc = p50(model::name(model::Stage::kRegister));
  out.post_lock_share = m.partitions_completed > 0 ? m.post_lock_share : -1;
  return out;
}

std::vector<BalanceNumber> balance_numbers(const RunPlan& p, const StageMedians* m) {
  const BalanceTargets& t = p.balance_targets;
  const double pw = p.partition_workers, devices = p.devices;
  // The targets are the PCE path's; the direct path's synthesis is direct_over_pce times as long.
  const bool direct = direct_synthesis(p);
  const double synthesis_factor = direct ? t.direct_over_pce : 1.0;
  // Planned: from the fit's predictions with the sizes as applied.
  double T = kNa, S = kNa, prep = kNa, b_g2 = kNa, witness = kNa, ntt = kNa, batch = kNa, tail = kNa;
  if (p.fit) {
    const StageSizes& s = p.fit->sizes;
    T = s.gpu_total_ms;
    S = direct ? s.witness_ms + s.direct_ms : s.synthesis_ms;
    prep = s.prep_ms;
    b_g2 = s.b_g2_ms;
    witness = s.witness_ms;
    ntt = s.ntt_msm_h_ms;
    batch = s.batch_add_ms;
    tail = s.tail_msm_ms;
  }
  // Achieved: NaN where the run did not measure it.
  const auto got = [&](double StageMedians::*f) { return m != nullptr && m->*f > 0 ? m->*f : kNa; };
  const double gpu_total = got(&StageMedians::gpu_total);
  const double synthesis = got(&StageMedians::synthesis);
  return {
      {"rho", "rho = pw x gpu_total / (devices x synthesis)", t.rho / synthesis_factor, ratio(pw * T, devices * S),
       ratio(pw * gpu_total, devices * synthesis)},
      {"prep_over_gpu", "prep_msm / gpu_total", t.prep_over_gpu, ratio(prep, T),
       ratio(got(&StageMedians::prep), gpu_total)},
      {"b_g2_over_gpu", "b_g2_msm / gpu_total", t.b_g2_over_gpu, ratio(b_g2, T),
       ratio(got(&StageMedians::b_g2), gpu_total)},
      {"witness_share", "witness generation / synthesis", t.witness_share / synthesis_factor, ratio(witness, S),
       ratio(got(&StageMedians::witness), synthesis)},
      {"ntt_share", "ntt_msm_h / gpu_total", t.ntt_share(), ratio(ntt, T),
       ratio(got(&StageMedians::ntt_msm_h), gpu_total), false},
      {"batch_share", "batch_add / gpu_total", t.batch_share(), ratio(batch, T),
       ratio(got(&StageMedians::batch_add), gpu_total), false},
      {"tail_share", "tail_msm / gpu_total", t.tail_share(), ratio(tail, T),
       ratio(got(&StageMedians::tail_msm), gpu_total), false},
      {"post_lock_share", "b_g2 join after unlock / GPU per partition (at most)", 0.10, kNa,
       m != nullptr && m->post_lock_share >= 0 ? m->post_lock_share : kNa},
  };
}

std::vector<BalanceNumber> pilot_numbers(const RunPlan& p) {
  if (!p.fit || !(p.fit->verified.gpu_total > 0) || p.fit->pilots_direct != direct_synthesis(p)) return {};
  return balance_numbers(p, &p.fit->verified);
}

std::string off_numbers(const std::vector<BalanceNumber>& numbers) {
  std::string out;
  for (const auto& n : numbers) {
    if (!n.off() || !n.decisive) continue;
    out += fmt::format("{} is {:.3g}, target {:.3g}{}\n", n.title, n.achieved, n.target,
                       n.key == "post_lock_share" ? "" : fmt::format(" ({:+.0f}%)", 100 * (n.achieved / n.target - 1)));
  }
  return out;
}

std::vector<Trigger> balance_triggers(const RunPlan& p) {
  std::vector<Trigger> out;
  const double l2 = cache_bytes(_SC_LEVEL2_CACHE_SIZE, 1 << 20);
  const double l3 = cache_bytes(_SC_LEVEL3_CACHE_SIZE, 32 << 20);
  const auto within = [](double a, double seed, double factor) {
    return std::isfinite(a) && a >= seed / factor && a <= seed * factor;
  };
  const auto same_side = [](double a, double seed) { return std::isfinite(a) && (a > 1) == (seed > 1); };

  const double pw_p = ratio(p.partition_workers, p.partitions);
  out.push_back({"pw / P (partitions synthesized at once per proof's partitions)", 1.0, pw_p, within(pw_p, 1, 1.25),
                 "in isolation all of a proof's partitions synthesize together; set workload.partitions = 0"});

  // I3: flag checks that fall inside one b_g2 window while SpMV runs.
  const double chunks = std::ceil(double(p.shape.constraints) / double(p.chunk_rows));
  const double checks_per_partition = 3 * std::ceil(chunks / double(p.throttle_check_chunks));
  double per_window = kNa;
  if (p.fit) {
    per_window = checks_per_partition * p.partition_workers / p.fit->costs.synthesis_rest_ms * p.fit->sizes.b_g2_ms;
  }
  if (direct_synthesis(p)) per_window = 0;  // nothing reads the flag on the direct path
  const bool checks_kept = within(per_window, kSeedChecksPerWindow, 2);
  out.push_back({"I3 flag checks per b_g2 window", kSeedChecksPerWindow, per_window, checks_kept,
                 direct_synthesis(p) ? "synthesis.path = direct: no SpMV, so nothing reads the flag (the real prover "
                                       "since it passes no PCE cache)"
                 : checks_kept       ? "checks every interventions.throttle_check_chunks chunks of synthesis.chunk_rows"
                                     : fmt::format("a matrix has {:.0f} chunks of {} rows here (15,904 in the seed), so a "
                                           "partition checks {:.0f} times; lower synthesis.chunk_rows or "
                                           "interventions.throttle_check_chunks to raise it",
                                           chunks, p.chunk_rows, checks_per_partition)});

  const std::uint64_t points =
      p.b_g2_points > 0 ? p.b_g2_points : balance_inputs(p).b_g2_available;
  const MsmPlan msm = plan_msm(points, std::max(1u, p.gpu_threads), sizeof(G2Xyzz));
  const double buckets = ratio(double(msm.bucket_bytes_per_worker), l2);
  out.push_back({"b_g2 bucket bytes per worker / L2", kSeedBucketsOverL2, buckets, same_side(buckets, kSeedBucketsOverL2),
                 fmt::format("window {} over {} points: 2^{} x {} B against {:.0f} KiB of L2{}", msm.window, points,
                             msm.window, sizeof(G2Xyzz), l2 / 1024,
                             same_side(buckets, kSeedBucketsOverL2) ? "" : "; the buckets fit in L2 here, they spill in the seed")});

  // prep_msm is one job on the groth16 FIFO: while it runs it holds one of gt threads that b_g2's tiles
  // could use (the seed: 1 of 192).
  const double prep_share = ratio(1.0, std::max(1u, p.gpu_threads));
  const bool prep_kept = within(prep_share, 1.0 / 192, 2);
  out.push_back({"groth16 threads a prep job holds / gt", 1.0 / 192, prep_share, prep_kept,
                 prep_kept ? "prep takes one pool thread, as in the seed"
                           : fmt::format("with gt = {} a prep queued before a b_g2 takes {:.0f}% of its threads, "
                                         "so b_g2 in isolation varies with how partitions arrive",
                                         p.gpu_threads, 100 * prep_share)});

  const auto bytes = workloads::shape_bytes(p.shape);
  const double dealloc_bytes = double(bytes.witness + bytes.aux + bytes.abc + bytes.density + bytes.split_vectors);
  double dealloc = kNa;
  if (p.fit && p.fit->costs.memcpy_gib_per_s > 0) {
    dealloc = dealloc_bytes / (p.fit->costs.memcpy_gib_per_s * double(1ull << 30)) * 1e3 / p.fit->sizes.gpu_total_ms;
  }
  out.push_back({"dealloc bytes per partition at copy bandwidth / gpu_total", kSeedDeallocOverGpu, dealloc,
                 within(dealloc, kSeedDeallocOverGpu, 2),
                 fmt::format("{:.1f} MiB per partition at one thread's measured copy rate", dealloc_bytes / (1 << 20))});

  const double csr = ratio(double(bytes.csr_shared), l3);
  out.push_back({"CSR bytes / L3 (one domain)", kSeedCsrOverL3, csr, same_side(csr, kSeedCsrOverL3),
                 same_side(csr, kSeedCsrOverL3)
                     ? fmt::format("{:.1f} MiB of A, B, C against {:.0f} MiB of L3", double(bytes.csr_shared) / (1 << 20), l3 / (1 << 20))
                     : "the matrices fit in L3 here; raise workload.scale to make SpMV stream from memory"});

  const double working = double(bytes.csr_shared + bytes.srs_pinned) +
                         double(p.partition_workers) * double(bytes.witness + bytes.abc + bytes.split_vectors);
  const double tlb = ratio(working, kAssumedStlbEntries * 4096);
  out.push_back({"working set / TLB reach (4 KiB pages)", kSeedWorkingSetOverTlb, tlb,
                 same_side(tlb, kSeedWorkingSetOverTlb),
                 fmt::format("{:.0f} MiB against an assumed {:.0f}-entry second-level TLB{}", working / (1 << 20),
                             kAssumedStlbEntries, tlb < kSeedWorkingSetOverTlb / 10 ? " (far less TLB pressure than the seed)" : "")});
  return out;
}

std::string format_balance(const RunPlan& p, const std::vector<BalanceNumber>& numbers,
                           const std::vector<Trigger>& triggers) {
  std::string out;
  if (p.balance_seed) {
    out += fmt::format("balance seed: {}\n", p.fit ? "fit " + p.fit->source : "no fit yet");
    if (p.fit) {
      const StageSizes& s = p.fit->sizes;
      out += fmt::format(
          "  sizes: witness {} muls/var, prep_msm x{:.2f} passes, b_g2 {} points, sim GPU register {:.3g} + ntt_msm_h "
          "{:.3g} + batch_add {:.3g} + tail_msm {:.3g} ms\n",
          p.witness.muls_per_var, p.prep_passes, p.b_g2_points, p.register_ms, p.ntt_msm_h_ms, p.batch_add_ms,
          p.tail_msm_ms);
      if (direct_synthesis(p)) {
        out += fmt::format("  synthesis.path = direct: direct_eval {} muls/term; the rho and witness share targets are the "
                           "PCE path's / balance.direct_over_pce = {:.3g}\n",
                           p.direct.muls_per_term, p.balance_targets.direct_over_pce);
      }
      for (const auto& l : s.limits) out += fmt::format("  not reachable: {}\n", l);
    }
  } else {
    out += "balance uniform: every size and the sim GPU scaled by workload.scale alone\n";
  }
  // pilot: the fit's isolation run; achieved: this run (under load the numbers drift: that drift is
  // the contention being measured).
  const auto pilot = pilot_numbers(p);
  out += fmt::format("  {:<52} {:>7} {:>8} {:>8} {:>9}\n", "number (isolation)", "target", "planned", "pilot",
                     "achieved");
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const auto& n = numbers[i];
    const double piloted = i < pilot.size() ? pilot[i].achieved : kNa;
    const bool off = n.off() || (i < pilot.size() && pilot[i].off());
    out += fmt::format("  {:<52} {:>7} {:>8} {:>8} {:>9}{}\n", n.title, fmt_value(n.target), fmt_value(n.planned),
                       fmt_value(piloted), fmt_value(n.achieved), off ? "  off" : "");
  }
  out += fmt::format("  {:<60} {:>9} {:>9}  kept\n", "trigger", "seed", "here");
  for (const auto& t : triggers) {
    out += fmt::format("  {:<60} {:>9} {:>9}  {}\n", t.name, fmt_value(t.seed), fmt_value(t.achieved),
                       t.kept ? "yes" : "no: " + t.why);
  }
  return out;
}

nlohmann::json balance_json(const RunPlan& p, const std::vector<BalanceNumber>& numbers,
                            const std::vector<Trigger>& triggers, const StageMedians* m) {
  const auto num = [](double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); };
  nlohmann::json j;
  j["mode"] = p.balance_seed ? "seed" : "uniform";
  j["fit"] = p.fit ? fit_json(*p.fit) : nlohmann::json(nullptr);
  const auto pilot = pilot_numbers(p);
  for (std::size_t i = 0; i < numbers.size(); ++i) {
    const auto& n = numbers[i];
    j["numbers"].push_back({{"key", n.key},
                            {"title", n.title},
                            {"target", n.target},
                            {"planned", num(n.planned)},
                            {"pilot", i < pilot.size() ? num(pilot[i].achieved) : nlohmann::json(nullptr)},
                            {"achieved", num(n.achieved)},
                            {"off", n.off()}});
  }
  for (const auto& t : triggers) {
    j["triggers"].push_back(
        {{"name", t.name}, {"seed", t.seed}, {"achieved", num(t.achieved)}, {"kept", t.kept}, {"why", t.why}});
  }
  // Modelled vs measured per simulated GPU stage (measured: GPU_TIMING medians; register: its stage).
  const auto measured = [&](double StageMedians::*f) {
    return m != nullptr && m->*f > 0 ? nlohmann::json(m->*f) : nlohmann::json(nullptr);
  };
  j["gpu_stages"] = nlohmann::json::array();
  for (const auto& [stage, modelled, f] :
       {std::tuple{model::Stage::kRegister, p.register_ms, &StageMedians::register_abc},
        std::tuple{model::Stage::kNttMsmH, p.ntt_msm_h_ms, &StageMedians::ntt_msm_h},
        std::tuple{model::Stage::kBatchAdd, p.batch_add_ms, &StageMedians::batch_add},
        std::tuple{model::Stage::kTailMsm, p.tail_msm_ms, &StageMedians::tail_msm}}) {
    j["gpu_stages"].push_back({{"stage", model::name(stage)}, {"modelled_ms", modelled}, {"measured_p50_ms", measured(f)}});
  }
  return j;
}

}  // namespace zkc::harness
