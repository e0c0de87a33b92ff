// `zkcontend sweep --spec configs/sweeps/<name>.toml`: every point of the spec x arms x repeats, into
// results/<sweep-id>/runs/<config-hash>-<arm>-r<k>/ plus sweep.csv and the reports. Resumable: a
// run is identified by the hash of its resolved configuration and its repeat, so running the same
// command again skips every completed run and redoes an interrupted one. Ctrl-C stops cleanly after
// the current run, keeping every completed one.
//
// Beyond one machine: `--shard K/N` runs only shard K of N (sweep_shard.hpp) into the same layout and
// leaves sweep.csv and the reports to `--collect`, which builds them from every finished run folder
// of the spec present (sweep_collect.hpp); `--slurm N` prints the job-array script that runs the N
// shards and names the collect command (slurm_script.hpp).
#pragma once

#include <CLI/CLI.hpp>

#include <optional>
#include <string>
#include <vector>

#include "harness/cli/virtual_backend.hpp"
#include "harness/config/config_loader.hpp"

namespace zkc::cli {

struct SweepOptions {
  std::string spec;
  std::vector<std::string> overrides;  // applied to every run, after the spec's
  std::string results_dir;  // "" = results (--slurm needs it given: a path every node sees)
  std::string id;  // "" = sweep-<name>
  bool quiet = false;
  bool force = false;
  bool dry_run = false;  // list the runs (and which are done), run nothing
  // "K/N": run only shard K of N (unset = all runs; an empty value, an unset $SHARD, is refused)
  std::optional<std::string> shard;
  bool collect = false;  // build sweep.csv and the reports from the run folders present; run nothing
  bool partial = false;  // with collect: write them even when runs are missing (exit 0)
  int slurm = 0;         // > 0: print the sbatch script of an array of this many shards; run nothing
  bool isolation = false;  // add a c=1 j=1 point unless the spec has one (explain's reference)
  // Set by `zkcontend model --sweep`: every run in virtual time (virtual_backend.hpp), no fit, no
  // memory refusal (nothing is allocated).
  std::optional<VirtualSpec> virtual_backend;
};

void add_sweep_options(CLI::App& cmd, SweepOptions& opts);
int run_sweep(const SweepOptions& opts);

// The identity of a run: FNV-1a 64 of every resolved setting ("key=value" lines in key order, no
// origins) and the repeat, as 16 hex digits. Stable across builds and machines for equal settings.
std::string run_identity(const config::Config& resolved, int repeat);

}  // namespace zkc::cli
