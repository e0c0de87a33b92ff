#include "harness/cli/analyze_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "analysis/ingest/log_formats.hpp"
#include "analysis/ingest/prover_log.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/report_writer.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/results/recorded_settings.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/results/summary_writer.hpp"
#include "harness/system/text_file.hpp"
#include "harness/results/timeline_csv.hpp"
#include "harness/system/input_file.hpp"

namespace zkc::cli {

namespace fs = std::filesystem;

void add_analyze_options(CLI::App& cmd, AnalyzeOptions& opts) {
  cmd.add_option("--timeline", opts.timeline,
                 "The prover's log (TIMELINE,..., CUZK_TIMING:, CUZK_NTT_H: lines and the pacer's and pinned "
                 "pool's tracing lines), or a run's timeline.csv as it is")
      ->required()
      ->check(CLI::ExistingFile);
  cmd.add_option("--partitions", opts.partitions,
                 "Partitions per proof, for logs without PROOF_* events (default: inferred from the log, the "
                 "largest partition index + 1)")
      ->check(CLI::Range(1, 1000));
  cmd.add_option("--results", opts.results_dir, "Folder for results (default: results)");
  cmd.add_option("--id", opts.id, "Name of the output folder (default: <timestamp>-analyze-<log name>)");
}

int run_analyze(const AnalyzeOptions& opts) {
  const fs::path log_path(opts.timeline);
  if (const std::string why = harness::input_file_problem(log_path); !why.empty()) {
    fmt::print(stderr, "zkcontend analyze: --timeline {}: {}\n", log_path.string(), why);
    return kExitUsage;
  }
  analysis::ProverLog log;
  try {
    log = analysis::read_prover_log(log_path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend analyze: {}\n", e.what());
    return kExitUsage;
  }
  for (const auto& issue : log.issues) fmt::print(stderr, "{}:{}: {}\n", log_path.string(), issue.line, issue.message);
  if (log.events.empty()) {
    fmt::print(stderr, "zkcontend analyze: {}: no valid TIMELINE lines among {} lines (expected "
                       "TIMELINE,<offset_ms>,<EVENT>,<job_id>,<detail>)\n",
               log_path.string(), log.lines);
    return kExitUsage;
  }
  const fs::path root(opts.results_dir);
  const std::string id =
      opts.id.empty() ? harness::make_run_id("analyze-" + log_path.stem().string()) : opts.id;
  try {
    check_new_folder(root, id, "--id");
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend analyze: {}\n", e.what());
    return kExitUsage;
  }

  fmt::print("zkcontend {} analyze: {}: {} lines, {} TIMELINE events, {} CUZK_TIMING lines, {} ignored, {} malformed\n",
             ZKC_VERSION, log_path.string(), log.lines, log.events.size(), log.timings.size(), log.ignored_lines,
             log.issues.size());
  // The other kinds of line, when the log has any (a log of the prover before them has none).
  std::string others;
  for (const analysis::LineKindInfo& k : analysis::kLineKinds)
    if (k.kind != analysis::LogIssueKind::timeline && k.kind != analysis::LogIssueKind::timing && log.*k.lines > 0)
      others += fmt::format("{}{} {}", others.empty() ? "" : ", ", log.*k.lines, k.name);
  if (!others.empty()) fmt::print("also read: {} lines\n", others);
  if (log.repeated_events > 0) fmt::print(stderr, "warning: {}\n", analysis::repeated_events_note(log));
  harness::AnalyzeRecord record{log_path.filename().string(), static_cast<std::size_t>(opts.partitions),
                                opts.partitions == 0};
  if (record.inferred)
    record.partitions_per_proof = std::max<std::size_t>(1, analysis::infer_partitions_per_proof(log.events).per_proof);
  // The log is moved into the run (a large log is held once, not twice).
  analysis::RunData run = analysis::run_data_from_log(std::move(log), id, static_cast<std::size_t>(opts.partitions));
  run.label = record.log;
  // What the terminal shows once the results are written: the run itself moves into the report.
  const std::string table = harness::format_summary_table(run.metrics, run.extra);
  const std::vector<std::string> notes = run.notes;
  try {
    harness::RunDirectory dir = harness::RunDirectory::create(root, id);
    harness::write_timeline_csv(dir.path() / "timeline.csv", run.events);  // streamed, never held whole
    harness::write_summary_csv(dir.path() / "summary.csv", run.metrics, run.extra);
    harness::write_summary_json(dir.path() / "summary.json", run.metrics, run.extra);
    // What `report` reads back instead of a config.toml: the partitions per proof counted with.
    harness::write_text_file(dir.path() / harness::kAnalyzeJson, harness::analyze_json(record));
    std::vector<analysis::RunData> runs;
    runs.push_back(std::move(run));  // moved, not copied: a long log's events and stages are held once
    write_reports_for(dir.path(), fmt::format("Prover log {}", log_path.filename().string()), std::move(runs), {});
    dir.commit();
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend analyze: could not write the results: {}\n", e.what());
    return kExitFailure;
  }
  fmt::print("\n{}", table);
  for (const auto& note : notes) fmt::print("note: {}\n", note);
  // Exactly what was written; `zkcontend report <folder>` adds trace.json, as for any results folder.
  fmt::print("results: {} (timeline.csv, summary.csv, summary.json, {}, report.html, report.md)\n",
             (root / id).string(), harness::kAnalyzeJson);
  return kExitOk;
}

}  // namespace zkc::cli
