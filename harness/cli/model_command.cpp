#include "harness/cli/model_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "harness/cli/app.hpp"
#include "harness/cli/sweep_command.hpp"
#include "harness/results/run_directory.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;
constexpr double kGiB = 1024.0 * 1024 * 1024;

std::string parameter_text(const char* what, const harness::vtime::Parameter& p, const char* unit, double div = 1) {
  return fmt::format("    {:<20} {:>10.4g} {:<6} {}\n", what, p.value / div, unit, p.source);
}

void print_prediction(const VirtualPrediction& p, const PreparedRun& run, const fs::path& dir) {
  const auto& m = p.options.machine;
  fmt::print("  costs: {}\n  machine:\n", p.options.costs.source);
  fmt::print("{}", parameter_text("cores", m.cores, ""));
  fmt::print("{}", parameter_text("DRAM bandwidth", m.mem_bw_gbps, "GB/s"));
  fmt::print("{}", parameter_text("L3 per domain", m.l3_bytes, "MiB", 1024.0 * 1024));
  fmt::print("{}", parameter_text("L3 domains", m.l3_domains, ""));
  fmt::print("{}", parameter_text("L3 miss penalty", m.l3_miss_penalty, "x"));
  fmt::print("{}", parameter_text("shootdown stall", m.shootdown_us, "us"));
  fmt::print("{}", parameter_text("bytes per shootdown", m.bytes_per_shootdown, "KiB", 1024));
  const auto& c = p.options.contention;
  fmt::print("  contention: cpu {}, bandwidth {}, l3 {}, tlb {}\n", c.cpu ? "on" : "off", c.bandwidth ? "on" : "off",
             c.l3 ? "on" : "off", c.tlb ? "on" : "off");
  fmt::print("prediction (virtual time, {} proofs, j={}):\n", run.plan.proofs, run.plan.concurrency);
  fmt::print("  s/proof      {:8.3f} s   schedule alone {:.3f} s; contention tax {:.1f}%\n", p.with.s_per_proof,
             p.schedule.s_per_proof, p.contention_tax_pct());
  fmt::print("  avg prove    {:8.3f} s   schedule alone {:.3f} s\n", p.with.avg_prove_s, p.schedule.avg_prove_s);
  fmt::print("  GPU util     {:8.1f} %   schedule alone {:.1f}%\n", 100 * p.with.gpu_util, 100 * p.schedule.gpu_util);
  fmt::print("  peak RSS     {:8.1f} GiB at {:.1f} s, {} partition{} holding buffers:\n",
             static_cast<double>(p.peak.bytes) / kGiB, p.peak.at_ms / 1000, p.peak.partitions_live,
             p.peak.partitions_live == 1 ? "" : "s");
  for (const auto& [what, bytes] : p.peak.by_item)
    fmt::print("    {:<36} {:8.1f} GiB\n", what, static_cast<double>(bytes) / kGiB);
  fmt::print("results: {}\n", dir.string());
}

int run_model_sweep(const ModelOptions& opts) {
  if (opts.profile.count > 0 || opts.profile.concurrency > 0 || !opts.profile.files.empty())
    throw config::ConfigError("--sweep takes its points from the spec: --config, -c and -j belong to one model "
                              "(use --set for a key every point shares)");
  SweepOptions s;
  s.spec = opts.sweep;
  s.overrides = opts.profile.overrides;
  s.results_dir = opts.results_dir;
  s.id = opts.run_id;
  s.quiet = opts.quiet;
  s.virtual_backend = opts.spec;
  return run_sweep(s);
}

}  // namespace

void add_model_options(CLI::App& cmd, ModelOptions& opts) {
  add_profile_options(cmd, opts.profile);
  cmd.add_option("--costs", opts.spec.costs,
                 "Cost model: profile (its full-scale stage times, default), a results folder (its stages.csv; an "
                 "isolation run, c=1 j=1, is the reference) or a real prover's log");
  cmd.add_option("--contention", opts.spec.contention,
                 "Contention mechanisms: all (default), none, or a comma list of cpu, bandwidth, l3, tlb");
  cmd.add_option("--seed", opts.spec.seed, "Seed of what the virtual pipeline draws (the budget race)");
  cmd.add_flag("--json", opts.json, "Print one JSON object (s_per_proof, avg_prove_s, gpu_util, peak_rss_gib, "
                                    "contention_tax_pct, ...) instead of the text");
  cmd.add_option("--sweep", opts.sweep, "Run a sweep spec in virtual time (configs/sweeps/*.toml)")
      ->check(CLI::ExistingFile);
  cmd.add_option("--results", opts.results_dir, "Folder for results (default: results)");
  cmd.add_option("--run-id", opts.run_id, "Name of the results folder (default: model-<timestamp>-c<c>j<j>)");
  cmd.add_flag("-q,--quiet", opts.quiet, "No progress line");
}

int run_model(const ModelOptions& opts) {
  try {
    parse_contention(opts.spec.contention);
    if (!opts.sweep.empty()) return run_model_sweep(opts);
    PreparedRun run = prepare_modelled_run(config_input(opts.profile));
    run.virtual_backend = opts.spec;
    virtual_options(opts.spec, run);  // the cost source read (and refused) before a folder is claimed
    const fs::path root(opts.results_dir);
    const std::string id = opts.run_id.empty()
                               ? harness::make_run_id(fmt::format("model-c{}j{}", run.plan.proofs, run.plan.concurrency))
                               : opts.run_id;
    check_new_folder(root, id, "--run-id");
    if (!opts.json) fmt::print("zkcontend {} model: {}\n", ZKC_VERSION, describe_plan(run.plan));
    const RunOutcome outcome = execute_run(run, root, id, nullptr);
    const VirtualPrediction& p = *outcome.prediction;
    if (opts.json) {
      nlohmann::json j = prediction_json(p, run);
      j["results"] = outcome.dir.string();
      fmt::print("{}\n", j.dump(2));
    } else {
      print_prediction(p, run, outcome.dir);
    }
    return kExitOk;
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend model: {}\n", e.what());
    return kExitUsage;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "zkcontend model: {}\n", e.what());
    return kExitUsage;
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend model: failed: {}\nNothing was written under {}.\n", e.what(), opts.results_dir);
    return kExitFailure;
  }
}

}  // namespace zkc::cli
