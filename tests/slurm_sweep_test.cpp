// The generated sbatch script on a real Slurm: a single-node cluster from Debian's slurm-wlm and
// munge, started by tests/slurm/local_cluster.sh on localhost (its own key, socket, ports and state;
// no cgroups), runs the ci sweep as a job array of three shards into one folder; --collect then
// finds the 8 runs. Skipped, with the reason, where the packages cannot be installed or the daemons
// cannot start (not root, no network for apt-get, ...).
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zkc::test_support::BinaryResult;
using zkc::test_support::run_shell;
using zkc::test_support::run_zkcontend;
using zkc::test_support::TempDir;


const std::string kCluster = std::string(ZKC_SOURCE_DIR) + "/tests/slurm/local_cluster.sh";

// Stops the cluster however the test ends.
struct Cluster {
  explicit Cluster(fs::path d) : dir(std::move(d)) {}
  ~Cluster() { run_shell(kCluster + " stop " + dir.string()); }
  fs::path dir;
};

TEST(SlurmJobArray, GeneratedScriptRunsTheCiSweepOnALocalSlurmThenCollects) {
  TempDir tmp;
  const fs::path cluster_dir = tmp.path() / "cluster", results = tmp.path() / "results";
  fs::create_directories(cluster_dir);
  const BinaryResult up = run_shell(kCluster + " start " + cluster_dir.string());
  Cluster cluster(cluster_dir);
  if (up.exit_code == 77) GTEST_SKIP() << "no local Slurm: " << up.output;
  ASSERT_EQ(up.exit_code, 0) << up.output;

  const std::string spec = std::string(ZKC_SOURCE_DIR) + "/configs/sweeps/ci.toml";
  const auto gen = run_zkcontend("sweep --spec " + spec + " --slurm 3 --results " + results.string());
  ASSERT_EQ(gen.exit_code, 0) << gen.output;
  ASSERT_NE(gen.output.find("#SBATCH --array=1-3"), std::string::npos) << gen.output;
  const fs::path script = tmp.path() / "sweep.sbatch";
  zkc::harness::write_text_file(script, gen.output);

  // --wait: sbatch returns when every array task has ended, with the highest exit code among them.
  const std::string env = "SLURM_CONF=" + (cluster_dir / "slurm.conf").string() + " PATH=$PATH:/usr/sbin ";
  const BinaryResult job = run_shell(env + "timeout 240 sbatch --wait " + script.string());
  std::string task_logs;
  for (const auto& e : fs::directory_iterator(results / "sweep-ci"))
    if (e.path().filename().string().starts_with("slurm-"))
      task_logs += e.path().filename().string() + ":\n" + zkc::harness::read_text_file(e.path());
  ASSERT_EQ(job.exit_code, 0) << job.output << task_logs;
  EXPECT_NE(task_logs.find("shard 1/3"), std::string::npos) << task_logs;
  EXPECT_NE(task_logs.find("shard 3/3"), std::string::npos) << task_logs;

  // The collect command the script names, as it names it.
  const std::string marker = "#   cd ";
  const std::size_t at = gen.output.find(marker);
  ASSERT_NE(at, std::string::npos) << gen.output;
  const std::string collect = gen.output.substr(at + 4, gen.output.find('\n', at) - at - 4);
  const BinaryResult c = run_shell(collect);
  ASSERT_EQ(c.exit_code, 0) << collect << "\n" << c.output;
  EXPECT_NE(c.output.find("collected 8 of 8 runs"), std::string::npos) << c.output;
  const auto rows = zkc::harness::parse_csv(zkc::harness::read_text_file(results / "sweep-ci" / "sweep.csv"), "sweep.csv");
  EXPECT_EQ(rows.size(), 9u);
  std::set<std::string> runs;
  for (std::size_t i = 1; i < rows.size(); ++i) runs.insert(rows[i].fields[3]);
  EXPECT_EQ(runs.size(), 8u);
}

}  // namespace
