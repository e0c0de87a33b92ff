#include "harness/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <memory>
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
#include "harness/cli/model_command.hpp"
#include "harness/cli/plan_command.hpp"
#include "harness/cli/probe_command.hpp"
#include "harness/cli/run_command.hpp"
#include "harness/cli/topo_command.hpp"

namespace zkc::cli {
namespace {

// One subcommand: its name and one-line description, how it adds its options, and how it runs.
struct Command {
  const char* name;
  const char* about;
  // Adds the options to `sub`; returns what runs the command once they are parsed.
  std::function<std::function<int()>(CLI::App& sub)> attach;
};

template <typename Options>
Command command(const char* name, const char* about, void (*add)(CLI::App&, Options&),
                int (*run)(const Options&)) {
  return {name, about, [add, run](CLI::App& sub) {
            auto opts = std::make_shared<Options>();
            add(sub, *opts);
            return std::function<int()>([opts, run] { return run(*opts); });
          }};
}

// The one list of subcommands, in the order --help shows them.
std::vector<Command> commands() {
  return {
      command("kernels", "Self-check the arithmetic kernels, then print their throughput", add_kernels_options,
              run_kernels),
      command("ab",
              "The main job: each arm against the baseline in rounds until it is decided faster, slower or "
              "equivalent; a report",
              add_ab_options, run_ab),
      command("sweep", "A grid of configurations x arms x repeats from a spec; resumable", add_sweep_options,
              run_sweep),
      command("report", "report.html / report.md / trace.json for a results folder", add_report_options, run_report),
      command("explain",
              "Why each stage is slower under load than in isolation: its inflation split into measured causes",
              add_explain_options, run_explain),
      command("analyze", "Measure a real prover's log (TIMELINE, CUZK_TIMING lines)", add_analyze_options,
              run_analyze),
      command("run", "Run one batch of proofs through the pipeline; results in results/<run-id>/", add_run_options,
              run_run),
      command("model",
              "The same batch in virtual time: predicted s/proof, GPU util, peak memory, the schedule and the "
              "contention tax; a results folder",
              add_model_options, run_model),
      command("plan", "Rank pw, gw, gt and j for a machine (--memory-gib, --cores, --gpus) by predicted s/proof",
              add_plan_options, run_plan),
      command("keys", "List every configuration key: type, default, range, unit, meaning", add_keys_options, run_keys),
      command("calibrate", "Measure a CUDA device's stage times and print a profile fragment for the sim backend",
              add_calibrate_options, run_calibrate),
      command("probe", "Which contention counters this machine can measure, and why not", add_probe_options,
              run_probe),
      command("topo", "L3 domains, SMT siblings and the pool pin plan of this or a what-if machine",
              add_topo_options, run_topo),
  };
}

}  // namespace

int run_app(int argc, char** argv) {
  CLI::App app{"zkcontend: benchmark and contention-analysis harness for GPU Groth16 proving pipelines",
               "zkcontend"};
  app.set_version_flag("--version", std::string("zkcontend ") + ZKC_VERSION);
  app.require_subcommand(1);
  app.footer("Exit codes: 0 ok, 1 a run or self-check failed, 2 bad input.");

  std::vector<std::pair<CLI::App*, std::function<int()>>> attached;
  std::vector<std::string> names;
  for (const Command& c : commands()) {
    CLI::App* sub = app.add_subcommand(c.name, c.about);
    attached.emplace_back(sub, c.attach(*sub));
    names.emplace_back(c.name);
  }

  // CLI11 reports an unknown first word only as "a subcommand is required": name it instead.
  if (argc > 1 && argv[1][0] != '-' && std::find(names.begin(), names.end(), argv[1]) == names.end()) {
    fmt::print(stderr, "zkcontend: unknown command '{}' (commands: {})\nRun with --help for more information.\n",
               argv[1], fmt::join(names, ", "));
    return kExitUsage;
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
  for (const auto& [sub, run] : attached)
    if (sub->parsed()) return run();
  return kExitUsage;
}

}  // namespace zkc::cli
