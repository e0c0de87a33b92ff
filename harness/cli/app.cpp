#include "harness/cli/app.hpp"

#include <CLI/CLI.hpp>
#include <fmt/core.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <string>
#include <vector>

#include "harness/cli/keys_command.hpp"
#include "harness/cli/kernels_command.hpp"
#include "harness/cli/probe_command.hpp"
#include "harness/cli/run_command.hpp"

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

  RunOptions run_opts;
  CLI::App* run = app.add_subcommand("run", "Run one batch of proofs through the pipeline; results in results/<run-id>/");
  add_run_options(*run, run_opts);

  KeysOptions keys_opts;
  CLI::App* keys = app.add_subcommand("keys", "List every configuration key: type, default, range, unit, meaning");
  add_keys_options(*keys, keys_opts);

  ProbeOptions probe_opts;
  CLI::App* probe = app.add_subcommand("probe", "Which contention counters this machine can measure, and why not");
  add_probe_options(*probe, probe_opts);

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
  if (keys->parsed()) return run_keys(keys_opts);
  if (probe->parsed()) return run_probe(probe_opts);
  return kExitUsage;
}

}  // namespace zkc::cli
