#include "harness/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness/cli/ab_command.hpp"
#include "harness/cli/analyze_command.hpp"
#include "harness/cli/calibrate_command.hpp"
#include "harness/cli/explain_command.hpp"
#include "harness/cli/keys_command.hpp"
#include "harness/cli/report_command.hpp"
#include "harness/cli/sweep_command.hpp"
#include "harness/cli/kernels_command.hpp"
#include "harness/cli/probe_command.hpp"
#include "harness/cli/run_command.hpp"
#include "harness/cli/topo_command.hpp"

namespace zkc::cli {

int run_app(int argc, char** argv) {
  CLI::App app{"zkcontend: benchmark and contention-analysis harness for GPU Groth16 proving pipelines",
               "zkcontend"};
  app.set_version_flag("--version", std::string("zkcontend ") + ZKC_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 1 a run or self-check failed, 2 bad input.");

  KernelsOptions kernels_opts;
  CLI::App* kernels = app.add_subcommand("kernels", "Self-check the arithmetic kernels, then print their throughput");
  add_kernels_options(*kernels, kernels_opts);

  AbOptions ab_opts;
  CLI::App* ab = app.add_subcommand(
      "ab", "The main job: each arm against the baseline in rounds until it is decided faster, slower or equivalent; a report");
  add_ab_options(*ab, ab_opts);

  SweepOptions sweep_opts;
  CLI::App* sweep = app.add_subcommand("sweep", "A grid of configurations x arms x repeats from a spec; resumable");
  add_sweep_options(*sweep, sweep_opts);

  ReportOptions report_opts;
  CLI::App* report = app.add_subcommand("report", "report.html / report.md / trace.json for a results folder");
  add_report_options(*report, report_opts);

  ExplainOptions explain_opts;
  CLI::App* explain = app.add_subcommand(
      "explain", "Why each stage is slower under load than in isolation: its inflation split into measured causes");
  add_explain_options(*explain, explain_opts);

  AnalyzeOptions analyze_opts;
  CLI::App* analyze = app.add_subcommand("analyze", "Measure a real prover's log (TIMELINE, CUZK_TIMING lines)");
  add_analyze_options(*analyze, analyze_opts);

  RunOptions run_opts;
  CLI::App* run = app.add_subcommand("run", "Run one batch of proofs through the pipeline; results in results/<run-id>/");
  add_run_options(*run, run_opts);

  KeysOptions keys_opts;
  CLI::App* keys = app.add_subcommand("keys", "List every configuration key: type, default, range, unit, meaning");
  add_keys_options(*keys, keys_opts);

  CalibrateOptions calibrate_opts;
  CLI::App* calibrate = app.add_subcommand(
      "calibrate", "Measure a CUDA device's stage times and print a profile fragment for the sim backend");
  add_calibrate_options(*calibrate, calibrate_opts);

  ProbeOptions probe_opts;
  CLI::App* probe = app.add_subcommand("probe", "Which contention counters this machine can measure, and why not");
  add_probe_options(*probe, probe_opts);

  TopoOptions topo_opts;
  CLI::App* topo = app.add_subcommand("topo", "L3 domains, SMT siblings and the pool pin plan of this or a what-if machine");
  add_topo_options(*topo, topo_opts);

  // CLI11 reports an unknown first word only as "a subcommand is required": name it instead.
  if (argc > 1 && argv[1][0] != '-') {
    std::vector<std::string> names;
    for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
    if (std::find(names.begin(), names.end(), argv[1]) == names.end()) {
      fmt::print(stderr, "zkcontend: unknown command '{}' (commands: {})\nRun with --help for more information.\n",
                 argv[1], fmt::join(names, ", "));
      return kExitUsage;
    }
  }

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }
  if (kernels->parsed()) return run_kernels(kernels_opts);
  if (run->parsed()) return run_run(run_opts);
  if (ab->parsed()) return run_ab(ab_opts);
  if (sweep->parsed()) return run_sweep(sweep_opts);
  if (report->parsed()) return run_report(report_opts);
  if (explain->parsed()) return run_explain(explain_opts);
  if (analyze->parsed()) return run_analyze(analyze_opts);
  if (keys->parsed()) return run_keys(keys_opts);
  if (probe->parsed()) return run_probe(probe_opts);
  if (calibrate->parsed()) return run_calibrate(calibrate_opts);
  if (topo->parsed()) return run_topo(topo_opts);
  return kExitUsage;
}

}  // namespace zkc::cli
