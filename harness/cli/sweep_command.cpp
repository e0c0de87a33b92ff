#include "harness/cli/sweep_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

#include "harness/balance/balance_fit.hpp"
#include "harness/cli/ab_command.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/arms.hpp"
#include "harness/cli/interrupt_watch.hpp"
#include "harness/cli/progress_line.hpp"
#include "harness/cli/report_writer.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/cli/slurm_script.hpp"
#include "harness/cli/sweep_collect.hpp"
#include "harness/cli/sweep_csv.hpp"
#include "harness/cli/sweep_plan.hpp"
#include "harness/cli/sweep_shard.hpp"
#include "harness/cli/sweep_spec.hpp"
#include "harness/config/config_writer.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/system/text_hash.hpp"
#include "model/experiment.hpp"

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

// Leftovers of runs killed hard (a clean failure removes its own). A shard removes only its own runs'
// (`.tmp-<folder>-<pid>`): in a folder shared by shards, the others are other machines' runs in
// progress, whose pids say nothing on this one.
void remove_stale_temp_dirs(const fs::path& runs, const std::vector<PlannedRun>& planned, bool sharded) {
  if (!sharded) {
    harness::remove_stale_temp_dirs(runs);
    return;
  }
  std::set<std::string, std::less<>> own;
  for (const auto& r : planned) own.insert(r.folder);
  harness::remove_stale_temp_dirs(runs, [&](std::string_view id) { return own.contains(id); });
}

std::string absolute_text(const fs::path& p) { return fs::weakly_canonical(fs::absolute(p)).string(); }

int print_slurm(const SweepOptions& opts, const SweepSpec& spec, const std::string& id,
                const std::vector<SweepRequest>& requests) {
  if (opts.results_dir.empty()) {
    fmt::print(stderr, "zkcontend sweep: --slurm needs --results: a folder on a path every node of the job sees\n");
    return kExitUsage;
  }
  SlurmScriptInput in;
  try {
    check_results_root(opts.results_dir);
    in.results = absolute_text(opts.results_dir);
    if (in.results.find_first_of(" \t\n") != std::string::npos) {
      throw config::ConfigError(fmt::format("--results {}: accepted: a path without white space (#SBATCH --output "
                                            "cannot quote it)", in.results));
    }
    fs::create_directories(fs::path(in.results) / id);  // where the tasks' output files go
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend sweep: {}\n", e.what());
    return kExitUsage;
  } catch (const fs::filesystem_error& e) {
    fmt::print(stderr, "zkcontend sweep: --results: {}\n", e.what());
    return kExitUsage;
  }
  in.sweep_name = spec.name;
  in.tasks = opts.slurm;
  in.configurations = requests.size();
  in.runs = requests.size() * static_cast<std::size_t>(spec.repeats);
  in.workdir = fs::current_path().string();
  in.binary = fs::read_symlink("/proc/self/exe").string();
  in.spec = absolute_text(opts.spec);
  in.id = id;
  in.overrides = opts.overrides;
  in.isolation = opts.isolation;
  // One GPU per task unless no run can use one.
  in.gpu = std::any_of(requests.begin(), requests.end(),
                       [](const SweepRequest& r) { return load_input(r.input).get_string("gpu.backend") != "sim"; });
  if (static_cast<std::size_t>(opts.slurm) > requests.size()) {
    fmt::print(stderr, "zkcontend sweep: note: {} tasks for {} configurations: tasks {}..{} will have nothing to run\n",
               opts.slurm, requests.size(), requests.size() + 1, opts.slurm);
  }
  fmt::print("{}", slurm_script(in));
  return kExitOk;
}

// sweep.csv and the reports from the runs of the spec found under <dir>/runs. `require_all`: write
// nothing and exit 1 when any is missing. Prints what was refused, duplicated or is missing.
int collect_and_report(const fs::path& dir, const SweepSpec& spec, const std::vector<SweepRequest>& requests,
                       const std::vector<std::string>& cli_overrides, bool require_all, bool dry_run) {
  const Collection c = collect_runs(dir / "runs", spec, cli_overrides, requests);
  const std::size_t total = requests.size() * static_cast<std::size_t>(spec.repeats);
  std::set<std::string> hosts;
  for (const auto& r : c.runs) hosts.insert(r.host.empty() ? "(unknown)" : r.host);
  fmt::print("collected {} of {} runs from {} host{}{}{}{}\n", c.runs.size(), total, hosts.size(),
             hosts.size() == 1 ? "" : "s", c.missing.empty() ? "" : fmt::format(", {} missing", c.missing.size()),
             c.refused.empty() ? "" : fmt::format(", {} refused", c.refused.size()),
             c.duplicates.empty() ? "" : fmt::format(", {} duplicate", c.duplicates.size()));
  for (const auto& [folder, why] : c.refused) fmt::print(stderr, "  refused   runs/{}: {}\n", folder, why);
  for (const auto& [folder, kept] : c.duplicates)
    fmt::print(stderr, "  duplicate runs/{}: the same run as runs/{}, which is used\n", folder, kept);
  for (const auto& [req, rep] : c.missing) {
    fmt::print(stderr, "  missing   {:<24} {:<10} r{}\n", spec.points[requests[req].point].label, requests[req].arm.name,
               rep);
  }
  if (dry_run) return kExitOk;
  if (c.runs.empty()) {
    fmt::print(stderr, "zkcontend sweep: no finished run of this sweep under {}\n", (dir / "runs").string());
    return kExitFailure;
  }
  if (!c.missing.empty() && require_all) {
    fmt::print(stderr, "zkcontend sweep: {} of {} runs are missing; nothing written (run the missing shards, or "
                       "pass --partial to write sweep.csv and the reports from the runs present)\n",
               c.missing.size(), total);
    return kExitFailure;
  }
  std::vector<SweepCsvRow> rows;
  for (const auto& r : c.runs) {
    const SweepRequest& q = requests[r.request];
    rows.push_back({spec.points[q.point].label, q.arm.name, r.repeat, "runs/" + r.folder, spec.points[q.point].settings,
                    r.host});
  }
  try {
    write_sweep_csv(dir, spec.varied_keys, rows);
    write_reports(dir, c.missing.empty() ? fmt::format("Sweep {}", spec.name)
                                         : fmt::format("Sweep {} (partial: {} of {} runs)", spec.name, c.runs.size(),
                                                       total));
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend sweep: could not write sweep.csv or the reports: {}\n", e.what());
    return kExitFailure;
  }
  fmt::print("results: {} (sweep.csv, report.html, report.md)\n", dir.string());
  return kExitOk;
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
  // A callback rather than a plain string, so that an empty value (`--shard "$SHARD"` with $SHARD unset)
  // is told apart from no --shard at all and refused instead of running every run.
  auto* shard = cmd.add_option_function<std::string>("--shard", [&opts](const std::string& v) { opts.shard = v; },
                               "Run only shard K of N (K/N, 1-based): a split of the configurations that every "
                               "machine computes alike; sweep.csv and the reports are left to --collect");
  auto* collect = cmd.add_flag("--collect", opts.collect,
                               "Run nothing: build sweep.csv and the reports from every finished run of the spec "
                               "under the sweep folder (any shard, any machine); exit 1 when runs are missing");
  cmd.add_flag("--partial", opts.partial, "With --collect: write them from the runs present even when some are missing")
      ->needs(collect);
  auto* slurm = cmd.add_option("--slurm", opts.slurm,
                               "Run nothing: print an sbatch script running the sweep as a job array of N shards "
                               "(needs --results on a shared path)")
                    ->check(CLI::Range(1, kMaxShards));
  shard->excludes(collect)->excludes(slurm);
  collect->excludes(slurm);
  cmd.add_flag("--isolation", opts.isolation,
               "Add a c=1 j=1 point for every arm unless the spec has one: the reference `explain` divides each "
               "stage's inflation against");
}

namespace {

// The spec read and checked, its run id, and the configurations it asks for.
struct SweepSetup {
  SweepSpec spec;
  std::string id;
  std::vector<SweepRequest> requests;
};

// Throws config::ConfigError.
SweepSetup read_setup(const SweepOptions& opts, const harness::MachineFacts& machine) {
  SweepSetup s;
  s.spec = read_sweep_spec(opts.spec);
  if (opts.isolation)
    for (const auto& o : opts.overrides)
      if (model::sets_concurrency(o))
        throw config::ConfigError(fmt::format("--set {} with --isolation: the isolation point must keep c=1 j=1; "
                                              "set batch.count and batch.concurrency in the spec's points instead",
                                              o));
  if (opts.isolation && add_isolation_point(s.spec))
    fmt::print("zkcontend sweep: --isolation: added the point {} for every arm\n", s.spec.points.front().label);
  s.id = opts.id.empty() ? "sweep-" + arm_slug(s.spec.name) : opts.id;
  check_run_id(s.id);
  const std::vector<Arm> arms = sweep_arms(s.spec, machine.online_cpus);
  const std::size_t total = s.spec.points.size() * arms.size() * static_cast<std::size_t>(s.spec.repeats);
  if (total > kMaxSweepRuns) {
    throw config::ConfigError(fmt::format("{}: {} points x {} arms x {} repeats = {} runs; at most {} runs per "
                                          "sweep: split it into several specs",
                                          opts.spec, s.spec.points.size(), arms.size(), s.spec.repeats, total,
                                          kMaxSweepRuns));
  }
  s.requests = sweep_requests(s.spec, arms, opts.overrides);
  return s;
}

std::size_t arms_per_point(const SweepSetup& s) {
  return s.requests.size() / std::max<std::size_t>(1, s.spec.points.size());
}

std::size_t total_runs(const SweepSetup& s) {
  return s.requests.size() * static_cast<std::size_t>(s.spec.repeats);
}

// The runs of this shard. Every configuration is prepared (and so validated) before the first run
// starts, in every shard alike. Throws config::ConfigError.
// `modelled`: each configuration resolved on the machine it models (`model --sweep`).
std::vector<PlannedRun> plan_runs(const SweepSetup& s, const Shard& shard, const harness::MachineFacts& machine,
                                  bool modelled) {
  const std::vector<int> shard_of_request = shard_of(s.requests, shard.count);
  if (s.requests.size() > 50) {  // a large grid takes a while to prepare: say so
    fmt::print(stderr, "zkcontend sweep: preparing {} points x {} arms = {} configurations ({} runs)...\n",
               s.spec.points.size(), arms_per_point(s), s.requests.size(), total_runs(s));
  }
  std::vector<PlannedRun> planned;
  for (std::size_t i = 0; i < s.requests.size(); ++i) {
    const SweepRequest& q = s.requests[i];
    PreparedRun run;
    try {
      run = modelled ? prepare_modelled_run(q.input) : prepare_run(q.input, machine);
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(
          fmt::format("point '{}', arm '{}': {}", s.spec.points[q.point].label, q.arm.name, e.what()));
    }
    if (shard_of_request[i] != shard.index) continue;
    for (int rep = 0; rep < s.spec.repeats; ++rep) {
      const std::string folder = fmt::format("{}-{}-r{}", run_identity(run.config, rep), arm_slug(q.arm.name), rep);
      planned.push_back({&s.spec.points[q.point], q.arm.name, rep, run, folder});
    }
  }
  return planned;
}

// Whether a run's memory estimate is too high to start (unless --force); prints which.
bool refuse_over_memory(const std::vector<PlannedRun>& planned, const harness::MachineFacts& machine, bool force) {
  for (const auto& r : planned) {
    if (over_memory_limit(r.run.plan, machine) && !force) {
      fmt::print(stderr, "zkcontend sweep: point '{}', arm '{}': refusing to run: the estimated peak memory "
                         "exceeds {:.0f}% of available memory:\n{}Lower workload.scale, or pass --force\n",
                 r.point->label, r.arm, harness::kMemoryLimitFraction * 100,
                 harness::format_estimate(harness::estimate_memory(r.run.plan), machine.mem_available_bytes));
      return true;
    }
  }
  return false;
}

void print_header(const SweepSetup& s, const std::vector<PlannedRun>& planned, const std::optional<Shard>& shard,
                  std::size_t already, const fs::path& dir) {
  if (shard) {
    fmt::print("zkcontend {} sweep '{}' shard {}/{}: {} of {} configurations x {} repeats = {} of {} runs, {} already "
               "done -> {}\n",
               ZKC_VERSION, s.spec.name, shard->index, shard->count,
               planned.size() / static_cast<std::size_t>(s.spec.repeats), s.requests.size(), s.spec.repeats,
               planned.size(), total_runs(s), already, dir.string());
  } else {
    fmt::print("zkcontend {} sweep '{}': {} points x {} arms x {} repeats = {} runs, {} already done -> {}\n",
               ZKC_VERSION, s.spec.name, s.spec.points.size(), arms_per_point(s), s.spec.repeats, planned.size(),
               already, dir.string());
  }
  if (!planned.empty()) fmt::print("{}", machine_notes(planned.front().run.plan));
}

// One fit per set of points whose first arm fits alike (points that differ only in c and j share
// one), applied to every arm of those points: isolation and load then run the same miniature.
bool fit_planned(std::vector<PlannedRun>& planned, bool quiet) {
  std::map<std::string, std::vector<PreparedRun*>> groups;
  std::map<const SweepPoint*, std::string> key_of_point;
  for (auto& r : planned) {
    if (!r.run.plan.balance_seed) continue;
    auto [it, fresh] = key_of_point.try_emplace(r.point, "");
    if (fresh) it->second = harness::fit_key(r.run.plan);
    groups[it->second].push_back(&r.run);
  }
  std::vector<std::vector<PreparedRun*>> fits;
  for (auto& [key, runs] : groups) fits.push_back(runs);
  return fit_groups(fits, quiet, "sweep");
}

struct RunTally {
  std::size_t done = 0;  // with the runs done before this command
  bool stopped = false;  // by a signal
  bool failed = false;
};

// Runs the planned runs not done yet, in order, until one fails or a signal comes.
RunTally run_planned(const fs::path& dir, const std::vector<PlannedRun>& planned, std::size_t already, bool quiet,
                     const InterruptWatch& interrupt) {
  RunTally t{already};
  for (const auto& r : planned) {
    if (harness::is_run_folder(dir / "runs" / r.folder)) continue;
    if (interrupt.requested()) {
      t.stopped = true;
      break;
    }
    ProgressLine progress(!quiet);
    progress.step(fmt::format("[{}/{}] {} {} r{}", t.done + 1, planned.size(), r.point->label, r.arm, r.repeat));
    try {
      const RunOutcome outcome = execute_run(r.run, dir / "runs", r.folder, &progress);
      ++t.done;
      fmt::print("  [{}/{}] {:<24} {:<10} r{}  s/proof {:.3f}\n", t.done, planned.size(), r.point->label, r.arm,
                 r.repeat, outcome.metrics.s_per_proof);
    } catch (const std::exception& e) {
      fmt::print(stderr, "zkcontend sweep: point '{}', arm '{}', repeat {} failed: {}\n", r.point->label, r.arm,
                 r.repeat, e.what());
      t.failed = true;
      break;
    }
  }
  return t;
}

// A shard's end: other shards may be writing into the same folder, so the tables are --collect's,
// once all are done.
void print_shard_end(const SweepOptions& opts, const Shard& shard, const fs::path& root, const std::string& id,
                     const fs::path& dir, const RunTally& t, std::size_t planned) {
  fmt::print("shard {}/{}: {} of {} runs done in {}\n", shard.index, shard.count, t.done, planned,
             (dir / "runs").string());
  if (t.failed || t.stopped) return;
  std::string flags;
  for (const auto& o : opts.overrides) flags += " --set " + shell_quote(o);
  if (opts.isolation) flags += " --isolation";
  fmt::print("when every shard has finished: zkcontend sweep --spec {} --results {} --id {}{} --collect\n",
             shell_quote(opts.spec), shell_quote(root.string()), shell_quote(id), flags);
}

int report_failure(const fs::path& dir, std::size_t done, bool sharded) {
  if (done == 0) {
    // The folders the failed run may have made, if empty: remove() keeps a non-empty one (in a folder
    // shared by shards, the other shards' runs).
    std::error_code ec;
    fs::remove(dir / "runs", ec);
    fs::remove(dir, ec);
    if (sharded)
      fmt::print(stderr, "No run of this shard has completed; it kept nothing under {}.\n", dir.string());
    else
      fmt::print(stderr, "No run of this sweep has completed; nothing was kept under {}.\n", dir.string());
  } else {
    fmt::print(stderr, "The {} completed runs are kept in {}; run the same command again to resume.\n", done,
               dir.string());
  }
  return kExitFailure;
}

}  // namespace

int run_sweep(const SweepOptions& opts) {
  const harness::MachineFacts machine = machine_facts();
  const fs::path root(opts.results_dir.empty() ? "results" : opts.results_dir);
  SweepSetup setup;
  try {
    setup = read_setup(opts, machine);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend sweep: invalid sweep:\n{}\n", e.what());
    return kExitUsage;
  }
  const SweepSpec& spec = setup.spec;  // the planned runs point into it: it stays put from here on
  if (opts.slurm > 0) return print_slurm(opts, spec, setup.id, setup.requests);
  const fs::path dir = root / setup.id;
  if (opts.collect) {
    fmt::print("zkcontend {} sweep '{}' collect: {} points x {} arms x {} repeats = {} runs <- {}\n", ZKC_VERSION,
               spec.name, spec.points.size(), arms_per_point(setup), spec.repeats, total_runs(setup), dir.string());
    return collect_and_report(dir, spec, setup.requests, opts.overrides, !opts.partial, opts.dry_run);
  }
  Shard shard;
  std::vector<PlannedRun> planned;
  try {
    if (opts.shard) shard = parse_shard(*opts.shard);
    planned = plan_runs(setup, shard, machine, opts.virtual_backend.has_value());
    for (auto& r : planned) r.run.virtual_backend = opts.virtual_backend;  // `model --sweep`
    check_results_root(root);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend sweep: invalid sweep:\n{}\n", e.what());
    return kExitUsage;
  }
  // In virtual time nothing is allocated here and no miniature is fitted.
  if (!opts.virtual_backend && refuse_over_memory(planned, machine, opts.force)) return kExitUsage;

  const bool sharded = opts.shard.has_value();
  std::size_t already = 0;
  for (const auto& r : planned) already += harness::is_run_folder(dir / "runs" / r.folder) ? 1 : 0;
  print_header(setup, planned, sharded ? std::optional<Shard>(shard) : std::nullopt, already, dir);
  if (opts.dry_run) {
    for (const auto& r : planned) {
      fmt::print("  {:<5} {:<24} {:<10} r{}  runs/{}\n",
                 harness::is_run_folder(dir / "runs" / r.folder) ? "done" : "todo", r.point->label, r.arm, r.repeat,
                 r.folder);
    }
    return kExitOk;
  }
  remove_stale_temp_dirs(dir / "runs", planned, sharded);
  if (!opts.virtual_backend && !fit_planned(planned, opts.quiet)) return kExitFailure;

  const InterruptWatch interrupt;
  const RunTally tally = run_planned(dir, planned, already, opts.quiet, interrupt);
  if (sharded) {
    print_shard_end(opts, shard, root, setup.id, dir, tally, planned.size());
  } else if (tally.done > 0) {
    // The runs that completed are tabled even after a failure or Ctrl-C.
    const int rc =
        collect_and_report(dir, spec, setup.requests, opts.overrides, /*require_all=*/false, /*dry_run=*/false);
    if (rc != kExitOk && !tally.failed && !tally.stopped) return rc;
  }
  if (tally.failed) return report_failure(dir, tally.done, sharded);
  if (tally.stopped) {
    fmt::print(stderr, "zkcontend sweep: interrupted after {} of {} runs; run the same command again to resume\n",
               tally.done, planned.size());
    return interrupt.exit_code();
  }
  return kExitOk;
}

}  // namespace zkc::cli
