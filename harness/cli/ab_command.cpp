#include "harness/cli/ab_command.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>

#include <nlohmann/json.hpp>

#include "analysis/explain/attribution.hpp"
#include "analysis/explain/attribution_tables.hpp"
#include "model/metric_catalog.hpp"
#include "analysis/present/table.hpp"
#include "analysis/report/verdict.hpp"
#include "analysis/stats/arm_stats.hpp"
#include "analysis/stats/disturbed_rounds.hpp"
#include "analysis/stats/primary_endpoint.hpp"
#include "harness/balance/balance_report.hpp"
#include "harness/cli/ab_design.hpp"
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
#include "harness/system/text_file.hpp"
#include "model/experiment.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

struct ArmRun {
  Arm arm;
  PreparedRun run;
  std::optional<PreparedRun> isolation;  // --isolation: the arm at c=1 j=1
};

// The arm holding every intervention, for Expected Results: --after when given (it must be an arm
// being run), else the first arm whose overrides include every override of all_interventions_arm
// (I1+I2+I3). Returns (arm, how it was found); ("", why not) when none does.
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
  const Arm all = all_interventions_arm(cpus);
  const std::vector<std::string>& reference = all.overrides;
  for (const auto& a : arms) {
    const auto& o = a.arm.overrides;
    const bool holds = !reference.empty() && std::all_of(reference.begin(), reference.end(), [&](const std::string& r) {
      return std::find(o.begin(), o.end(), r) != o.end();
    });
    if (holds) return {a.arm.name, fmt::format("its overrides include {}'s ({})", all.name, fmt::join(reference, " "))};
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

// The measured runs so far, in the long format of ab.csv, and the file's text.
struct AbRecord {
  std::vector<analysis::Measurement> measurements;
  std::string csv = "arm,repeat,metric,value,run\n";
  std::size_t runs = 0;
  double run_seconds = 0;  // wall time of the measured runs, for the budget's next-round estimate

  void add(const std::string& arm, int round, const RunOutcome& outcome, const std::string& folder, double seconds) {
    ++runs;
    run_seconds += seconds;
    auto rows = analysis::metric_rows(outcome.metrics);
    rows.insert(rows.end(), outcome.extra.begin(), outcome.extra.end());
    rows.push_back(analysis::metric_row("run_wall_s", seconds));
    for (const auto& r : rows) {
      if (!std::isfinite(r.value)) continue;  // not measured on this machine
      measurements.push_back({"", arm, round, r.name, r.value, "runs/" + folder});
      csv += fmt::format("{},{},{},{},{}\n", harness::csv_field(arm), round, harness::csv_field(r.name), r.value,
                         harness::csv_field("runs/" + folder));
    }
  }
};

// The arms a sequential round still runs: the baseline and every arm the rule has not decided.
std::vector<bool> undecided_arms(const std::vector<ArmRun>& arms,
                                 const std::vector<analysis::PrimaryDecision>& decisions) {
  std::vector<bool> active(arms.size(), true);
  for (const auto& d : decisions)
    if (d.decision.answer != analysis::Answer::kUndecided)
      for (std::size_t a = 0; a < arms.size(); ++a)
        if (arms[a].arm.name == d.arm) active[a] = false;
  return active;
}

// An A/B stopped by a signal keeps its runs and is marked interrupted; `ab` does not resume it (its
// sequential rule and order are decided round by round), so the same --id again says so rather than
// a bare "already exists".
void check_interrupted_folder(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_regular_file(dir / "ab.json", ec)) return;
  const auto j = nlohmann::json::parse(harness::read_text_file(dir / "ab.json"), nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.value("interrupted", false)) return;
  throw config::ConfigError(fmt::format("--id {}: {} holds an A/B that was interrupted (ab.json: \"interrupted\": "
                                        "true; its report says so); an A/B is not resumed: pass another --id to "
                                        "start a new one",
                                        dir.filename().string(), dir.string()));
}

// The arms of this A/B, prepared (and so validated), its design, and the arm Expected Results compares.
struct AbArms {
  AbDesign design;
  std::vector<ArmRun> arms;
  std::pair<std::string, std::string> after;
};

// The arms asked for and, with --controls, the control arms after them.
std::vector<Arm> selected_arms(const AbOptions& opts, const AbDesign& design, unsigned cpus) {
  std::vector<Arm> known = default_arms(cpus);
  if (!opts.arms_file.empty()) known = merge_arms(known, read_arms_file(opts.arms_file));
  std::vector<Arm> selected = select_arms(known, opts.arms);
  for (const Arm& control : control_arms(selected.front(), design)) {
    if (std::any_of(selected.begin(), selected.end(), [&](const Arm& a) { return a.name == control.name; }))
      throw config::ConfigError(fmt::format("--controls adds an arm named '{}': an arm of this A/B has that name",
                                            control.name));
    selected.push_back(control);
  }
  return selected;
}

ArmRun prepare_arm(const Arm& arm, const AbOptions& opts, const harness::MachineFacts& machine) {
  ConfigInput input = config_input(opts.profile);
  input.overrides.insert(input.overrides.end(), arm.overrides.begin(), arm.overrides.end());
  try {
    ArmRun prepared{arm, prepare_run(input, machine), std::nullopt};
    if (opts.isolation) {
      // Appended after everything else, so they win over -c/-j and --set.
      for (std::string& o : model::isolation_overrides()) input.overrides.push_back(std::move(o));
      prepared.isolation = prepare_run(input, machine);
    }
    return prepared;
  } catch (const config::ConfigError& e) {
    throw config::ConfigError(fmt::format("arm '{}': {}", arm.name, e.what()));
  }
}

// Everything checked before anything runs; throws config::ConfigError.
AbArms prepare_ab(const AbOptions& opts, const harness::MachineFacts& machine, const fs::path& root,
                  const std::string& id) {
  AbArms ab;
  ab.design = make_ab_design(opts.design);
  for (const Arm& arm : selected_arms(opts, ab.design, machine.online_cpus))
    ab.arms.push_back(prepare_arm(arm, opts, machine));
  fit_design_to_arms(ab.design, ab.arms.size() - 1 - ab.design.primary.controls.size(), !opts.design.budget.empty());
  ab.after = after_arm(ab.arms, opts.after, machine.online_cpus);
  check_interrupted_folder(root / id);
  check_new_folder(root, id, "--id");
  return ab;
}

// Whether an arm's memory estimate is too high to start (unless --force); prints which.
bool refuse_over_memory(const std::vector<ArmRun>& arms, const harness::MachineFacts& machine, bool force) {
  for (const auto& a : arms) {
    if (over_memory_limit(a.run.plan, machine) && !force) {
      fmt::print(stderr, "zkcontend ab: arm '{}': refusing to run: the estimated peak memory exceeds {:.0f}% of "
                         "available memory:\n{}Lower workload.scale or batch.concurrency, or pass --force\n",
                 a.arm.name, harness::kMemoryLimitFraction * 100,
                 harness::format_estimate(harness::estimate_memory(a.run.plan), machine.mem_available_bytes));
      return true;
    }
  }
  return false;
}

// One fit for every arm, before the first run: the arms differ only in their toggles.
bool fit_arms(std::vector<ArmRun>& arms, bool quiet) {
  std::vector<PreparedRun*> runs;
  for (auto& a : arms) {
    runs.push_back(&a.run);
    if (a.isolation) runs.push_back(&*a.isolation);
  }
  return fit_groups({runs}, quiet, "ab");
}

// One A/B from its claimed folder on: the warm-up, the rounds until the design stops, the results.
// Returns nullopt where the A/B goes on, an exit code where it ends.
class AbSession {
 public:
  AbSession(const AbOptions& opts, AbArms ab, fs::path root, fs::path dir,
            std::chrono::steady_clock::time_point started)
      : opts_(opts), arms_(std::move(ab.arms)), design_(std::move(ab.design)), after_(std::move(ab.after)),
        root_(std::move(root)), dir_(std::move(dir)), started_(started), baseline_(arms_.front().arm.name),
        family_(arms_.size() - 1 - design_.primary.controls.size()),
        mode_(parse_order_mode(opts.order).value_or(OrderMode::kBalanced)),
        seed_(opts.order_seed >= 0 ? static_cast<std::uint64_t>(opts.order_seed) : fresh_order_seed()),
        warnings_(balance_warnings(arms_.front().run.plan)),
        // The balanced order's cycle: a fixed design's rounds, or a sequential one's full rotation.
        cycle_(design_.sequential() ? static_cast<int>(arms_.size()) : design_.fixed_rounds) {}

  void print_header() const {
    const harness::RunPlan& base = arms_.front().run.plan;
    fmt::print("zkcontend {} ab: {} arms, {} -> {}\n  base: {}\n", ZKC_VERSION, arms_.size(),
               design_.sequential() ? "rounds until decided" : fmt::format("{} rounds", design_.fixed_rounds),
               dir_.string(), describe_plan(base));
    fmt::print("{}", machine_notes(base));
    fmt::print("{}", harness::format_balance(base, harness::balance_numbers(base), harness::balance_triggers(base)));
    for (const auto& a : arms_) {
      fmt::print("  arm {:<10} {}\n", a.arm.name, a.arm.overrides.empty() ? "(no overrides)" : fmt::format("{}", fmt::join(a.arm.overrides, " ")));
    }
    fmt::print("{}", design_line(design_, family_));
    for (const auto& c : design_.primary.controls)
      fmt::print("  control {:<11} {}: expected {}\n", c.arm, c.what, analysis::to_string(c.expect));
    fmt::print("  order {} (seed {}; --order-seed {} repeats it), {} warm-up run{} discarded; Expected Results after: {}\n",
               to_string(mode_), seed_, seed_, opts_.warmup, opts_.warmup == 1 ? "" : "s",
               after_.first.empty() ? fmt::format("none (no arm holds {}; --after ARM)", all_interventions_arm(1).name)
                                    : after_.first);
    if (opts_.isolation)
      fmt::print("  isolation every arm at c=1 j=1 after each round, into isolation/ (outside the statistics)\n");
  }

  int run(const InterruptWatch& interrupt) {
    if (const auto rc = warm_up(interrupt)) return *rc;
    for (int rep = 0; !stopped_; ++rep) {
      const std::optional<std::vector<bool>> active = round_arms(rep);
      if (!active) break;
      if (const auto rc = run_round(rep, *active, interrupt)) return *rc;
      // Once per round: which arms the next round still runs, and the status line.
      decisions_ = analysis::decide_primary(record_.measurements, baseline_, design_.primary);
      if (design_.sequential() && !stopped_) fmt::print("{}", round_status_line(decisions_, design_, rep, elapsed_s()));
      const auto disturbed = analysis::disturbed_rounds(record_.measurements, analysis::primary_metric(), "");
      if (!disturbed.empty() && disturbed.back().round == rep)
        fmt::print("  round {:<3} not counted: every run {:.0f}% slower than the rounds before (a host burst; label-blind, "
                   "so no arm's ratio is biased)\n",
                   rep + 1, disturbed.back().level_change_pct);
    }
    return finish(interrupt);
  }

 private:
  double elapsed_s() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(); }

  // A run failed: the completed runs are kept (ab.csv), or the folder goes when there are none.
  int fail(const std::string& what, const std::exception& e) {
    fmt::print(stderr, "zkcontend ab: {} failed: {}\n", what, e.what());
    if (done_ == 0) {
      // Nothing completed: the folder claimed above holds no measured run, so it goes.
      std::error_code ec;
      fs::remove_all(dir_, ec);
      fmt::print(stderr, "No run completed; nothing was kept under {}.\n", root_.string());
      return kExitFailure;
    }
    try {
      harness::write_text_file(dir_ / "ab.csv", record_.csv);
      fmt::print(stderr, "The {} completed runs are kept in {} (ab.csv).\n", done_, dir_.string());
    } catch (const std::exception& w) {
      fmt::print(stderr, "The {} completed runs are kept in {}; ab.csv could not be written: {}\n", done_,
                 dir_.string(), w.what());
    }
    return kExitFailure;
  }

  // The first arm of the first round, into warmup/ (not runs/: no report or statistic reads it), so
  // the first measured run does not pay for cold caches, page tables and CPU frequency.
  std::optional<int> warm_up(const InterruptWatch& interrupt) {
    const std::vector<std::size_t> first_round = round_order(arms_.size(), mode_, seed_, 0, cycle_);
    for (int w = 0; w < opts_.warmup && !interrupt.requested(); ++w) {
      const ArmRun& arm = arms_[first_round.front()];
      const std::string run_id = fmt::format("{}-w{}", arm_slug(arm.arm.name), w);
      ProgressLine progress(!opts_.quiet);
      progress.step(fmt::format("warm-up {} ({}, discarded)", w + 1, arm.arm.name));
      try {
        const RunOutcome outcome = execute_run(arm.run, dir_ / "warmup", run_id, &progress);
        fmt::print("  warm-up    {:<10} w{}  s/proof {:.3f} (discarded)\n", arm.arm.name, w, outcome.metrics.s_per_proof);
      } catch (const std::exception& e) {
        return fail(fmt::format("warm-up run {} of arm '{}'", w, arm.arm.name), e);
      }
      warmup_runs_.push_back("warmup/" + run_id);
    }
    return std::nullopt;
  }

  // Which arms round `rep` runs; nullopt, with the reason in stop_reason_, when the design stops.
  std::optional<std::vector<bool>> round_arms(int rep) {
    if (!design_.sequential()) {
      if (rep == design_.fixed_rounds) {
        stop_reason_ = fmt::format("fixed design: {} rounds", design_.fixed_rounds);
        return std::nullopt;
      }
      return std::vector<bool>(arms_.size(), true);
    }
    std::vector<bool> active = undecided_arms(arms_, decisions_);
    const auto runs_next = static_cast<double>(std::count(active.begin(), active.end(), true) - 1 +
                                               static_cast<std::ptrdiff_t>(design_.primary.baseline_runs));
    const double per_run = record_.runs == 0 ? 0 : record_.run_seconds / static_cast<double>(record_.runs);
    if (std::count(active.begin(), active.end(), true) == 1) {
      stop_reason_ = "every arm decided";
      return std::nullopt;
    }
    if (rep == design_.max_rounds) {
      stop_reason_ = fmt::format("--max-rounds {} reached", design_.max_rounds);
      return std::nullopt;
    }
    if (rep > 0 && elapsed_s() + runs_next * per_run * (opts_.isolation ? 2 : 1) > design_.budget_s) {
      stop_reason_ = fmt::format("budget spent: {:.0f} s of {:.0f} s, and the next round would need ~{:.0f} s",
                                 elapsed_s(), design_.budget_s, runs_next * per_run);
      return std::nullopt;
    }
    return active;
  }

  // The round's measured runs, then its isolation runs in the same arm order, so drift over the A/B
  // reaches both alike. Stops early on a signal.
  std::optional<int> run_round(int rep, const std::vector<bool>& active, const InterruptWatch& interrupt) {
    rounds_.emplace_back();
    std::vector<std::pair<std::size_t, bool>> round;  // (arm, isolation)
    const std::vector<std::size_t> order = round_order(arms_.size(), mode_, seed_, rep, cycle_);
    std::vector<std::size_t> measured;
    for (const std::size_t a : order)
      if (active[a]) measured.push_back(a);
    for (const std::size_t a : with_baseline_runs(measured, 0, design_.primary.baseline_runs)) round.emplace_back(a, false);
    for (const std::size_t a : order)
      if (active[a] && arms_[a].isolation) round.emplace_back(a, true);
    std::size_t baseline_seen = 0;
    for (const auto& [a, isolation] : round) {
      if (interrupt.requested()) {
        stopped_ = true;
        stop_reason_ = "interrupted";
        break;
      }
      const std::size_t copy = (a == 0 && !isolation) ? baseline_seen++ : 0;
      if (const auto rc = run_one(arms_[a], isolation, rep, copy)) return rc;
    }
    return std::nullopt;
  }

  // `copy`: the baseline's second and third run of a round are "-r4b1", "-r4b2".
  std::optional<int> run_one(const ArmRun& arm, bool isolation, int rep, std::size_t copy = 0) {
    const std::string run_id =
        fmt::format("{}-r{}{}", arm_slug(arm.arm.name), rep, copy == 0 ? "" : fmt::format("b{}", copy));
    ProgressLine progress(!opts_.quiet);
    progress.step(isolation ? fmt::format("isolation {} round {}", arm.arm.name, rep + 1)
                            : fmt::format("[round {}, run {}] {}", rep + 1, done_ + 1, arm.arm.name));
    RunOutcome outcome;
    const double run_started = elapsed_s();
    try {
      outcome = execute_run(isolation ? *arm.isolation : arm.run, dir_ / (isolation ? "isolation" : "runs"), run_id,
                            &progress);
    } catch (const std::exception& e) {
      return fail(fmt::format("{}arm '{}' round {}", isolation ? "isolation run of " : "", arm.arm.name, rep + 1), e);
    }
    const std::string folder = outcome.dir.filename().string();  // run_id, unless taken meanwhile
    if (isolation) {  // explain's reference, outside ab.csv and the statistics
      isolation_runs_.emplace_back(arm.arm.name, "isolation/" + folder);
      fmt::print("  isolation  {:<10} r{}  s/proof {:.3f}\n", arm.arm.name, rep, outcome.metrics.s_per_proof);
      return std::nullopt;
    }
    ++done_;
    rounds_.back().push_back(arm.arm.name);
    record_.add(arm.arm.name, rep, outcome, folder, elapsed_s() - run_started);
    fmt::print("  [{}] {:<10} r{}  s/proof {:.3f}\n", done_, arm.arm.name, rep, outcome.metrics.s_per_proof);
    return std::nullopt;
  }

  int finish(const InterruptWatch& interrupt) {
    if (done_ == 0) {  // stopped before the first run finished
      std::error_code ec;
      fs::remove_all(dir_, ec);
      fmt::print(stderr, "zkcontend ab: interrupted before any run completed; nothing was kept\n");
      return interrupt.exit_code();
    }
    design_.primary.rounds = rounds_.size();
    design_.primary.elapsed_s = elapsed_s();
    design_.primary.stopped = stop_reason_;
    analysis::ReportInput report;
    try {
      report = write_results();
    } catch (const std::exception& e) {
      fmt::print(stderr, "zkcontend ab: the results or reports could not be written: {}\n", e.what());
      return kExitFailure;
    }
    print_verdict(report);
    if (stopped_) {
      fmt::print(stderr, "zkcontend ab: interrupted after {} runs; the completed runs are kept and marked interrupted\n",
                 done_);
      return interrupt.exit_code();
    }
    return kExitOk;
  }

  // ab.json: the design, the answers, the arms, the order and every run outside ab.csv.
  nlohmann::json ab_json() const {
    nlohmann::json j;
    j["baseline"] = baseline_;
    j["design"] = design_json(design_.primary);
    j["interrupted"] = stopped_;
    // Each arm's answer as the verdict gives it (the report recomputes it from ab.csv by the same rule).
    nlohmann::json answers = nlohmann::json::array();
    const auto finite_or_null = [](double x) { return std::isfinite(x) ? nlohmann::json(x) : nlohmann::json(nullptr); };
    for (const auto& d : decisions_)
      answers.push_back({{"arm", d.arm},
                         {"answer", std::string(analysis::to_string(d.decision.answer))},
                         {"change_pct", d.decision.change_pct},
                         {"ci_pct", {finite_or_null(d.decision.ci_pct.lo), finite_or_null(d.decision.ci_pct.hi)}},
                         {"rounds", d.decision.n},
                         {"decided_at", d.decision.decided_at},
                         {"family", d.family},
                         {"control", d.control.has_value()},
                         {"pairing_gain", d.pairing_gain},
                         {"rounds_not_counted", d.rounds_not_counted}});
    j["answers"] = answers;
    nlohmann::json disturbed = nlohmann::json::array();  // the point of an A/B is ""
    for (const auto& r : analysis::disturbed_rounds(record_.measurements, analysis::primary_metric(), ""))
      disturbed.push_back({{"round", r.round + 1}, {"level_change_pct", r.level_change_pct}});
    j["disturbed_rounds"] = disturbed;
    nlohmann::json list = nlohmann::json::array();
    for (const auto& a : arms_) list.push_back({{"name", a.arm.name}, {"overrides", a.arm.overrides}});
    j["arms"] = list;
    j["order"] = {{"mode", std::string(to_string(mode_))}, {"seed", seed_}, {"rounds", rounds_}};
    j["warmup"] = warmup_runs_;
    j["after"] = after_.first.empty() ? nlohmann::json(nullptr)
                                      : nlohmann::json{{"arm", after_.first}, {"how", after_.second}};
    j["warnings"] = warnings_;
    nlohmann::json iso = nlohmann::json::array();
    for (const auto& [arm, folder] : isolation_runs_) iso.push_back({{"arm", arm}, {"run", folder}});
    if (!isolation_runs_.empty()) j["isolation"] = iso;
    return j;
  }

  // ab.csv, ab.json and the reports; returns what the reports read back.
  analysis::ReportInput write_results() const {
    harness::write_text_file(dir_ / "ab.csv", record_.csv);
    harness::write_text_file(dir_ / "ab.json", ab_json().dump(2) + "\n");
    return write_reports(dir_, fmt::format("A/B {}", dir_.filename().string()));
  }

  // The same numbers as the report's: computed from what was just written and read back.
  void print_verdict(const analysis::ReportInput& report) const {
    const analysis::Verdict verdict = analysis::compute_verdict(report);
    fmt::print("\nSecondary metrics (their own family, never widening the primary's)\n{}",
               analysis::text_table(verdict.family));
    fmt::print("\nMechanism evidence per arm\n{}", analysis::text_table(verdict.mechanism));
    if (!report.isolation.empty()) {
      const auto causes = analysis::causes_by_arm(analysis::attribute(analysis::explain_groups(report)), baseline_);
      if (!causes.empty())
        fmt::print("What each arm changed, by cause (`zkcontend explain {}` for every stage)\n{}", dir_.string(),
                   analysis::text_table(analysis::causes_table(causes, baseline_)));
    }
    fmt::print("\nVerdict\n");
    for (const auto& line : verdict.headline) fmt::print("  {}\n", line);
    fmt::print("\n{}", analysis::text_table(verdict.ranking));
    if (!verdict.controls.rows.empty()) fmt::print("Controls\n{}", analysis::text_table(verdict.controls));
    for (const auto& w : verdict.warnings) fmt::print("warning: {}\n", w);
    fmt::print("results: {} (ab.csv, ab.json, report.html, report.md)\n", dir_.string());
  }

  const AbOptions& opts_;
  std::vector<ArmRun> arms_;
  AbDesign design_;
  std::pair<std::string, std::string> after_;
  fs::path root_, dir_;
  std::chrono::steady_clock::time_point started_;
  std::string baseline_;
  std::size_t family_;
  OrderMode mode_;
  std::uint64_t seed_;
  std::vector<std::string> warnings_;
  int cycle_;
  AbRecord record_;
  std::size_t done_ = 0;  // measured runs completed
  bool stopped_ = false;  // by a signal
  std::string stop_reason_;
  std::vector<std::vector<std::string>> rounds_;  // each round's measured arms, in run order
  std::vector<std::string> warmup_runs_;
  std::vector<std::pair<std::string, std::string>> isolation_runs_;  // (arm, "isolation/<folder>")
  std::vector<analysis::PrimaryDecision> decisions_;  // the rule on every round so far, updated after each
};

}  // namespace

void add_ab_options(CLI::App& cmd, AbOptions& opts) {
  add_profile_options(cmd, opts.profile);
  std::vector<std::string> defaults;
  for (const Arm& a : default_arms(1)) defaults.push_back(a.name);
  cmd.add_option("--arms", opts.arms,
                 fmt::format("Arms to run, by name (default: all; the default arms: {})", fmt::join(defaults, ", ")))
      ->delimiter(',');
  cmd.add_option("--arms-file", opts.arms_file, "TOML file of [arms.<name>] override tables")->check(CLI::ExistingFile);
  cmd.add_option("--repeats", opts.design.repeats,
                 "A fixed design: exactly N rounds of every arm, decided once at the end (default: sequential, "
                 "rounds added until every arm is decided)")
      ->check(CLI::Range(1, 1000));
  cmd.add_option("--budget", opts.design.budget,
                 fmt::format("Sequential design: wall time of the whole A/B, e.g. 270, 4m, 4m30s (default {:.0f}s)",
                             kDefaultBudgetSeconds));
  cmd.add_option("--max-rounds", opts.design.max_rounds,
                 fmt::format("Sequential design: at most this many rounds (default {})", kDefaultMaxRounds))
      ->check(CLI::Range(1, 100000));
  cmd.add_option("--margin", opts.design.margin_pct,
                 fmt::format("Equivalence margin in percent of s/proof: 'equivalent' when the interval of the ratio "
                             "lies within +-margin (default {:g})",
                             analysis::kDefaultMarginPct));
  cmd.add_flag("--controls", opts.design.controls,
               "Add a negative control (a copy of the baseline) and a positive control (the baseline + "
               "--control-effect % of a partition's work, done in synthesis) to the same rounds, judged by the same rule outside the family");
  cmd.add_option("--control-effect", opts.design.control_effect_pct,
                 fmt::format("The positive control's extra work, percent of a partition's stage time in isolation, done in "
                             "synthesis: about the change in s/proof it should cause (default {:g})",
                             kDefaultControlEffectPct));
  cmd.add_option("--order", opts.order,
                 "Arm order per round: balanced (rotations of a seeded permutation, default), random (a seeded "
                 "shuffle per round) or fixed (as declared)")
      ->check(CLI::IsMember({"balanced", "random", "fixed"}));
  cmd.add_option("--order-seed", opts.order_seed, "Seed of the arm order (default: fresh; printed and in ab.json)")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1} << 62));
  cmd.add_option("--warmup", opts.warmup, "Runs of the first arm before the first measured one, discarded (default 1)")
      ->check(CLI::Range(0, 10));
  cmd.add_option("--after", opts.after,
                 fmt::format("The arm Expected Results compares with the baseline (default: the arm whose overrides "
                             "hold {}'s)",
                             all_interventions_arm(1).name));
  cmd.add_option("--results", opts.results_dir, "Folder for results (default: results)");
  cmd.add_option("--id", opts.id, "Name of the A/B folder (default: <timestamp>-ab)");
  cmd.add_flag("--isolation", opts.isolation,
               "Also run each arm at c=1 j=1 once per round (isolation/, outside the statistics): the reference "
               "`explain` and the report divide each stage's inflation against");
  cmd.add_flag("-q,--quiet", opts.quiet, "No progress line");
  cmd.add_flag("--force", opts.force, "Run even when an arm's memory estimate exceeds 90% of available memory");
}

int run_ab(const AbOptions& opts) {
  const auto started = std::chrono::steady_clock::now();
  const harness::MachineFacts machine = machine_facts();
  const fs::path root(opts.results_dir);
  const std::string id = opts.id.empty() ? harness::make_run_id("ab") : opts.id;
  AbArms ab;
  try {
    ab = prepare_ab(opts, machine, root, id);
  } catch (const config::ConfigError& e) {
    fmt::print(stderr, "zkcontend ab: invalid configuration:\n{}\n", e.what());
    return kExitUsage;
  }
  if (refuse_over_memory(ab.arms, machine, opts.force)) return kExitUsage;
  if (!fit_arms(ab.arms, opts.quiet)) return kExitFailure;
  // The A/B's folder is taken now, atomically: two A/Bs started in the same second (one default id)
  // get <id> and <id>-2 instead of mixing their runs and overwriting one ab.csv.
  fs::path dir;
  try {
    dir = harness::claim_folder(root, id, opts.id.empty());
  } catch (const std::system_error& e) {
    fmt::print(stderr, "zkcontend ab: {}\n", e.what());
    return e.code().value() == EEXIST ? kExitUsage : kExitFailure;
  }
  AbSession session(opts, std::move(ab), root, dir, started);
  session.print_header();
  const InterruptWatch interrupt;
  return session.run(interrupt);
}

}  // namespace zkc::cli
