// `zkcontend kernels`: a quick self-check of every kernel against known answers, then a throughput table.
#pragma once

#include <CLI/CLI.hpp>

namespace zkc::cli {

struct KernelsOptions {
  unsigned threads = 0;    // 0 = all CPUs
  double min_time_s = 0.2;  // per throughput row
  bool check_only = false;
};

void add_kernels_options(CLI::App& cmd, KernelsOptions& opts);
int run_kernels(const KernelsOptions& opts);

}  // namespace zkc::cli
