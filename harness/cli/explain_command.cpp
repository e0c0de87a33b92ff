#include "harness/cli/explain_command.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "analysis/explain/attribution.hpp"
#include "analysis/explain/attribution_tables.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/report_writer.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/results/text_file.hpp"

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
      ->check(CLI::Range(0.0, 1e9));
}

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
    fmt::print(stderr, "zkcontend explain: {}: no isolation reference to divide the inflation against.\n", dir.string());
    for (const auto& m : groups.missing) fmt::print(stderr, "  {}\n", m);
    fmt::print(stderr, "Run `zkcontend ab --isolation`, a sweep with a c=1 j=1 point (`sweep --isolation` adds one), "
                       "or pass --reference <run folder of a c=1 j=1 run>.\n");
    return kExitUsage;
  }
  try {
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
