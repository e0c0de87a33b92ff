#include "harness/cli/sweep_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <map>

#include "harness/balance/balance_fit.hpp"
#include "harness/cli/ab_command.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/arms.hpp"
#include "harness/cli/interrupt_watch.hpp"
#include "harness/cli/progress_line.hpp"
#include "harness/cli/report_writer.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/cli/sweep_spec.hpp"
#include "harness/config/config_writer.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/results/csv.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/results/text_file.hpp"
#include "harness/system/text_hash.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

struct PlannedRun {
  const SweepPoint* point;
  std::string arm;
  int repeat;
  PreparedRun run;
  std::string folder;  // runs/<folder>
};

// One row per completed run: point, arm, repeat, run, the varied keys, then every metric.
void write_sweep_csv(const fs::path& dir, const SweepSpec& spec, const std::vector<PlannedRun>& runs) {
  std::vector<std::string> metrics;
  std::vector<std::pair<const PlannedRun*, std::map<std::string, double>>> rows;
  for (const auto& r : runs) {
    const fs::path folder = dir / "runs" / r.folder;
    if (!harness::is_run_folder(folder)) continue;
    std::map<std::string, double> values;
    for (const auto& m : harness::read_summary_csv(folder / "summary.csv")) {
      if (std::find(metrics.begin(), metrics.end(), m.name) == metrics.end()) metrics.push_back(m.name);
      values[m.name] = m.value;
    }
    rows.emplace_back(&r, std::move(values));
  }
  if (rows.empty()) return;  // no run completed: nothing to table (and maybe no folder to put it in)
  std::string out = "point,arm,repeat,run";
  for (const auto& k : spec.varied_keys) out += "," + harness::csv_field(k);
  for (const auto& m : metrics) out += "," + harness::csv_field(m);
  out += '\n';
  for (const auto& [r, values] : rows) {
    out += fmt::format("{},{},{},{}", harness::csv_field(r->point->label), harness::csv_field(r->arm), r->repeat,
                       harness::csv_field("runs/" + r->folder));
    for (const auto& k : spec.varied_keys) {
      std::string v;
      for (const auto& [sk, sv] : r->point->settings) {
        if (sk == k) v = sv;
      }
      out += "," + harness::csv_field(v);
    }
    for (const auto& m : metrics) {
      const auto it = values.find(m);
      out += ",";
      if (it != values.end() && std::isfinite(it->second)) out += fmt::format("{}", it->second);
    }
    out += '\n';
  }
  harness::write_text_file(dir / "sweep.csv", out);
}

}  // namespace

std::string run_identity(const config::Config& resolved, int repeat) {
  std::string text;
  for (const auto& [key, setting] : resolved.settings()) text += key + "=" + config::toml_value(setting.value) + "\n";
  text += fmt::format("repeat={}\n", repeat);
  return fmt::format("{:016x}", harness::fnv1a(text));
}

void add_sweep_options(CLI::App& cmd, SweepOptions& opts) {
  cmd.add_option("--spec", opts.spec, "Sweep spec TOML (configs/sweeps/*.toml)")->required()->check(CLI::ExistingFile);
  cmd.add_option("--set", opts.overrides, "Override a key for every run, after the spec (repeatable)");
  cmd.add_option("--results", opts.results_dir, "Folder for results (default: results)");
  cmd.add_option("--id", opts.id, "Name of the sweep folder (default: sweep-<name>; the same id resumes)");
  cmd.add_flag("-q,--quiet", opts.quiet, "No progress line");
  cmd.add_flag("--force", opts.force, "Run even when a run's memory estimate exceeds 90% of available memory");
  cmd.add_flag("--dry-run", opts.dry_run, "List the runs and which are already done; run nothing");
}

int run_sweep(const SweepOptions& opts) {
  const harness::MachineFacts machine = machine_facts();
  const fs::path root(opts.results_dir);
  SweepSpec spec;
  std::vector<Arm> arms;
  std::vector<PlannedRun> planned;
  std::string id;
  try {
    spec = read_sweep_spec(opts.spec);
    id = opts.id.empty() ? "sweep-" + arm_slug(spec.name) : opts.id;
    check_run_id(id);
    arms = select_arms(merge_arms(default_arms(machine.online_cpus), spec.extra_arms), spec.arms);
    const std::size_t total = spec.points.size() * arms.size() * static_cast<std::size_t>(spec.repeats);
    if (total > kMaxSweepRuns) {
      throw config::ConfigError(fmt::format("{}: {} points x {} arms x {} repeats = {} runs; at most {} runs per "
                                            "sweep: split it into several specs",
                                            opts.spec, spec.points.size(), arms.size(), spec.repeats, total,
                                            kMaxSweepRuns));
    }
    // Every run is prepared (and so validated) before the first one starts; a large grid says so.
    if (spec.points.size() * arms.size() > 50) {
      fmt::print(stderr, "zkcontend sweep: preparing {} points x {} arms = {} configurations ({} runs)...\n",
                 spec.points.size(), arms.size(), spec.points.size() * arms.size(), total);
    }
    for (const auto& point : spec.points) {
      for (const auto& arm : arms) {
        ConfigInput input{spec.profile, spec.overrides};
        for (const auto& [k, v] : point.settings) input.overrides.push_back(k + "=" + v);
        input.overrides.insert(input.overrides.end(), arm.overrides.begin(), arm.overrides.end());
        input.overrides.insert(input.overrides.end(), opts.overrides.begin(), opts.overrides.end());
        PreparedRun run;
        try {
          run = prepare_run(input, machine);
        } catch (const config::ConfigError& e) {
          throw config::ConfigError(fmt::format("point '{}', arm '{}': {}", point.label, arm.name, e.what()));
        }
        for (int rep = 0; rep < spec.repeats; ++rep) {
          const std::string folder = fmt::format("{}-{}-r{}", run_identity(run.config, rep), arm_slug(arm.name), rep);
          planned.push_back({&point, arm.name, rep, run, folder});
        }
      }
    }
    check_results_root(root);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend sweep: invalid sweep:\n{}\n", e.what());
    return kExitUsage;
  }
  for (const auto& r : planned) {
    if (over_memory_limit(r.run.plan, machine) && !opts.force) {
      fmt::print(stderr, "zkcontend sweep: point '{}', arm '{}': refusing to run: the estimated peak memory "
                         "exceeds {:.0f}% of available memory:\n{}Lower workload.scale, or pass --force\n",
                 r.point->label, r.arm, harness::kMemoryLimitFraction * 100,
                 harness::format_estimate(harness::estimate_memory(r.run.plan), machine.mem_available_bytes));
      return kExitUsage;
    }
  }

  const fs::path dir = root / id;
  std::size_t already = 0;
  for (const auto& r : planned) already += harness::is_run_folder(dir / "runs" / r.folder) ? 1 : 0;
  fmt::print("zkcontend {} sweep '{}': {} points x {} arms x {} repeats = {} runs, {} already done -> {}\n",
             ZKC_VERSION, spec.name, spec.points.size(), arms.size(), spec.repeats, planned.size(), already,
             dir.string());
  if (!planned.empty()) fmt::print("{}", machine_notes(planned.front().run.plan));
  if (opts.dry_run) {
    for (const auto& r : planned) {
      fmt::print("  {:<5} {:<24} {:<10} r{}  runs/{}\n",
                 harness::is_run_folder(dir / "runs" / r.folder) ? "done" : "todo", r.point->label, r.arm, r.repeat,
                 r.folder);
    }
    return kExitOk;
  }
  harness::remove_stale_temp_dirs(dir / "runs");
  {
    // One fit per set of points whose first arm fits alike (points that differ only in c and j share
    // one), applied to every arm of those points: isolation and load then run the same miniature.
    std::map<std::string, std::vector<PreparedRun*>> groups;
    std::map<const SweepPoint*, std::string> key_of_point;
    for (auto& r : planned) {
      if (!r.run.plan.balance_seed) continue;
      auto [it, fresh] = key_of_point.try_emplace(r.point, "");
      if (fresh) it->second = harness::fit_key(r.run.plan);
      groups[it->second].push_back(&r.run);
    }
    ProgressLine fit_progress(!opts.quiet);
    try {
      for (auto& [key, runs] : groups) apply_balance(runs, &fit_progress);
    } catch (const std::exception& e) {
      fit_progress.clear();
      fmt::print(stderr, "zkcontend sweep: the balance fit failed: {}\n", e.what());
      return kExitFailure;
    }
  }

  const InterruptWatch interrupt;
  std::size_t done = already;
  bool stopped = false;
  for (const auto& r : planned) {
    if (harness::is_run_folder(dir / "runs" / r.folder)) continue;
    if (interrupt.requested()) {
      stopped = true;
      break;
    }
    ProgressLine progress(!opts.quiet);
    progress.step(fmt::format("[{}/{}] {} {} r{}", done + 1, planned.size(), r.point->label, r.arm, r.repeat));
    try {
      const RunOutcome outcome = execute_run(r.run, dir / "runs", r.folder, &progress);
      ++done;
      fmt::print("  [{}/{}] {:<24} {:<10} r{}  s/proof {:.3f}\n", done, planned.size(), r.point->label, r.arm,
                 r.repeat, outcome.metrics.s_per_proof);
    } catch (const std::exception& e) {
      fmt::print(stderr, "zkcontend sweep: point '{}', arm '{}', repeat {} failed: {}\n", r.point->label, r.arm,
                 r.repeat, e.what());
      // The runs that completed stay tabled; a failure to write that table must not hide the run's own
      // failure (nor abort: this is already the error path).
      try {
        write_sweep_csv(dir, spec, planned);
      } catch (const std::exception& w) {
        fmt::print(stderr, "zkcontend sweep: could not write sweep.csv: {}\n", w.what());
      }
      if (done == 0) {
        std::error_code ec;  // the folders the failed run may have made, if empty (remove() keeps a non-empty one)
        fs::remove(dir / "runs", ec);
        fs::remove(dir, ec);
        fmt::print(stderr, "No run of this sweep has completed; nothing was kept under {}.\n", dir.string());
      } else {
        fmt::print(stderr, "The {} completed runs are kept in {}; run the same command again to resume.\n", done,
                   dir.string());
      }
      return kExitFailure;
    }
  }
  try {
    write_sweep_csv(dir, spec, planned);
    write_reports(dir, fmt::format("Sweep {}", spec.name));
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend sweep: could not write sweep.csv or the reports: {}\n", e.what());
    return kExitFailure;
  }
  fmt::print("results: {} (sweep.csv, report.html, report.md)\n", dir.string());
  if (stopped) {
    fmt::print(stderr, "zkcontend sweep: interrupted after {} of {} runs; run the same command again to resume\n",
               done, planned.size());
    return interrupt.exit_code();
  }
  return kExitOk;
}

}  // namespace zkc::cli
