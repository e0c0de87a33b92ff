#include "harness/cli/plan_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <tuple>

#include "harness/cli/app.hpp"

namespace zkc::cli {
namespace {

constexpr double kGiB = 1024.0 * 1024 * 1024;

struct Candidate {
  int pw = 0, gw = 0, gt = 0, j = 0;
  double s_per_proof = 0, schedule_s = 0, tax_pct = 0, gpu_util = 0, peak_gib = 0;
};

std::vector<int> up_to(std::vector<int> values, int limit) {
  values.erase(std::remove_if(values.begin(), values.end(), [&](int v) { return v > limit || v < 1; }), values.end());
  if (std::find(values.begin(), values.end(), limit) == values.end()) values.push_back(limit);
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

Candidate model_one(const PlanOptions& opts, int pw, int gw, int gt, int j) {
  ConfigInput input = config_input(opts.profile);
  for (std::string o : {fmt::format("synthesis.partition_workers={}", pw), fmt::format("gpus.gpu_workers_per_device={}", gw),
                        fmt::format("gpus.gpu_threads={}", gt), fmt::format("batch.concurrency={}", j),
                        fmt::format("gpus.devices={}", opts.gpus), fmt::format("model.machine.cores={}", opts.cores),
                        fmt::format("model.machine.memory_gib={}", opts.memory_gib)})
    input.overrides.push_back(std::move(o));
  const PreparedRun run = prepare_modelled_run(input);
  const VirtualPrediction p = predict(run, opts.spec);
  return {pw, gw, gt, j, p.with.s_per_proof, p.schedule.s_per_proof, p.contention_tax_pct(), p.with.gpu_util,
          static_cast<double>(p.peak.bytes) / kGiB};
}

std::string row_text(std::size_t rank, const Candidate& c) {
  return fmt::format("  {:>4}  {:>3} {:>3} {:>4} {:>4}  {:>9.2f}  {:>9.2f}  {:>5.1f}%  {:>6.1f}%  {:>8.1f}\n", rank, c.pw,
                     c.gw, c.gt, c.j, c.s_per_proof, c.schedule_s, c.tax_pct, 100 * c.gpu_util, c.peak_gib);
}

}  // namespace

PlanGrid plan_grid(int cores, int proofs) {
  PlanGrid g;
  g.pw = up_to({1, 2, 4, 6, 8, 10, 12, 16}, std::max(1, std::min(cores, 16)));
  g.gw = {1, 2, 3};
  g.gt = up_to({4, 8, 16, 32, 64}, cores);
  g.j = up_to({1, 2, 3, 5, 10, 15, 20}, proofs);
  return g;
}

void add_plan_options(CLI::App& cmd, PlanOptions& opts) {
  add_profile_options(cmd, opts.profile, true);
  cmd.add_option("--memory-gib", opts.memory_gib, "The machine's memory, GiB")->required()->check(CLI::Range(1.0, 1e6));
  cmd.add_option("--cores", opts.cores, "Its hardware threads")->required()->check(CLI::Range(1, 100000));
  cmd.add_option("--gpus", opts.gpus, "Its GPUs (default 1)")->check(CLI::Range(1, 64));
  cmd.add_option("--margin", opts.margin_pct, "Memory kept free, percent of --memory-gib (default 10)")
      ->check(CLI::Range(0.0, 90.0));
  cmd.add_option("--costs", opts.spec.costs, "Cost model: profile (default), a results folder, or a prover log");
  cmd.add_option("--contention", opts.spec.contention, "all (default), none, or a comma list of cpu, bandwidth, l3, tlb");
  cmd.add_option("--top", opts.top, "Rows shown (default 15)")->check(CLI::Range(1, 100000));
  cmd.add_flag("--json", opts.json, "Print the ranking as JSON");
}

int run_plan(const PlanOptions& opts) {
  try {
    if (opts.profile.concurrency > 0)
      throw config::ConfigError("-j is what plan chooses: leave it out (-c sets the batch it plans for)");
    parse_contention(opts.spec.contention);
    ConfigInput base_input = config_input(opts.profile);
    base_input.overrides.push_back(fmt::format("model.machine.cores={}", opts.cores));
    base_input.overrides.push_back(fmt::format("model.machine.memory_gib={}", opts.memory_gib));
    const PreparedRun base = prepare_modelled_run(base_input);
    const PlanGrid grid = plan_grid(opts.cores, static_cast<int>(base.plan.proofs));
    const double limit_gib = opts.memory_gib * (1 - opts.margin_pct / 100);
    const auto started = std::chrono::steady_clock::now();
    std::vector<Candidate> fits, over;
    for (int pw : grid.pw)
      for (int gw : grid.gw)
        for (int gt : grid.gt)
          for (int j : grid.j) {
            const Candidate c = model_one(opts, pw, gw, gt, j);
            (c.peak_gib <= limit_gib ? fits : over).push_back(c);
          }
    const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // Faster first; settings in the same 0.5% band of s/proof (the model cannot tell them apart) by
    // the memory they need, then the fewest proofs in flight. Bands keep the order a strict one.
    const auto band = [](const Candidate& c) { return std::floor(std::log(c.s_per_proof) / std::log(1.005)); };
    const auto by_speed = [&](const Candidate& a, const Candidate& b) {
      return std::tuple(band(a), a.peak_gib, a.j, a.s_per_proof) < std::tuple(band(b), b.peak_gib, b.j, b.s_per_proof);
    };
    std::sort(fits.begin(), fits.end(), by_speed);
    std::sort(over.begin(), over.end(), by_speed);
    if (opts.json) {
      nlohmann::json rows = nlohmann::json::array();
      for (const auto& c : fits)
        rows.push_back({{"pw", c.pw}, {"gw", c.gw}, {"gt", c.gt}, {"j", c.j}, {"s_per_proof", c.s_per_proof},
                        {"schedule_s_per_proof", c.schedule_s}, {"contention_tax_pct", c.tax_pct},
                        {"gpu_util", c.gpu_util}, {"peak_rss_gib", c.peak_gib}});
      fmt::print("{}\n", nlohmann::json{{"memory_gib", opts.memory_gib}, {"limit_gib", limit_gib}, {"cores", opts.cores},
                                        {"gpus", opts.gpus}, {"proofs", base.plan.proofs},
                                        {"modelled", fits.size() + over.size()}, {"over_memory", over.size()},
                                        {"ranking", rows}}
                             .dump(2));
      return kExitOk;
    }
    fmt::print("zkcontend {} plan: {:g} GiB ({:g} GiB usable, {:g}% kept free), {} hardware threads, {} GPU{}; c={}\n",
               ZKC_VERSION, opts.memory_gib, limit_gib, opts.margin_pct, opts.cores, opts.gpus,
               opts.gpus == 1 ? "" : "s", base.plan.proofs);
    fmt::print("  {} settings modelled in {:.1f} s (costs: {}; contention: {}); {} fit the memory\n",
               fits.size() + over.size(), took, opts.spec.costs, opts.spec.contention, fits.size());
    fmt::print("  rank   pw  gw   gt    j    s/proof   schedule     tax   GPU util  peak GiB\n");
    for (std::size_t i = 0; i < fits.size() && i < static_cast<std::size_t>(opts.top); ++i)
      fmt::print("{}", row_text(i + 1, fits[i]));
    if (fits.empty()) fmt::print("  no setting fits {:g} GiB\n", limit_gib);
    if (!over.empty() && (fits.empty() || over.front().s_per_proof < fits.front().s_per_proof))
      fmt::print("  faster but over the memory: pw={} gw={} gt={} j={}: {:.2f} s/proof at {:.1f} GiB\n", over.front().pw,
                 over.front().gw, over.front().gt, over.front().j, over.front().s_per_proof, over.front().peak_gib);
    return kExitOk;
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend plan: {}\n", e.what());
    return kExitUsage;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "zkcontend plan: {}\n", e.what());
    return kExitUsage;
  }
}

}  // namespace zkc::cli
