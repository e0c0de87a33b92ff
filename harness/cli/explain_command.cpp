#include "harness/cli/explain_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "analysis/explain/attribution.hpp"
#include "analysis/explain/attribution_tables.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/finite_range.hpp"
#include "harness/cli/report_writer.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/system/text_file.hpp"
#include "model/experiment.hpp"

namespace zkc::cli {

namespace fs = std::filesystem;

void add_explain_options(CLI::App& cmd, ExplainOptions& opts) {
  cmd.add_option("dir", opts.dir, "A results folder: one run, an A/B (ab --isolation) or a sweep (with c=1 j=1)")
      ->required()
      ->check(CLI::ExistingDirectory);
  cmd.add_option("--reference", opts.reference,
                 "A run folder (c=1 j=1) to divide every arm's inflation against, instead of the folder's own")
      ->check(CLI::ExistingDirectory);
  cmd.add_option("--min-ms", opts.min_ms, "Leave out of the table stages under this many ms per row (default 1)")
      ->check(finite_range(0.0, 1e9));
}

namespace {

// The stages.csv files missing among the runs explain would read (the folder's and the reference).
std::vector<std::string> runs_without_stages(const fs::path& dir, const analysis::ReportInput& input,
                                             const analysis::RunData* reference, const std::string& reference_dir) {
  std::vector<std::string> out;
  const auto folders = run_folders(dir);
  for (std::size_t i = 0; i < input.runs.size() && i < folders.size(); ++i)
    if (input.runs[i].stages.empty()) out.push_back((folders[i] / "stages.csv").string());
  for (const auto& iso : input.isolation)
    if (iso.run.stages.empty()) out.push_back(fmt::format("isolation run {} stages.csv", iso.run.id));
  if (reference != nullptr && reference->stages.empty()) out.push_back((fs::path(reference_dir) / "stages.csv").string());
  return out;
}

// Arms that ab.csv / sweep.csv list but none of whose runs is in the folder any more: said, not dropped
// silently.
std::vector<std::string> dropped_arms(const analysis::ReportInput& input) {
  std::map<std::string, std::pair<std::size_t, std::size_t>> per_arm;  // arm -> (runs listed, runs present)
  std::set<std::string> present;
  for (const auto& r : input.runs) present.insert(r.id);
  std::set<std::string> counted;
  for (const auto& m : input.measurements) {
    if (m.run.empty() || !counted.insert(m.run).second) continue;
    auto& [listed, found] = per_arm[m.arm];
    ++listed;
    found += present.contains(m.run.substr(m.run.find_last_of('/') + 1)) ? 1 : 0;
  }
  std::vector<std::string> out;
  for (const auto& [arm, n] : per_arm)
    if (n.second == 0)
      out.push_back(fmt::format("arm {}: none of its {} run{} listed in the folder's table is there any more: left out",
                                arm, n.first, n.first == 1 ? "" : "s"));
  return out;
}

}  // namespace

int run_explain(const ExplainOptions& opts) {
  const fs::path dir(opts.dir);
  if (!opts.reference.empty() && !harness::is_run_folder(opts.reference)) {
    fmt::print(stderr, "zkcontend explain: --reference {}: not a run folder (timeline.csv and summary.csv)\n",
               opts.reference);
    return kExitUsage;
  }
  analysis::ReportInput input;
  analysis::RunData reference;
  try {
    input = read_report_input(dir, dir.filename().string());
    if (!opts.reference.empty()) reference = harness::load_run(opts.reference);
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend explain: {}\n", e.what());
    return kExitUsage;  // a damaged input file, named in the message
  }
  if (!opts.reference.empty()) {
    // The reference divides inflation: a loaded run would hide the very contention being explained.
    const auto cj = model::concurrency_in(reference.config);
    if (!cj || !model::is_isolation(*cj)) {
      fmt::print(stderr, "zkcontend explain: --reference {}: a {} run; accepted: a c=1 j=1 run (the isolation "
                         "reference each stage's inflation is divided against)\n",
                 opts.reference, model::concurrency_label(reference.config));
      return kExitUsage;
    }
  }
  for (const auto& w : dropped_arms(input)) fmt::print(stderr, "warning: {}\n", w);
  analysis::ExplainGroups groups = analysis::explain_groups(input);
  if (!opts.reference.empty()) {
    groups.reference.clear();
    groups.missing.clear();
    for (const auto& g : groups.loaded)  // one reference per arm
      if (std::none_of(groups.reference.begin(), groups.reference.end(),
                       [&](const analysis::RunGroup& r) { return r.arm == g.arm; }))
        groups.reference.push_back({"reference " + reference.id, g.arm, {&reference}});
  }
  const auto rows = analysis::attribute(groups);
  if (rows.empty()) {
    // A run without stages.csv has nothing to attribute: name the file rather than blame the reference.
    const auto no_stages = runs_without_stages(dir, input, opts.reference.empty() ? nullptr : &reference,
                                               opts.reference);
    if (!no_stages.empty()) {
      fmt::print(stderr, "zkcontend explain: {}: missing (each run's stage spans; a run writes it); nothing to "
                         "attribute\n",
                 fmt::join(no_stages, ", "));
      return kExitUsage;
    }
    std::error_code ec;
    if (opts.reference.empty() && fs::is_directory(dir / "isolation", ec) && !fs::exists(dir / "ab.json", ec)) {
      fmt::print(stderr, "zkcontend explain: {}: missing (it lists the isolation runs under {}); pass --reference "
                         "<one of them> instead\n",
                 (dir / "ab.json").string(), (dir / "isolation").string());
      return kExitUsage;
    }
    fmt::print(stderr, "zkcontend explain: {}: no isolation reference to divide the inflation against.\n", dir.string());
    for (const auto& m : groups.missing) fmt::print(stderr, "  {}\n", m);
    fmt::print(stderr, "Run `zkcontend ab --isolation`, a sweep with a c=1 j=1 point (`sweep --isolation` adds one), "
                       "or pass --reference <run folder of a c=1 j=1 run>.\n");
    return kExitUsage;
  }
  try {
    harness::remove_stale_temp_files(dir);  // an explain or report killed hard left its temporary here
    harness::write_text_file(dir / "attribution.csv", analysis::attribution_csv(rows));
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend explain: {}\n", e.what());
    return kExitFailure;
  }
  fmt::print("zkcontend explain: {}: each stage against its isolation reference ({} rows)\n\n{}", dir.string(),
             rows.size(), analysis::text_table(analysis::attribution_table(rows, opts.min_ms)));
  for (const auto& m : groups.missing) fmt::print("note: {}\n", m);
  const auto causes = analysis::causes_by_arm(rows, input.baseline_arm);
  if (!causes.empty())
    fmt::print("\nWhat each arm changed, by cause\n{}", analysis::text_table(analysis::causes_table(causes, input.baseline_arm)));
  fmt::print("attribution: {}\n", (dir / "attribution.csv").string());
  return kExitOk;
}

}  // namespace zkc::cli
