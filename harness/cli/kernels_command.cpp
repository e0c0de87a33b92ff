#include "harness/cli/kernels_command.hpp"

#include <fmt/core.h>

#include "harness/cli/app.hpp"

namespace zkc::cli {

void add_kernels_options(CLI::App& cmd, KernelsOptions& opts) {
  cmd.add_option("-t,--threads", opts.threads, "Threads for the multi-threaded rows (0 = all CPUs)")
      ->check(CLI::Range(0u, 4096u));
  cmd.add_option("--min-time", opts.min_time_s, "Seconds to spend on each throughput row")
      ->check(CLI::Range(0.01, 60.0));
  cmd.add_flag("--check-only", opts.check_only, "Run the self-check only");
}

int run_kernels(const KernelsOptions&) {
  fmt::print("kernels: not implemented yet\n");
  return kExitOk;
}

}  // namespace zkc::cli
