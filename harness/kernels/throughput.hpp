// Throughput of each kernel as `zkcontend kernels` prints it: a quick, informational table.
// The careful measurements (repetitions, statistics) live in bench/ (Google Benchmark).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "kernels/pool/thread_pool.hpp"

namespace zkc::harness {

struct ThroughputRow {
  std::string kernel;          // e.g. "G2 MSM 2^12"
  unsigned threads = 1;
  double seconds_per_op = 0;   // one call of the kernel
  double items_per_op = 1;     // e.g. nonzeros per SpMV call; rate = items_per_op / seconds_per_op
  std::string item;            // what items_per_op counts ("op", "nnz", "point")
};

struct ThroughputOptions {
  double min_time_s = 0.2;  // per row
  // Called before each row starts, with its name: progress on a terminal.
  std::function<void(const std::string&)> on_row;
};

std::vector<ThroughputRow> measure_kernel_throughput(const ThroughputOptions& opts, ThreadPool& pool);

}  // namespace zkc::harness
