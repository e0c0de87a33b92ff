#include "harness/cli/ab_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <numeric>

#include "analysis/stats/arm_stats.hpp"
#include "harness/balance/balance_report.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/arms.hpp"
#include "harness/cli/interrupt_watch.hpp"
#include "harness/cli/progress_line.hpp"
#include "harness/cli/report_writer.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/results/csv.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/results/text_file.hpp"
#include "kernels/random/splitmix.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

struct ArmRun {
  Arm arm;
  PreparedRun run;
};

// The metrics the terminal table shows (all of them go to ab.csv and the report).
const std::vector<std::string> kHeadline = {"s_per_proof",      "avg_gpu_per_partition_s", "gpu_util",
                                            "synthesis_ms_p50", "b_g2_msm_ms_p50",         "prep_msm_ms_p50",
                                            "tlb_shootdowns_per_s_in_dealloc"};

std::vector<std::size_t> run_order(std::size_t arms, std::int64_t seed, int repeat) {
  std::vector<std::size_t> order(arms);
  std::iota(order.begin(), order.end(), 0);
  if (seed < 0) return order;
  // Fisher-Yates with a specified generator: the same seed gives the same order everywhere.
  std::uint64_t state = derive_seed(static_cast<std::uint64_t>(seed), static_cast<std::uint64_t>(repeat));
  for (std::size_t i = arms; i > 1; --i) std::swap(order[i - 1], order[splitmix64(state) % i]);
  return order;
}

std::string format_table(const std::vector<analysis::ArmSummary>& summaries,
                         const std::vector<analysis::Comparison>& comparisons, const std::string& baseline) {
  std::string out = fmt::format("{:<34} {:<10} {:>3} {:>22} {:>30} {:>6}\n", "metric", "arm", "n",
                                "median [95% CI]", "vs " + baseline + " [95% CI]", "need");
  for (const auto& metric : kHeadline) {
    for (const auto& s : summaries) {
      if (s.metric != metric) continue;
      std::string change = "-";
      std::string need;
      for (const auto& c : comparisons) {
        if (c.metric != metric || c.arm != s.arm) continue;
        change = fmt::format("{:+.1f}% [{:+.1f}, {:+.1f}]{}", c.change_pct, c.ci_pct.lo, c.ci_pct.hi,
                             c.significant ? " *" : "  ");
        need = fmt::format("{}", c.repeats_needed);
      }
      out += fmt::format("{:<34} {:<10} {:>3} {:>22} {:>30} {:>6}\n", metric, s.arm, s.n,
                         fmt::format("{:.4g} [{:.4g}, {:.4g}]", s.median, s.ci.lo, s.ci.hi), change, need);
    }
  }
  out += fmt::format(
      "* the 95% interval of the change excludes 0 (and each arm has >= {} repeats). need: repeats per arm to\n"
      "  detect a 5% change with 80% power at this spread (CV).\n",
      analysis::kMinRepeatsForSignificance);
  return out;
}

// The baseline arm's fit, judged by its verifying pilot (isolation): one line per number off by more
// than the tolerance, naming it. Empty when all hold.
std::string balance_warning(const harness::RunPlan& plan) {
  const std::string off = harness::off_numbers(harness::pilot_numbers(plan));
  if (off.empty()) return "";
  std::string out = "warning: the baseline's balance fit is off (isolation pilot); this miniature's shape differs "
                    "from the seed's there, so read the arms' differences with care:\n";
  std::size_t start = 0;
  while (start < off.size()) {
    const std::size_t end = off.find('\n', start);
    out += "  " + off.substr(start, end - start + 1);
    start = end + 1;
  }
  return out;
}

}  // namespace

void add_ab_options(CLI::App& cmd, AbOptions& opts) {
  add_profile_options(cmd, opts.profile);
  cmd.add_option("--arms", opts.arms, "Arms to run, by name (default: all)")->delimiter(',');
  cmd.add_option("--arms-file", opts.arms_file, "TOML file of [arms.<name>] override tables")->check(CLI::ExistingFile);
  cmd.add_option("--repeats", opts.repeats, "Runs per arm")->check(CLI::Range(1, 1000));
  cmd.add_option("--shuffle-seed", opts.shuffle_seed, "Shuffle the arm order of each repeat with this seed")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 62));
  cmd.add_option("--results", opts.results_dir, "Folder for results (default: results)");
  cmd.add_option("--id", opts.id, "Name of the A/B folder (default: <timestamp>-ab)");
  cmd.add_flag("-q,--quiet", opts.quiet, "No progress line");
  cmd.add_flag("--force", opts.force, "Run even when an arm's memory estimate exceeds 90% of available memory");
}

int run_ab(const AbOptions& opts) {
  const harness::MachineFacts machine = machine_facts();
  const fs::path root(opts.results_dir);
  const std::string id = opts.id.empty() ? harness::make_run_id("ab") : opts.id;
  std::vector<ArmRun> arms;
  try {
    std::vector<Arm> known = default_arms(machine.online_cpus);
    if (!opts.arms_file.empty()) known = merge_arms(known, read_arms_file(opts.arms_file));
    for (auto& arm : select_arms(known, opts.arms)) {
      ConfigInput input = config_input(opts.profile);
      input.overrides.insert(input.overrides.end(), arm.overrides.begin(), arm.overrides.end());
      try {
        arms.push_back({arm, prepare_run(input, machine)});
      } catch (const config::ConfigError& e) {
        throw config::ConfigError(fmt::format("arm '{}': {}", arm.name, e.what()));
      }
    }
    check_new_folder(root, id, "--id");
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend ab: invalid configuration:\n{}\n", e.what());
    return kExitUsage;
  }
  for (const auto& a : arms) {
    if (over_memory_limit(a.run.plan, machine) && !opts.force) {
      fmt::print(stderr, "zkcontend ab: arm '{}': refusing to run: the estimated peak memory exceeds {:.0f}% of "
                         "available memory:\n{}Lower workload.scale or batch.concurrency, or pass --force\n",
                 a.arm.name, harness::kMemoryLimitFraction * 100,
                 harness::format_estimate(harness::estimate_memory(a.run.plan), machine.mem_available_bytes));
      return kExitUsage;
    }
  }

  {
    // One fit for every arm, before the first run: the arms differ only in their toggles.
    std::vector<PreparedRun*> runs;
    for (auto& a : arms) runs.push_back(&a.run);
    ProgressLine fit_progress(!opts.quiet);
    try {
      apply_balance(runs, &fit_progress);
    } catch (const std::exception& e) {
      fit_progress.clear();
      fmt::print(stderr, "zkcontend ab: the balance fit failed: {}\n", e.what());
      return kExitFailure;
    }
  }
  // The A/B's folder is taken now, atomically: two A/Bs started in the same second (one default id)
  // get <id> and <id>-2 instead of mixing their runs and overwriting one ab.csv.
  fs::path dir;
  try {
    dir = harness::claim_folder(root, id, opts.id.empty());
  } catch (const std::system_error& e) {
    fmt::print(stderr, "zkcontend ab: {}\n", e.what());
    return e.code().value() == EEXIST ? kExitUsage : kExitFailure;
  }
  const std::string baseline = arms.front().arm.name;
  fmt::print("zkcontend {} ab: {} arms x {} repeats -> {}\n  base: {}\n", ZKC_VERSION, arms.size(), opts.repeats,
             dir.string(), describe_plan(arms.front().run.plan));
  fmt::print("{}", machine_notes(arms.front().run.plan));
  fmt::print("{}", harness::format_balance(arms.front().run.plan, harness::balance_numbers(arms.front().run.plan),
                                          harness::balance_triggers(arms.front().run.plan)));
  for (const auto& a : arms) {
    fmt::print("  arm {:<10} {}\n", a.arm.name, a.arm.overrides.empty() ? "(no overrides)" : fmt::format("{}", fmt::join(a.arm.overrides, " ")));
  }

  const InterruptWatch interrupt;
  std::vector<analysis::Measurement> measurements;
  std::string csv = "arm,repeat,metric,value,run\n";
  const std::size_t total = arms.size() * static_cast<std::size_t>(opts.repeats);
  std::size_t done = 0;
  bool stopped = false;
  for (int rep = 0; rep < opts.repeats && !stopped; ++rep) {
    for (const std::size_t a : run_order(arms.size(), opts.shuffle_seed, rep)) {
      if (interrupt.requested()) {
        stopped = true;
        break;
      }
      const ArmRun& arm = arms[a];
      const std::string run_id = fmt::format("{}-r{}", arm_slug(arm.arm.name), rep);
      ProgressLine progress(!opts.quiet);
      progress.step(fmt::format("[{}/{}] {} repeat {}", done + 1, total, arm.arm.name, rep));
      RunOutcome outcome;
      try {
        outcome = execute_run(arm.run, dir / "runs", run_id, &progress);
      } catch (const std::exception& e) {
        fmt::print(stderr, "zkcontend ab: arm '{}' repeat {} failed: {}\n", arm.arm.name, rep, e.what());
        if (done == 0) {
          // Nothing completed: the folder claimed above holds no run, so it goes.
          std::error_code ec;
          fs::remove_all(dir, ec);
          fmt::print(stderr, "No run completed; nothing was kept under {}.\n", root.string());
        } else {
          try {
            harness::write_text_file(dir / "ab.csv", csv);
            fmt::print(stderr, "The {} completed runs are kept in {} (ab.csv).\n", done, dir.string());
          } catch (const std::exception& w) {
            fmt::print(stderr, "The {} completed runs are kept in {}; ab.csv could not be written: {}\n", done,
                       dir.string(), w.what());
          }
        }
        return kExitFailure;
      }
      ++done;
      const std::string folder = outcome.dir.filename().string();  // run_id, unless taken meanwhile
      auto rows = analysis::metric_rows(outcome.metrics);
      rows.insert(rows.end(), outcome.extra.begin(), outcome.extra.end());
      for (const auto& r : rows) {
        if (!std::isfinite(r.value)) continue;  // not measured on this machine
        measurements.push_back({"", arm.arm.name, rep, r.name, r.value});
        csv += fmt::format("{},{},{},{},{}\n", harness::csv_field(arm.arm.name), rep, harness::csv_field(r.name),
                           r.value, harness::csv_field("runs/" + folder));
      }
      fmt::print("  [{}/{}] {:<10} r{}  s/proof {:.3f}\n", done, total, arm.arm.name, rep, outcome.metrics.s_per_proof);
    }
  }
  if (done == 0) {  // stopped before the first run finished
    std::error_code ec;
    fs::remove_all(dir, ec);
    fmt::print(stderr, "zkcontend ab: interrupted before any run completed; nothing was kept\n");
    return interrupt.exit_code();
  }
  try {
    harness::write_text_file(dir / "ab.csv", csv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend ab: ab.csv could not be written: {}\nThe completed runs are kept in {}.\n",
               e.what(), dir.string());
    return kExitFailure;
  }
  const auto summaries = analysis::summarize(measurements);
  const auto comparisons = analysis::compare_to_baseline(measurements, baseline);
  fmt::print("\n{}", format_table(summaries, comparisons, baseline));
  fmt::print("{}", balance_warning(arms.front().run.plan));
  try {
    write_reports(dir, fmt::format("A/B {}", dir.filename().string()));
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend ab: the report could not be written: {}\n", e.what());
    return kExitFailure;
  }
  fmt::print("results: {} (ab.csv, report.html, report.md)\n", dir.string());
  if (stopped) {
    fmt::print(stderr, "zkcontend ab: interrupted after {} of {} runs; the completed runs are kept\n", done, total);
    return interrupt.exit_code();
  }
  return kExitOk;
}

}  // namespace zkc::cli
