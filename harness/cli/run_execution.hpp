// What `run`, `ab` and `sweep` share: loading a profile into a validated plan, the memory check, and
// executing one plan into a complete results folder (written to a temporary folder, renamed when
// complete: a failed run leaves nothing).
#pragma once

#include <CLI/CLI.hpp>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/cli/progress_line.hpp"
#include "harness/cli/virtual_backend.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/system/noise_sample.hpp"

namespace zkc::cli {

// Where a configuration comes from: files in order (none: the embedded default profile), then
// overrides ("key=value", in order).
struct ConfigInput {
  std::vector<std::string> files;
  std::vector<std::string> overrides;
};

struct PreparedRun {
  config::Config config;  // with the plan's automatic values recorded (set_resolved)
  harness::RunPlan plan;
  // Set: execute_run runs the batch in virtual time (virtual_backend.hpp) instead of on this machine.
  std::optional<VirtualSpec> virtual_backend;
};

harness::MachineFacts machine_facts();
// The configuration as requested, before this machine resolves anything (ConfigError when invalid).
config::Config load_input(const ConfigInput& input);
// Throws config::ConfigError (exit code 2) for any invalid input.
PreparedRun prepare_run(const ConfigInput& input, const harness::MachineFacts& machine);
// One line: c, j, P, pw, gw, gt, scale, sizes, balance, interventions, GPU backend.
std::string describe_plan(const harness::RunPlan& plan);
// What this machine lacks that the plan would measure, and how to get it, one "note: ..." line each
// (tracefs unmounted: no tlb_flush per reason); "" when nothing. For the run, ab and sweep headers.
std::string machine_notes(const harness::RunPlan& plan);
// workload.balance = seed: obtains one fit for the first run's plan (fit cache or a few seconds of
// measuring, shown on `progress`) and applies the same sizes to every run given, so the arms of an
// A/B or a sweep point differ only in what they toggle. Uniform runs are left as they are.
void apply_balance(const std::vector<PreparedRun*>& runs, ProgressLine* progress);
// apply_balance for each group of runs (a sweep fits once per group of points that fit alike), with
// a progress line unless `quiet`; a failed fit is printed as "zkcontend <command>: the balance fit
// failed: ..." and returns false (the caller exits with kExitFailure).
bool fit_groups(const std::vector<std::vector<PreparedRun*>>& groups, bool quiet, std::string_view command);
// Creates the results root if needed; ConfigError when it cannot be created or written.
void check_results_root(const std::filesystem::path& root);
// ConfigError unless `run_id` is a plain folder name.
void check_run_id(const std::string& run_id);
// The checks before writing <root>/<id>/: a plain name, a usable root, no such folder yet.
// ConfigError naming `option` (e.g. "--id") otherwise.
void check_new_folder(const std::filesystem::path& root, const std::string& id, const std::string& option);

// The configuration options a command shares: --config F (repeatable), --set k=v (repeatable) and,
// for commands that run a batch, -c / -j.
struct ProfileOptions {
  std::vector<std::string> files;
  std::vector<std::string> overrides;
  int count = 0;        // -c, 0 = from the configuration
  int concurrency = 0;  // -j, 0 = from the configuration
};
void add_profile_options(CLI::App& cmd, ProfileOptions& opts, bool with_batch = true);
// Files, then --set, then -c / -j (so they win over both).
ConfigInput config_input(const ProfileOptions& opts);

// True when the plan's estimated peak memory exceeds the refusal threshold (90% of available).
bool over_memory_limit(const harness::RunPlan& plan, const harness::MachineFacts& machine);

struct RunOutcome {
  analysis::RunMetrics metrics;
  std::vector<analysis::MetricRow> extra;  // peak RSS, counters, ...: summary rows beyond metrics
  std::filesystem::path dir;               // the committed results folder
  std::string balance;                     // the balance table, achieved values filled in
  harness::NoiseReading noise;             // what else used the machine during the batch
  std::optional<VirtualPrediction> prediction;  // a virtual run's prediction (model.json's source)
};

// Runs the plan and writes <root>/<run_id>/ (<run_id>-2 ... when another run took the name meanwhile:
// said on stderr, and RunOutcome::dir is where it went). Throws what the run throws (nothing is
// written then) and std::system_error when the results cannot be written. `progress` may be null.
RunOutcome execute_run(const PreparedRun& run, const std::filesystem::path& root, const std::string& run_id,
                       ProgressLine* progress);

// What execute_run does once the engine returned, for any backend that produced an EngineResult (the
// virtual one too): the metrics, the results files, `write_more` (extra files, may be empty), then the
// folder committed. `peak_rss_mib` NaN when unknown.
RunOutcome commit_results(const PreparedRun& run, harness::RunDirectory& dir, const harness::EngineResult& result,
                          double engine_ms, double peak_rss_mib,
                          const std::function<void(const std::filesystem::path&)>& write_more);

}  // namespace zkc::cli
