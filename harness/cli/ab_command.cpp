#include "harness/cli/ab_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "analysis/explain/attribution.hpp"
#include "analysis/explain/attribution_tables.hpp"
#include "analysis/report/table.hpp"
#include "analysis/report/verdict.hpp"
#include "analysis/stats/arm_stats.hpp"
#include "harness/balance/balance_report.hpp"
#include "harness/cli/ab_order.hpp"
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

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

struct ArmRun {
  Arm arm;
  PreparedRun run;
  std::optional<PreparedRun> isolation;  // --isolation: the arm at c=1 j=1
};

// The isolation settings appended after everything else, so they win over -c/-j and --set.
const std::vector<std::string> kIsolationOverrides = {"batch.count=1", "batch.concurrency=1"};

// The arm holding all three interventions, for Expected Results: --after when given (it must be an
// arm being run), else the first arm whose overrides include every override of the default I1+I2+I3
// arm. Returns (arm, how it was found); ("", why not) when none does.
std::pair<std::string, std::string> after_arm(const std::vector<ArmRun>& arms, const std::string& after,
                                              unsigned cpus) {
  if (!after.empty()) {
    const bool known = std::any_of(arms.begin(), arms.end(), [&](const ArmRun& a) { return a.arm.name == after; });
    if (!known) {
      std::vector<std::string> names;
      for (const auto& a : arms) names.push_back(a.arm.name);
      throw config::ConfigError(
          fmt::format("--after '{}': not an arm of this A/B (arms: {})", after, fmt::join(names, ", ")));
    }
    return {after, "chosen with --after"};
  }
  std::vector<std::string> reference;
  for (const auto& a : default_arms(cpus))
    if (a.name == "I1+I2+I3") reference = a.overrides;
  for (const auto& a : arms) {
    const auto& o = a.arm.overrides;
    const bool holds = !reference.empty() && std::all_of(reference.begin(), reference.end(), [&](const std::string& r) {
      return std::find(o.begin(), o.end(), r) != o.end();
    });
    if (holds) return {a.arm.name, fmt::format("its overrides include I1+I2+I3's ({})", fmt::join(reference, " "))};
  }
  return {"", ""};
}

// The baseline arm's fit, judged by its verifying pilot (isolation): one warning naming every number
// off by more than the tolerance. Empty when all hold.
std::vector<std::string> balance_warnings(const harness::RunPlan& plan) {
  const std::string off = harness::off_numbers(harness::pilot_numbers(plan));
  std::vector<std::string> numbers;
  std::size_t start = 0;
  while (start < off.size()) {
    std::size_t end = off.find('\n', start);
    if (end == std::string::npos) end = off.size();
    std::string line = off.substr(start, end - start);
    while (!line.empty() && line.front() == ' ') line.erase(line.begin());
    if (!line.empty()) numbers.push_back(line);
    start = end + 1;
  }
  if (numbers.empty()) return {};
  return {fmt::format("the baseline's balance fit is off (isolation pilot), so this miniature's shape differs from "
                      "the seed's there; read the arms' differences with care: {}",
                      fmt::join(numbers, "; "))};
}

nlohmann::json ab_json(const std::vector<ArmRun>& arms, const std::string& baseline, OrderMode mode,
                       std::uint64_t seed, const std::vector<std::vector<std::string>>& rounds,
                       const std::vector<std::string>& warmup, const std::pair<std::string, std::string>& after,
                       const std::vector<std::string>& warnings,
                       const std::vector<std::pair<std::string, std::string>>& isolation) {
  nlohmann::json j;
  j["baseline"] = baseline;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& a : arms) list.push_back({{"name", a.arm.name}, {"overrides", a.arm.overrides}});
  j["arms"] = list;
  j["order"] = {{"mode", std::string(to_string(mode))}, {"seed", seed}, {"rounds", rounds}};
  j["warmup"] = warmup;
  j["after"] = after.first.empty() ? nlohmann::json(nullptr)
                                   : nlohmann::json{{"arm", after.first}, {"how", after.second}};
  j["warnings"] = warnings;
  nlohmann::json iso = nlohmann::json::array();
  for (const auto& [arm, run] : isolation) iso.push_back({{"arm", arm}, {"run", run}});
  if (!isolation.empty()) j["isolation"] = iso;
  return j;
}

}  // namespace

void add_ab_options(CLI::App& cmd, AbOptions& opts) {
  add_profile_options(cmd, opts.profile);
  cmd.add_option("--arms", opts.arms, "Arms to run, by name (default: all)")->delimiter(',');
  cmd.add_option("--arms-file", opts.arms_file, "TOML file of [arms.<name>] override tables")->check(CLI::ExistingFile);
  cmd.add_option("--repeats", opts.repeats, "Runs per arm")->check(CLI::Range(1, 1000));
  cmd.add_option("--order", opts.order,
                 "Arm order per round: balanced (rotations of a seeded permutation, default), random (a seeded "
                 "shuffle per round) or fixed (as declared)")
      ->check(CLI::IsMember({"balanced", "random", "fixed"}));
  cmd.add_option("--order-seed", opts.order_seed, "Seed of the arm order (default: fresh; printed and in ab.json)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 62));
  cmd.add_option("--warmup", opts.warmup, "Runs of the first arm before the first measured one, discarded (default 1)")
      ->check(CLI::Range(0, 10));
  cmd.add_option("--after", opts.after,
                 "The arm Expected Results compares with the baseline (default: the arm whose overrides hold "
                 "I1+I2+I3's)");
  cmd.add_option("--results", opts.results_dir, "Folder for results (default: results)");
  cmd.add_option("--id", opts.id, "Name of the A/B folder (default: <timestamp>-ab)");
  cmd.add_flag("--isolation", opts.isolation,
               "Also run each arm at c=1 j=1 once per round (isolation/, outside the statistics): the reference "
               "`explain` and the report divide each stage's inflation against");
  cmd.add_flag("-q,--quiet", opts.quiet, "No progress line");
  cmd.add_flag("--force", opts.force, "Run even when an arm's memory estimate exceeds 90% of available memory");
}

int run_ab(const AbOptions& opts) {
  const harness::MachineFacts machine = machine_facts();
  const fs::path root(opts.results_dir);
  const std::string id = opts.id.empty() ? harness::make_run_id("ab") : opts.id;
  std::vector<ArmRun> arms;
  std::pair<std::string, std::string> after;
  try {
    std::vector<Arm> known = default_arms(machine.online_cpus);
    if (!opts.arms_file.empty()) known = merge_arms(known, read_arms_file(opts.arms_file));
    for (auto& arm : select_arms(known, opts.arms)) {
      ConfigInput input = config_input(opts.profile);
      input.overrides.insert(input.overrides.end(), arm.overrides.begin(), arm.overrides.end());
      try {
        arms.push_back({arm, prepare_run(input, machine), std::nullopt});
        if (opts.isolation) {
          input.overrides.insert(input.overrides.end(), kIsolationOverrides.begin(), kIsolationOverrides.end());
          arms.back().isolation = prepare_run(input, machine);
        }
      } catch (const config::ConfigError& e) {
        throw config::ConfigError(fmt::format("arm '{}': {}", arm.name, e.what()));
      }
    }
    after = after_arm(arms, opts.after, machine.online_cpus);
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
    for (auto& a : arms) {
      runs.push_back(&a.run);
      if (a.isolation) runs.push_back(&*a.isolation);
    }
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
  const OrderMode mode = parse_order_mode(opts.order).value_or(OrderMode::kBalanced);
  const std::uint64_t seed = opts.order_seed >= 0 ? static_cast<std::uint64_t>(opts.order_seed) : fresh_order_seed();
  const std::vector<std::string> warnings = balance_warnings(arms.front().run.plan);
  fmt::print("zkcontend {} ab: {} arms x {} repeats -> {}\n  base: {}\n", ZKC_VERSION, arms.size(), opts.repeats,
             dir.string(), describe_plan(arms.front().run.plan));
  fmt::print("{}", machine_notes(arms.front().run.plan));
  fmt::print("{}", harness::format_balance(arms.front().run.plan, harness::balance_numbers(arms.front().run.plan),
                                          harness::balance_triggers(arms.front().run.plan)));
  for (const auto& a : arms) {
    fmt::print("  arm {:<10} {}\n", a.arm.name, a.arm.overrides.empty() ? "(no overrides)" : fmt::format("{}", fmt::join(a.arm.overrides, " ")));
  }
  fmt::print("  order {} (seed {}; --order-seed {} repeats it), {} warm-up run{} discarded; Expected Results after: {}\n",
             to_string(mode), seed, seed, opts.warmup, opts.warmup == 1 ? "" : "s",
             after.first.empty() ? "none (no arm holds I1+I2+I3; --after ARM)" : after.first);

  if (opts.isolation)
    fmt::print("  isolation every arm at c=1 j=1 after each round, into isolation/ (outside the statistics)\n");
  const InterruptWatch interrupt;
  std::vector<analysis::Measurement> measurements;
  std::string csv = "arm,repeat,metric,value,run\n";
  const std::size_t total = arms.size() * static_cast<std::size_t>(opts.repeats);
  std::size_t done = 0;
  bool stopped = false;
  std::vector<std::vector<std::string>> rounds;
  std::vector<std::string> warmup_runs;
  std::vector<std::pair<std::string, std::string>> isolation_runs;  // (arm, "isolation/<folder>")
  const auto fail = [&](const std::string& what, const std::exception& e) {
    fmt::print(stderr, "zkcontend ab: {} failed: {}\n", what, e.what());
    if (done == 0) {
      // Nothing completed: the folder claimed above holds no measured run, so it goes.
      std::error_code ec;
      fs::remove_all(dir, ec);
      fmt::print(stderr, "No run completed; nothing was kept under {}.\n", root.string());
      return kExitFailure;
    }
    try {
      harness::write_text_file(dir / "ab.csv", csv);
      fmt::print(stderr, "The {} completed runs are kept in {} (ab.csv).\n", done, dir.string());
    } catch (const std::exception& w) {
      fmt::print(stderr, "The {} completed runs are kept in {}; ab.csv could not be written: {}\n", done,
                 dir.string(), w.what());
    }
    return kExitFailure;
  };
  // Warm-up: the first arm of the first round, into warmup/ (not runs/: no report or statistic reads
  // it), so the first measured run does not pay for cold caches, page tables and CPU frequency.
  const std::vector<std::size_t> first_round = round_order(arms.size(), mode, seed, 0, opts.repeats);
  for (int w = 0; w < opts.warmup && !interrupt.requested(); ++w) {
    const ArmRun& arm = arms[first_round.front()];
    const std::string run_id = fmt::format("{}-w{}", arm_slug(arm.arm.name), w);
    ProgressLine progress(!opts.quiet);
    progress.step(fmt::format("warm-up {} ({}, discarded)", w + 1, arm.arm.name));
    try {
      const RunOutcome outcome = execute_run(arm.run, dir / "warmup", run_id, &progress);
      fmt::print("  warm-up    {:<10} w{}  s/proof {:.3f} (discarded)\n", arm.arm.name, w, outcome.metrics.s_per_proof);
    } catch (const std::exception& e) {
      return fail(fmt::format("warm-up run {} of arm '{}'", w, arm.arm.name), e);
    }
    warmup_runs.push_back("warmup/" + run_id);
  }
  for (int rep = 0; rep < opts.repeats && !stopped; ++rep) {
    rounds.emplace_back();
    // The round's measured runs, then its isolation runs in the same arm order, so drift over the
    // A/B reaches both alike.
    const std::vector<std::size_t> order = round_order(arms.size(), mode, seed, rep, opts.repeats);
    std::vector<std::pair<std::size_t, bool>> round;  // (arm, isolation)
    for (const std::size_t a : order) round.emplace_back(a, false);
    for (const std::size_t a : order)
      if (arms[a].isolation) round.emplace_back(a, true);
    for (const auto& [a, isolation] : round) {
      if (interrupt.requested()) {
        stopped = true;
        break;
      }
      const ArmRun& arm = arms[a];
      const std::string run_id = fmt::format("{}-r{}", arm_slug(arm.arm.name), rep);
      ProgressLine progress(!opts.quiet);
      progress.step(isolation ? fmt::format("isolation {} repeat {}", arm.arm.name, rep)
                              : fmt::format("[{}/{}] {} repeat {}", done + 1, total, arm.arm.name, rep));
      RunOutcome outcome;
      try {
        outcome = execute_run(isolation ? *arm.isolation : arm.run, dir / (isolation ? "isolation" : "runs"), run_id,
                              &progress);
      } catch (const std::exception& e) {
        return fail(fmt::format("{}arm '{}' repeat {}", isolation ? "isolation run of " : "", arm.arm.name, rep), e);
      }
      const std::string folder = outcome.dir.filename().string();  // run_id, unless taken meanwhile
      if (isolation) {  // explain's reference, outside ab.csv and the statistics
        isolation_runs.emplace_back(arm.arm.name, "isolation/" + folder);
        fmt::print("  isolation  {:<10} r{}  s/proof {:.3f}\n", arm.arm.name, rep, outcome.metrics.s_per_proof);
        continue;
      }
      ++done;
      rounds.back().push_back(arm.arm.name);
      auto rows = analysis::metric_rows(outcome.metrics);
      rows.insert(rows.end(), outcome.extra.begin(), outcome.extra.end());
      for (const auto& r : rows) {
        if (!std::isfinite(r.value)) continue;  // not measured on this machine
        measurements.push_back({"", arm.arm.name, rep, r.name, r.value, "runs/" + folder});
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
  analysis::ReportInput report;
  try {
    harness::write_text_file(dir / "ab.csv", csv);
    harness::write_text_file(
        dir / "ab.json", ab_json(arms, baseline, mode, seed, rounds, warmup_runs, after, warnings, isolation_runs).dump(2) + "\n");
    report = write_reports(dir, fmt::format("A/B {}", dir.filename().string()));
  } catch (const std::exception& e) {
    fmt::print(stderr, "zkcontend ab: the results or reports could not be written: {}\n", e.what());
    return kExitFailure;
  }
  // The same numbers as the report's: computed from what was just written and read back.
  const analysis::Verdict verdict = analysis::compute_verdict(report);
  fmt::print("\n{}", analysis::text_table(verdict.family));
  fmt::print("\nVerdict\n");
  for (const auto& line : verdict.headline) fmt::print("  {}\n", line);
  fmt::print("\n{}\nMechanism evidence per arm\n{}", analysis::text_table(verdict.ranking),
             analysis::text_table(verdict.mechanism));
  if (!report.isolation.empty()) {
    const auto causes = analysis::causes_by_arm(analysis::attribute(analysis::explain_groups(report)), baseline);
    if (!causes.empty())
      fmt::print("What each arm changed, by cause (`zkcontend explain {}` for every stage)\n{}", dir.string(),
                 analysis::text_table(analysis::causes_table(causes, baseline)));
  }
  for (const auto& w : verdict.warnings) fmt::print("warning: {}\n", w);
  fmt::print("results: {} (ab.csv, ab.json, report.html, report.md)\n", dir.string());
  if (stopped) {
    fmt::print(stderr, "zkcontend ab: interrupted after {} of {} runs; the completed runs are kept\n", done, total);
    return interrupt.exit_code();
  }
  return kExitOk;
}

}  // namespace zkc::cli
