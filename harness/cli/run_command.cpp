#include "harness/cli/run_command.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>

#include "harness/balance/balance_report.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/progress_line.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/results/summary_writer.hpp"

namespace zkc::cli {

namespace fs = std::filesystem;

void add_run_options(CLI::App& cmd, RunOptions& opts) {
  add_profile_options(cmd, opts.profile);
  cmd.add_flag("--force", opts.force, "Run even when the memory estimate exceeds 90% of available memory");
  cmd.add_flag("--dry-run", opts.dry_run, "Print the plan and the memory estimate, run nothing");
  cmd.add_flag("-q,--quiet", opts.quiet, "No progress line");
  cmd.add_option("--results", opts.results_dir, "Folder for run results (default: results)");
  cmd.add_option("--run-id", opts.run_id, "Name of the run's folder (default: <timestamp>-c<c>j<j>)");
}

int run_run(const RunOptions& opts) {
  const harness::MachineFacts machine = machine_facts();
  const ConfigInput input = config_input(opts.profile);
  PreparedRun run;
  try {
    run = prepare_run(input, machine);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend run: invalid configuration:\n{}\n", e.what());
    return kExitUsage;
  }
  const harness::RunPlan& plan = run.plan;
  if (!opts.dry_run && !over_memory_limit(plan, machine) && !fit_groups({{&run}}, opts.quiet, "run"))
    return kExitFailure;
  fmt::print("zkcontend {} run: {}\n{}", ZKC_VERSION, describe_plan(plan), machine_notes(plan));
  if (!opts.dry_run) {
    fmt::print("{}", harness::format_balance(plan, harness::balance_numbers(plan), harness::balance_triggers(plan)));
  }
  const bool too_big = over_memory_limit(plan, machine);
  if (opts.dry_run || too_big) {
    fmt::print("memory estimate:\n{}",
               harness::format_estimate(harness::estimate_memory(plan), machine.mem_available_bytes));
  }
  std::fflush(stdout);  // the breakdown before the refusal, also when both go to one pipe
  if (too_big && !opts.force) {
    fmt::print(stderr,
               "zkcontend run: refusing to run: the estimated peak memory exceeds {:.0f}% of available memory "
               "(breakdown above); lower workload.scale, batch.concurrency or synthesis.partition_workers, or "
               "pass --force\n",
               harness::kMemoryLimitFraction * 100);
    return kExitUsage;
  }
  if (opts.dry_run) return kExitOk;

  const fs::path root(opts.results_dir);
  const std::string run_id =
      opts.run_id.empty() ? harness::make_run_id(fmt::format("c{}j{}", plan.proofs, plan.concurrency)) : opts.run_id;
  try {
    check_new_folder(root, run_id, "--run-id");
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend run: {}\n", e.what());
    return kExitUsage;
  }

  harness::remove_stale_temp_dirs(root);  // what runs killed hard left; a live run's stays
  ProgressLine progress(!opts.quiet);
  RunOutcome outcome;
  try {
    outcome = execute_run(run, root, run_id, &progress);
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend run: the run failed: {}\nNothing was written under {}.\n", e.what(), root.string());
    return kExitFailure;
  }
  fmt::print("\n{}\n{}results: {}\n", harness::format_summary_table(outcome.metrics, outcome.extra), outcome.balance,
             outcome.dir.string());
  return kExitOk;
}

}  // namespace zkc::cli
