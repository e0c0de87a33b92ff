// `zkcontend model`: the batch of a profile in virtual time (harness/vtime): what a machine would do,
// predicted in well under a second, with the schedule (contention off) and the contention tax (on
// minus off) apart, written as a normal results folder (timeline.csv, stages.csv, summary, meta.json,
// and model.json with the prediction) that `report`, `explain` and `ab` read like any other.
// `--sweep SPEC` runs a sweep spec that way (the sweep command's folder and tables).
#pragma once

#include <CLI/CLI.hpp>

#include <string>

#include "harness/cli/run_execution.hpp"
#include "harness/cli/virtual_backend.hpp"

namespace zkc::cli {

struct ModelOptions {
  ProfileOptions profile;  // --config, --set, -c, -j
  VirtualSpec spec;        // --costs, --contention, --seed
  bool json = false;       // one JSON object on stdout
  std::string sweep;       // --sweep SPEC
  std::string results_dir = "results";
  std::string run_id;      // "" = model-<timestamp>-c<c>j<j> (with --sweep: the sweep's --id)
  bool quiet = false;
};

void add_model_options(CLI::App& cmd, ModelOptions& opts);
int run_model(const ModelOptions& opts);

}  // namespace zkc::cli
