// `sweep --slurm N`: an sbatch script that runs a sweep as a Slurm job array, one shard per array
// task (`#SBATCH --array=1-N`, SLURM_ARRAY_TASK_ID is the shard), each task on a node of its own
// (--exclusive: a contention benchmark needs the whole machine) with one GPU unless every run uses
// the sim backend, all writing into one results folder on a path every node sees. The script ends
// with the collect command to run once every task has finished.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zkc::cli {

struct SlurmScriptInput {
  std::string sweep_name;              // spec name, for the job name
  int tasks = 1;                       // N
  std::size_t configurations = 0;      // points x arms (shards beyond them have nothing to run)
  std::size_t runs = 0;                // configurations x repeats
  std::string workdir;                 // absolute: where relative profile paths resolve
  std::string binary;                  // absolute path of the zkcontend binary
  std::string spec;                    // absolute
  std::string results;                 // absolute, shared between nodes, no white space (#SBATCH --output)
  std::string id;                      // the sweep folder's name (a plain name: check_run_id)
  std::vector<std::string> overrides;  // --set, passed on to every task and to collect
  bool gpu = true;                     // ask for one GPU per task
  bool isolation = false;              // --isolation, passed on to every task and to collect
};

std::string slurm_script(const SlurmScriptInput& in);

// The collect command the script names (also printed by a shard when it finishes).
std::string collect_command(const SlurmScriptInput& in);

// `s` as one POSIX shell word (single-quoted unless it is plainly safe).
std::string shell_quote(std::string_view s);

}  // namespace zkc::cli
