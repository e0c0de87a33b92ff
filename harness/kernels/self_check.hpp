// Known-answer self-checks of every kernel, run by `zkcontend kernels` before it measures anything:
// a harness whose arithmetic is wrong would measure the wrong work.
#pragma once

#include <string>
#include <vector>

#include "kernels/pool/thread_pool.hpp"

namespace zkc::harness {

struct CheckResult {
  std::string name;
  bool passed = false;
  std::string detail;  // what failed, when it did
};

// Small, fast checks (well under a second on 2 cores); `pool` runs the multi-threaded kernels.
std::vector<CheckResult> run_kernel_self_checks(ThreadPool& pool);

}  // namespace zkc::harness
