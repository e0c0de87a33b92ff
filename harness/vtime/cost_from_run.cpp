// The cost model from what was measured: a run's stage rows (stages.csv, read by
// harness/results/run_loader) or a real prover log ingested by analysis/ingest.
#include <algorithm>
#include <charconv>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "harness/vtime/cost_model.hpp"
#include "harness/vtime/cost_sources.hpp"

namespace zkc::harness::vtime {
namespace {

using model::Stage;

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

// The device's stages: in a sim run their rows stand for the device; the cost model keeps them apart.
bool device_stage(Stage s) {
  return s == Stage::kUpload || s == Stage::kNttMsmH || s == Stage::kBatchAdd || s == Stage::kTailMsm;
}

// A pool stage's thread count: its setting in the run's config ("0" = all CPUs, resolved as the plan
// resolved it), else the plan's.
double pool_threads(const model::RunData& run, const model::StageKind& kind, const RunPlan& plan) {
  const double fallback = kind.id == Stage::kSpmv ? plan.synthesis_threads : plan.gpu_threads;
  const auto it = run.config.find(std::string(kind.pool_threads_key));
  if (it == run.config.end()) return std::max(fallback, 1.0);
  double v = 0;
  const auto [end, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
  return ec == std::errc() && v >= 1 ? v : std::max(fallback, 1.0);
}

// Each span's time as if alone on its pool: the spans of one pool stage that overlap (the pw
// partitions' SpMVs of an isolation run) share the pool, so a span gets dt / k of every interval in
// which k of them run.
std::vector<double> pool_shares(const std::vector<std::pair<double, double>>& spans) {
  std::vector<std::pair<double, int>> edges;
  for (const auto& [a, b] : spans) {
    edges.push_back({a, +1});
    edges.push_back({b, -1});
  }
  std::sort(edges.begin(), edges.end());
  std::vector<double> out;
  out.reserve(spans.size());
  for (const auto& [a, b] : spans) {
    double share = 0;
    int active = 0;
    double last = edges.empty() ? a : edges.front().first;
    for (const auto& [t, d] : edges) {
      const double lo = std::max(last, a), hi = std::min(t, b);
      if (hi > lo && active > 0) share += (hi - lo) / active;
      active += d;
      last = t;
    }
    out.push_back(share);
  }
  return out;
}

struct Rows {
  std::map<Stage, std::vector<std::pair<double, double>>> spans;
};

Rows work_rows(const model::RunData& run) {
  Rows r;
  for (const auto& row : run.stages) {
    const model::StageKind* k = model::find_stage_kind(row.stage);
    if (k == nullptr || k->role != model::StageKind::Role::kWork || row.end_ms < row.start_ms) continue;
    r.spans[k->id].push_back({row.start_ms, row.end_ms});
  }
  return r;
}

double median_ms(const std::vector<std::pair<double, double>>& spans) {
  std::vector<double> ms;
  for (const auto& [a, b] : spans) ms.push_back(b - a);
  return median(std::move(ms));
}

// A CUZK_TIMING mean of an ingested log (log_extras.hpp: cuzk_<key>_mean), or -1.
double log_mean(const model::RunData& run, const std::string& key) {
  for (const auto& row : run.extra)
    if (row.name == "cuzk_" + key + "_mean") return row.value;
  return -1;
}

}  // namespace

CostModel cost_from_run(const model::RunData& run, const RunPlan& plan) {
  if (run.stages.empty()) throw std::runtime_error(fmt::format("cost_from_run: {} has no stage rows", run.id));
  const Rows rows = work_rows(run);
  const bool direct = rows.spans.contains(Stage::kDirectEval);
  for (const Stage s : {Stage::kWitnessGen, direct ? Stage::kDirectEval : Stage::kSpmv, Stage::kPrepMsm,
                        Stage::kBG2Msm, Stage::kNttMsmH}) {
    if (!rows.spans.contains(s))
      throw std::runtime_error(fmt::format("cost_from_run: {} has no {} spans", run.id, model::name(s)));
  }
  CostModel c;
  for (const auto& [stage, spans] : rows.spans) {
    if (device_stage(stage)) continue;
    const model::StageKind& k = model::kind(stage);
    if (k.pool_threads_key.empty()) {
      c.host[stage] = StageCost{.ms = median_ms(spans), .threads = 1, .serial_share = 1};
      continue;
    }
    const double threads = pool_threads(run, k, plan);
    const double serial = stage == Stage::kBG2Msm ? seed_b_g2_serial_share(threads) : 0.0;
    c.host[stage] = StageCost{.ms = median(pool_shares(spans)), .threads = threads, .serial_share = serial};
  }
  const auto device = [&](Stage s) { return rows.spans.contains(s) ? median_ms(rows.spans.at(s)) : 0.0; };
  c.upload_ms = device(Stage::kUpload);
  c.ntt_msm_h_ms = device(Stage::kNttMsmH);
  c.batch_add_ms = device(Stage::kBatchAdd);
  c.tail_msm_ms = device(Stage::kTailMsm);
  detail::add_traffic(c, plan);
  c.source = fmt::format("stages.csv of {} (stage medians)", run.id);
  return c;
}

CostModel cost_from_log(const model::RunData& ingested, const RunPlan& plan) {
  std::vector<double> synth;
  for (const auto& row : ingested.stages) {
    if (row.stage == model::name(Stage::kSynthesis) && row.end_ms >= row.start_ms)
      synth.push_back(row.end_ms - row.start_ms);
  }
  if (synth.empty()) throw std::runtime_error(fmt::format("cost_from_log: {} has no synthesis rows", ingested.id));
  const BalanceTargets& t = plan.balance_targets;
  const double gpu_total = t.gpu_total_ms * plan.scale;
  detail::HostFigures f;
  f.synthesis_ms = median(std::move(synth));
  // A log does not split synthesis: the targets' witness share, of a direct synthesis when the plan's
  // path is direct (its synthesis is then direct_over_pce times the PCE one, the witness the same).
  const bool direct = direct_synthesis(plan);
  f.witness_share = direct ? t.witness_share / t.direct_over_pce : t.witness_share;
  f.direct_over_pce = direct ? 1.0 : t.direct_over_pce;
  const double prep = log_mean(ingested, "prep_msm_ms");
  f.prep_ms = prep >= 0 ? prep : t.prep_over_gpu * gpu_total;
  const double b_g2 = log_mean(ingested, "b_g2_msm_ms");
  f.b_g2_ms = b_g2 >= 0 ? b_g2 : t.b_g2_over_gpu * gpu_total;
  f.b_g2_threads = b_g2 >= 0 ? std::max(1u, plan.gpu_threads) : detail::kSeedPoolThreads;  // the log ran the plan's gt
  f.register_ms = t.pre_lock_share() * gpu_total;
  f.dealloc_cpp_ms = log_mean(ingested, "async_dealloc_ms");
  CostModel c = detail::seed_shaped_costs(plan, f);
  detail::device_from_plan(c, plan);
  for (const auto& [key, field] : {std::pair{"ntt_msm_h_ms", &CostModel::ntt_msm_h_ms},
                                   std::pair{"batch_add_ms", &CostModel::batch_add_ms},
                                   std::pair{"tail_msm_ms", &CostModel::tail_msm_ms}}) {
    if (const double v = log_mean(ingested, key); v >= 0) c.*field = v;
  }
  c.source = fmt::format("log {} (synthesis median, CUZK_TIMING means)", ingested.id);
  return c;
}

}  // namespace zkc::harness::vtime
