#include "harness/cli/slurm_script.hpp"

#include <fmt/format.h>

namespace zkc::cli {
namespace {

std::string sweep_args(const SlurmScriptInput& in) {
  std::string out = fmt::format("sweep --spec {} --results {} --id {}", shell_quote(in.spec), shell_quote(in.results),
                                shell_quote(in.id));
  for (const auto& o : in.overrides) out += " --set " + shell_quote(o);
  if (in.isolation) out += " --isolation";  // the spec's points as every task and collect plan them
  return out;
}

}  // namespace

std::string shell_quote(std::string_view s) {
  const bool plain = !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                       "0123456789_./:=,+-@%") == std::string_view::npos;
  if (plain) return std::string(s);
  std::string out = "'";
  for (const char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string collect_command(const SlurmScriptInput& in) {
  return fmt::format("cd {} && {} {} --collect", shell_quote(in.workdir), shell_quote(in.binary), sweep_args(in));
}

std::string slurm_script(const SlurmScriptInput& in) {
  // Slurm reads #SBATCH lines up to the first command: comments may precede them, commands may not.
  std::string s = "#!/bin/bash\n";
  s += fmt::format("# zkcontend sweep '{}' as a Slurm job array: {} task{}, each one shard of the sweep's {} "
                   "configurations ({} runs),\n",
                   in.sweep_name, in.tasks, in.tasks == 1 ? "" : "s", in.configurations, in.runs);
  s += "# on a node of its own, all writing into one results folder on a shared path.\n";
  if (static_cast<std::size_t>(in.tasks) > in.configurations) {
    s += fmt::format("# Tasks {}..{} have no configuration to run (a configuration's repeats stay on one node).\n",
                     in.configurations + 1, in.tasks);
  }
  s += "# Submit: sbatch <this file>\n";
  s += "# When every task has finished (or submit it with sbatch --dependency=afterany:<job id> --wrap '...'):\n";
  s += "#   " + collect_command(in) + "\n";
  s += fmt::format("#SBATCH --job-name=zkc-{}\n", in.id);
  s += fmt::format("#SBATCH --array=1-{}\n", in.tasks);
  s += "#SBATCH --nodes=1\n#SBATCH --ntasks=1\n#SBATCH --exclusive\n";
  if (in.gpu) s += "#SBATCH --gres=gpu:1\n";
  else s += "# (no GPU requested: every run of this sweep uses the sim backend)\n";
  s += fmt::format("#SBATCH --output={}/{}/slurm-%A_%a.out\n", in.results, in.id);
  s += "set -euo pipefail\n";
  s += "cd " + shell_quote(in.workdir) + "\n";
  s += fmt::format("exec {} {} -q --shard \"${{SLURM_ARRAY_TASK_ID}}/{}\"\n", shell_quote(in.binary), sweep_args(in),
                   in.tasks);
  return s;
}

}  // namespace zkc::cli
