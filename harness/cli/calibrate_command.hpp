// `zkcontend calibrate`: runs the profile's batch on a CUDA device, takes the medians of the
// device's stage times (CUDA events) and prints, or writes with --out, a profile fragment that
// makes the sim backend reproduce them on machines without the GPU (calibration.hpp).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "harness/cli/run_execution.hpp"

namespace zkc::cli {

struct CalibrateOptions {
  ProfileOptions profile;
  std::string out;  // "" = standard output only
  bool quiet = false;
};

void add_calibrate_options(CLI::App& cmd, CalibrateOptions& opts);
// 0 ok; 2 bad input or no CUDA device; 1 the run failed.
int run_calibrate(const CalibrateOptions& opts);

}  // namespace zkc::cli
