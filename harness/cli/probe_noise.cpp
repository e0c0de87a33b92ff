#include "harness/cli/probe_noise.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

#include "analysis/stats/arm_stats.hpp"
#include "analysis/stats/outliers.hpp"
#include "analysis/stats/sequential.hpp"
#include "harness/cli/ab_design.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/arms.hpp"
#include "harness/cli/interrupt_watch.hpp"
#include "harness/cli/progress_line.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/system/errno_text.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

constexpr int kMaxRuns = 1000;

// A fresh folder under the system's temporary directory, removed with everything in it when this
// goes out of scope (a failed or interrupted probe included): the probe's runs are never results.
class ScratchFolder {
 public:
  ScratchFolder() {
    std::string tmpl = (fs::temp_directory_path() / "zkc-probe-noise-XXXXXX").string();
    if (::mkdtemp(tmpl.data()) == nullptr) {
      throw std::runtime_error(fmt::format("cannot create a temporary folder {}: {}", tmpl, harness::errno_text(errno)));
    }
    path_ = tmpl;
  }
  ~ScratchFolder() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  ScratchFolder(const ScratchFolder&) = delete;
  ScratchFolder& operator=(const ScratchFolder&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string pct(double fraction) { return fmt::format("{:.1f}%", 100 * fraction); }

struct ProbeRun {
  std::string id;
  double s_per_proof = 0;
  double wall_s = 0;
  harness::NoiseReading noise;
};

// A reading for the table: its value, or "n/v" (not visible here; the reason is printed once below).
std::string cell(const harness::Visible<double>& v, bool fraction) {
  if (!v.value) return "n/v";
  return fraction ? pct(*v.value) : fmt::format("{:.2f}", *v.value);
}

void print_runs(const std::vector<ProbeRun>& runs) {
  fmt::print("\n{:<5} {:>9} {:>8}  {:>10} {:>7} {:>6} {:>9} {:>9}\n", "run", "s/proof", "wall", "other CPU", "steal",
             "load", "throttle", "freq/max");
  for (const ProbeRun& r : runs) {
    fmt::print("{:<5} {:>9.3f} {:>7.1f}s  {:>10} {:>7} {:>6} {:>9} {:>9}\n", r.id, r.s_per_proof, r.wall_s,
               cell(r.noise.other_cpu_share, true), cell(r.noise.steal_share, true), cell(r.noise.load1_start, false),
               r.noise.throttle_events.value ? fmt::format("{:.0f}", *r.noise.throttle_events.value) : "n/v",
               cell(r.noise.freq_ratio, true));
  }
  // Why a reading is not visible, once (the first run's reason; the machine does not change).
  const harness::NoiseReading& n = runs.front().noise;
  const std::pair<const char*, const harness::Visible<double>*> readings[] = {
      {"other CPU", &n.other_cpu_share}, {"steal", &n.steal_share},    {"load", &n.load1_start},
      {"throttle", &n.throttle_events},  {"freq/max", &n.freq_ratio},
  };
  for (const auto& [name, v] : readings) {
    if (!v->value) fmt::print("{}: not visible here: {}\n", name, v->why);
  }
}

// "in 240 s (24 rounds of 6 arms, the baseline 2 times a round) the A/B can decide a change of 2.6% or more (80% power)", or why not.
std::string decidable_text(double cv, double wall_s, double budget_s, std::size_t arms) {
  const std::size_t family = arms > 1 ? arms - 1 : 1;  // every arm against the baseline
  const std::size_t baseline_runs = analysis::baseline_runs_per_round(family);
  const double round_s = wall_s * static_cast<double>(family + baseline_runs);
  const double fitting = std::floor(budget_s / round_s);
  // ab stops at its default --max-rounds too, whatever the budget leaves.
  const auto limit = static_cast<std::size_t>(kDefaultMaxRounds);
  const std::size_t rounds = fitting >= static_cast<double>(limit) ? limit : static_cast<std::size_t>(fitting);
  if (rounds == 0) {
    return fmt::format("in {:g} s not one round of {} arms fits (a round takes about {:.0f} s here)", budget_s, arms,
                       round_s);
  }
  const double pct_change = analysis::decidable_change_pct(cv, rounds, family, baseline_runs);
  const std::string fit = fmt::format("in {:g} s ({} round{} of {} arms, the baseline {} times a round{})", budget_s,
                                      rounds, rounds == 1 ? "" : "s", arms, baseline_runs,
                                      rounds == limit ? ", ab's --max-rounds" : "");
  if (!std::isfinite(pct_change)) return fit + " the A/B cannot decide any change: too few rounds";
  return fmt::format("{} the A/B can decide a change of {:.1f}% or more (80% power, {} arms against the baseline at "
                     "{:g}% family-wise)",
                     fit, pct_change, family, 100 * analysis::kFamilyAlpha);
}

}  // namespace

void add_probe_noise_options(CLI::App& cmd, ProbeNoiseOptions& opts, CLI::Option* noise_flag) {
  add_profile_options(cmd, opts.profile);
  cmd.add_option("--runs", opts.runs, "--noise: measured baseline runs (2 to 1000)")
      ->capture_default_str()
      ->needs(noise_flag);
  cmd.add_option("--warmup", opts.warmup, "--noise: discarded runs before the first measured one (0 to 10)")
      ->capture_default_str()
      ->needs(noise_flag);
  cmd.add_option("--budget", opts.budget,
                 fmt::format("--noise: the A/B's wall-time budget the decidable change is for, as ab's --budget: 270, "
                             "4m, 4m30s (default {:.0f}s)",
                             kDefaultBudgetSeconds))
      ->needs(noise_flag);
  cmd.add_flag("-q,--quiet", opts.quiet, "--noise: no progress line")->needs(noise_flag);
}

int run_probe_noise(const ProbeNoiseOptions& opts) {
  if (opts.runs < 2 || opts.runs > kMaxRuns) {
    fmt::print(stderr, "zkcontend probe: --runs {}: {}accepted: 2 to {}\n", opts.runs,
               opts.runs == 1 ? "a CV needs at least two runs; " : "", kMaxRuns);
    return kExitUsage;
  }
  if (opts.warmup < 0 || opts.warmup > 10) {
    fmt::print(stderr, "zkcontend probe: --warmup {}: accepted: 0 to 10\n", opts.warmup);
    return kExitUsage;
  }
  const double budget_s = opts.budget.empty() ? kDefaultBudgetSeconds : parse_duration_seconds(opts.budget);
  if (!(budget_s > 0) || !std::isfinite(budget_s)) {
    fmt::print(stderr,
               "zkcontend probe: --budget '{}': accepted: a wall time above 0, in seconds (270, 270s) or with units "
               "(4m, 4m30s, 1h), as ab's --budget\n",
               opts.budget);
    return kExitUsage;
  }
  const harness::MachineFacts machine = machine_facts();
  PreparedRun run;
  try {
    run = prepare_run(config_input(opts.profile), machine);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend probe: invalid configuration:\n{}\n", e.what());
    return kExitUsage;
  }
  if (over_memory_limit(run.plan, machine)) {
    fmt::print(stderr, "zkcontend probe: refusing to run: the estimated peak memory exceeds {:.0f}% of available "
                       "memory:\n{}Lower workload.scale or batch.concurrency\n",
               harness::kMemoryLimitFraction * 100,
               harness::format_estimate(harness::estimate_memory(run.plan), machine.mem_available_bytes));
    return kExitUsage;
  }
  if (!fit_groups({{&run}}, opts.quiet, "probe")) return kExitFailure;
  const std::size_t arms = default_arms(machine.online_cpus).size();
  fmt::print("zkcontend {} probe --noise: {} runs of the baseline ({} warm-up discarded), into a temporary folder "
             "removed afterwards\n  base: {}\n",
             ZKC_VERSION, opts.runs, opts.warmup, describe_plan(run.plan));
  std::fflush(stdout);

  const InterruptWatch interrupt;
  std::vector<ProbeRun> runs;
  std::vector<analysis::Measurement> measurements;
  std::string current = "the temporary folder";
  try {
    const ScratchFolder scratch;
    for (int i = -opts.warmup; i < opts.runs && !interrupt.requested(); ++i) {
      const bool warmup = i < 0;
      const std::string id = warmup ? fmt::format("w{}", opts.warmup + i) : fmt::format("r{}", i);
      current = "run " + id;
      ProgressLine progress(!opts.quiet);
      progress.step(warmup ? fmt::format("warm-up {} (discarded)", opts.warmup + i + 1)
                           : fmt::format("[{}/{}] baseline", i + 1, opts.runs));
      const auto t0 = std::chrono::steady_clock::now();
      const RunOutcome outcome = execute_run(run, scratch.path(), id, &progress);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      progress.clear();
      if (warmup) {
        fmt::print("  warm-up {}  s/proof {:.3f} (discarded)\n", id, outcome.metrics.s_per_proof);
        continue;
      }
      runs.push_back({id, outcome.metrics.s_per_proof, wall, outcome.noise});
      auto rows = analysis::metric_rows(outcome.metrics);
      rows.insert(rows.end(), outcome.extra.begin(), outcome.extra.end());
      for (const auto& r : rows) {
        if (std::isfinite(r.value)) measurements.push_back({"", "baseline", i, r.name, r.value, id});
      }
    }
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend probe: {} failed: {}\nNothing was kept.\n", current, e.what());
    return kExitFailure;
  }
  if (interrupt.requested()) {
    fmt::print(stderr, "zkcontend probe: interrupted after {} of {} runs; nothing was kept\n", runs.size(), opts.runs);
    if (runs.size() < 2) return interrupt.exit_code();
  }

  print_runs(runs);
  std::vector<double> s, wall;
  for (const ProbeRun& r : runs) {
    s.push_back(r.s_per_proof);
    wall.push_back(r.wall_s);
  }
  const double m = analysis::mean(s);
  const double cv = m == 0 ? 0 : analysis::sample_sd(s) / std::abs(m);
  const double wall_median = analysis::median(wall);
  fmt::print("\ns/proof: median {:.3f} s over {} runs; wall per run: median {:.1f} s (min {:.1f}, max {:.1f}; set-up and "
             "results included)\n",
             analysis::median(s), runs.size(), wall_median, *std::min_element(wall.begin(), wall.end()),
             *std::max_element(wall.begin(), wall.end()));
  fmt::print("CV {:.1f}% per run; {}\n", 100 * cv, decidable_text(cv, wall_median, budget_s, arms));
  const auto outliers = analysis::find_outliers(measurements);
  if (outliers.empty()) fmt::print("outliers: none\n");
  for (const auto& o : outliers) {
    fmt::print("outlier: {} s/proof {:.3f} (median {:.3f}, {:+.1f}%): {}\n", o.run, o.value, o.median,
               100 * (o.value - o.median) / o.median, o.cause);
  }
  return interrupt.requested() ? interrupt.exit_code() : kExitOk;
}

}  // namespace zkc::cli
