// Sweeps beyond one machine: the shard split (deterministic, even, the same on every machine), the
// sbatch script, and through the real binary: three shards then --collect give the unsharded sweep's
// runs once each; collect lists what is missing, refuses what is not the spec's and skips duplicates.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "harness/cli/slurm_script.hpp"
#include "harness/cli/sweep_plan.hpp"
#include "harness/cli/sweep_shard.hpp"
#include "harness/cli/sweep_spec.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using namespace zkc::cli;
using zkc::test_support::run_zkcontend;
using zkc::test_support::TempDir;

std::string src(const std::string& rel) { return std::string(ZKC_SOURCE_DIR) + "/" + rel; }

std::vector<zkc::harness::CsvRecord> csv(const fs::path& p) {
  return zkc::harness::parse_csv(zkc::harness::read_text_file(p), p.string());
}

std::set<std::string> run_names(const fs::path& dir) {
  std::set<std::string> out;
  if (!fs::exists(dir / "runs")) return out;
  for (const auto& e : fs::directory_iterator(dir / "runs"))
    if (!e.path().filename().string().starts_with(".")) out.insert(e.path().filename().string());
  return out;
}

// The "runs/<folder>" names a --dry-run lists.
std::set<std::string> listed_runs(const std::string& output) {
  std::set<std::string> out;
  static const std::regex kRun("runs/([0-9a-f]{16}-[^ \\n]+)");
  for (auto it = std::sregex_iterator(output.begin(), output.end(), kRun); it != std::sregex_iterator(); ++it)
    out.insert((*it)[1].str());
  return out;
}

std::string host_name() {
  std::array<char, 256> buf{};
  ::gethostname(buf.data(), buf.size() - 1);
  return buf.data();
}

TEST(Shard, ParsesKOverNAndRefusesTheRest) {
  const Shard s = parse_shard("2/3");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 3);
  EXPECT_EQ(parse_shard("1/1").count, 1);
  for (const char* bad : {"0/3", "4/3", "3", "a/3", "1/0", "1/3x", "-1/3", "", "/", "1/100001"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << bad << " accepted";
    } catch (const zkc::config::ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("accepted: K/N"), std::string::npos) << e.what();
    }
  }
}

TEST(Shard, SplitIsEvenCompleteAndIndependentOfListOrder) {
  SweepSpec spec = read_sweep_spec(src("configs/sweeps/ci.toml"));
  spec.arms.clear();  // every default arm: more configurations to split
  const auto requests = sweep_requests(spec, sweep_arms(spec, 2), {});
  ASSERT_GE(requests.size(), 8u);
  std::set<std::string> keys;
  for (const auto& r : requests) keys.insert(r.key);
  EXPECT_EQ(keys.size(), requests.size()) << "two configurations share a key";
  auto reversed = requests;
  std::reverse(reversed.begin(), reversed.end());
  for (int n = 1; n <= 5; ++n) {
    const auto shards = shard_of(requests, n);
    std::map<int, int> sizes;
    for (const int s : shards) {
      ASSERT_GE(s, 1);
      ASSERT_LE(s, n);
      ++sizes[s];
    }
    const auto [lo, hi] = std::minmax_element(sizes.begin(), sizes.end(),
                                              [](const auto& a, const auto& b) { return a.second < b.second; });
    EXPECT_LE(hi->second - lo->second, 1) << "n=" << n;
    EXPECT_EQ(static_cast<int>(sizes.size()), std::min<int>(n, static_cast<int>(requests.size())));
    // The split follows the configurations, not where they stand in the list.
    const auto shards_reversed = shard_of(reversed, n);
    for (std::size_t i = 0; i < requests.size(); ++i)
      EXPECT_EQ(shards[i], shards_reversed[requests.size() - 1 - i]) << requests[i].key;
  }
}

TEST(Shard, KeysAreTheSameOnMachinesOfEveryCpuCount) {
  SweepSpec spec = read_sweep_spec(src("configs/sweeps/ci.toml"));
  spec.arms.clear();
  const auto small = sweep_requests(spec, sweep_arms(spec, 2), {});
  const auto large = sweep_requests(spec, sweep_arms(spec, 192), {});
  ASSERT_EQ(small.size(), large.size());
  bool some_arm_differs = false;
  for (std::size_t i = 0; i < small.size(); ++i) {
    EXPECT_EQ(small[i].key, large[i].key) << small[i].arm.name;
    some_arm_differs = some_arm_differs || small[i].arm.overrides != large[i].arm.overrides;
  }
  EXPECT_TRUE(some_arm_differs) << "I2 is sized from the CPU count: this test needs an arm that differs";
  // A --set changes the configurations, so the keys.
  const auto other = sweep_requests(spec, sweep_arms(spec, 2), {"batch.count=3"});
  EXPECT_NE(other.front().key, small.front().key);
}

std::string shell_echo(const std::string& word) { return zkc::test_support::run_shell("printf %s " + word).output; }

TEST(Slurm, ShellQuoteSurvivesTheShell) {
  for (const std::string s : {"plain", "with space", "it's", "a\"b", "$HOME", "x;rm -rf y", "gpu.backend=\"sim\"",
                              "back\\slash", "*"}) {
    EXPECT_EQ(shell_echo(shell_quote(s)), s) << shell_quote(s);
  }
  EXPECT_EQ(shell_quote("batch.count=2"), "batch.count=2");
}

TEST(Slurm, ScriptIsAnArrayOfShardsThenNamesTheCollect) {
  SlurmScriptInput in;
  in.sweep_name = "ci";
  in.tasks = 3;
  in.configurations = 4;
  in.runs = 8;
  in.workdir = "/repo";
  in.binary = "/repo/build/zkcontend";
  in.spec = "/repo/configs/sweeps/ci.toml";
  in.results = "/shared/results";
  in.id = "sweep-ci";
  in.overrides = {"gpu.backend=\"sim\"", "batch.count=2"};
  in.gpu = false;
  const std::string s = slurm_script(in);
  EXPECT_TRUE(s.starts_with("#!/bin/bash\n"));
  for (const char* line : {"#SBATCH --array=1-3\n", "#SBATCH --nodes=1\n", "#SBATCH --exclusive\n",
                           "#SBATCH --output=/shared/results/sweep-ci/slurm-%A_%a.out\n"}) {
    EXPECT_NE(s.find(line), std::string::npos) << line << s;
  }
  EXPECT_EQ(s.find("--gres"), std::string::npos) << s;
  EXPECT_NE(s.find("--shard \"${SLURM_ARRAY_TASK_ID}/3\""), std::string::npos) << s;
  EXPECT_NE(s.find("--set 'gpu.backend=\"sim\"' --set batch.count=2"), std::string::npos) << s;
  EXPECT_NE(s.find("#   " + collect_command(in) + "\n"), std::string::npos) << s;
  EXPECT_NE(collect_command(in).find(" --collect"), std::string::npos);
  // Slurm stops reading #SBATCH at the first command: every one must come before it.
  const std::size_t last_sbatch = s.rfind("\n#SBATCH");
  std::size_t first_command = std::string::npos;
  for (std::size_t at = s.find('\n') + 1; at < s.size(); at = s.find('\n', at) + 1) {
    if (s[at] != '#' && s[at] != '\n') {
      first_command = at;
      break;
    }
  }
  EXPECT_LT(last_sbatch, first_command);
  in.gpu = true;
  EXPECT_NE(slurm_script(in).find("#SBATCH --gres=gpu:1\n"), std::string::npos);
}

class ShardCommands : public ::testing::Test {
 protected:
  std::string sweep(const std::string& extra) const {
    return "sweep --spec " + src("configs/sweeps/ci.toml") + " -q --id s " + extra;
  }
  TempDir tmp_;
};

TEST_F(ShardCommands, ThreeShardsThenCollectGiveTheUnshardedRunsOnceEach) {
  const fs::path a = tmp_.path() / "a", b = tmp_.path() / "b";
  const auto plan = run_zkcontend(sweep("--results " + b.string() + " --dry-run"));
  ASSERT_EQ(plan.exit_code, 0) << plan.output;
  const auto unsharded = listed_runs(plan.output);
  ASSERT_EQ(unsharded.size(), 8u) << plan.output;

  // Shard 1 into its own folder, shards 2 and 3 into a shared one; then copied together.
  std::set<std::string> seen;
  std::size_t total = 0;
  for (int k = 1; k <= 3; ++k) {
    const fs::path root = k == 1 ? a : b;
    const auto before = run_names(root / "s");
    // Leftovers of runs killed hard: this shard's own are removed, another shard's (in progress on
    // another machine, so its pid is dead here: above any pid_max) kept.
    std::string own_leftover, other_leftover = ".tmp-other-2147483647";
    if (k == 3) {
      const auto mine = listed_runs(run_zkcontend(sweep("--results " + root.string() + " --shard 3/3 --dry-run")).output);
      ASSERT_EQ(mine.size(), 2u);
      own_leftover = ".tmp-" + *mine.begin() + "-2147483647";
      fs::create_directories(root / "s" / "runs" / own_leftover);
      fs::create_directories(root / "s" / "runs" / other_leftover);
    }
    const auto r = run_zkcontend(sweep("--results " + root.string() + " --shard " + std::to_string(k) + "/3"));
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find("shard " + std::to_string(k) + "/3"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("--collect"), std::string::npos) << r.output;
    if (k == 3) {
      EXPECT_FALSE(fs::exists(root / "s" / "runs" / own_leftover)) << "its own leftover kept";
      EXPECT_TRUE(fs::exists(root / "s" / "runs" / other_leftover)) << "another shard's run in progress removed";
    }
    std::set<std::string> mine;
    for (const auto& n : run_names(root / "s"))
      if (!before.contains(n)) mine.insert(n);
    EXPECT_FALSE(mine.empty()) << "shard " << k << " ran nothing";
    for (const auto& n : mine) EXPECT_TRUE(seen.insert(n).second) << n << " ran in two shards";
    total += mine.size();
    EXPECT_FALSE(fs::exists(root / "s" / "sweep.csv")) << "a shard wrote the table other shards share";
  }
  EXPECT_EQ(total, 8u);
  EXPECT_EQ(seen, unsharded);
  for (const auto& e : fs::directory_iterator(a / "s" / "runs"))
    fs::copy(e.path(), b / "s" / "runs" / e.path().filename(), fs::copy_options::recursive);

  const auto c = run_zkcontend(sweep("--results " + b.string() + " --collect"));
  ASSERT_EQ(c.exit_code, 0) << c.output;
  EXPECT_NE(c.output.find("collected 8 of 8 runs from 1 host"), std::string::npos) << c.output;
  const auto rows = csv(b / "s" / "sweep.csv");
  ASSERT_EQ(rows.size(), 9u);
  const auto& h = rows[0].fields;
  const auto host_col = std::find(h.begin(), h.end(), "host") - h.begin();
  ASSERT_LT(static_cast<std::size_t>(host_col), h.size());
  std::set<std::string> runs;
  std::set<std::vector<std::string>> keys;  // point, arm, repeat
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& f = rows[i].fields;
    runs.insert(f[3].substr(std::string("runs/").size()));
    EXPECT_TRUE(keys.insert({f[0], f[1], f[2]}).second) << "twice: " << f[0] << " " << f[1] << " r" << f[2];
    EXPECT_EQ(f[static_cast<std::size_t>(host_col)], host_name());
  }
  EXPECT_EQ(runs, unsharded);
  const std::string md = zkc::harness::read_text_file(b / "s" / "report.md");
  EXPECT_NE(md.find("Hosts: which machine ran each point"), std::string::npos);
  EXPECT_NE(md.find("s/proof on " + host_name()), std::string::npos);
}

TEST_F(ShardCommands, CollectListsMissingRefusesForeignRunsAndSkipsDuplicates) {
  const fs::path root = tmp_.path(), dir = root / "s";
  const auto r = run_zkcontend(sweep("--results " + root.string() + " --shard 2/4"));  // one configuration
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto done = run_names(dir);
  ASSERT_EQ(done.size(), 2u);

  auto c = run_zkcontend(sweep("--results " + root.string() + " --collect"));
  EXPECT_EQ(c.exit_code, 1) << c.output;
  EXPECT_NE(c.output.find("collected 2 of 8 runs"), std::string::npos) << c.output;
  std::size_t missing = 0;
  for (std::size_t at = c.output.find("  missing "); at != std::string::npos; at = c.output.find("  missing ", at + 1))
    ++missing;
  EXPECT_EQ(missing, 6u) << c.output;
  EXPECT_FALSE(fs::exists(dir / "sweep.csv")) << "written although runs are missing and --partial was not given";

  // A run of another configuration under a sweep-like name, and the same run twice.
  const std::string name = *done.begin();
  const fs::path foreign = dir / "runs" / ("0123456789abcdef" + name.substr(16));
  fs::copy(dir / "runs" / name, foreign, fs::copy_options::recursive);
  std::string config = zkc::harness::read_text_file(foreign / "config.toml");
  const std::regex kCount("\ncount = 2");
  ASSERT_TRUE(std::regex_search(config, kCount)) << config;
  zkc::harness::write_text_file(foreign / "config.toml", std::regex_replace(config, kCount, "\ncount = 5"));
  fs::copy(dir / "runs" / name, dir / "runs" / (name + "-2"), fs::copy_options::recursive);

  c = run_zkcontend(sweep("--results " + root.string() + " --collect --partial"));
  ASSERT_EQ(c.exit_code, 0) << c.output;
  EXPECT_NE(c.output.find("refused   runs/" + foreign.filename().string()), std::string::npos) << c.output;
  // Which point the foreign run is held against depends on the shard's configuration (its hash), so
  // the first difference named may be its count or its concurrency; either way it names one.
  EXPECT_NE(c.output.find(foreign.filename().string() + ": its configuration is not one the spec asks for: batch."),
            std::string::npos)
      << c.output;
  EXPECT_NE(c.output.find(" where the spec asks "), std::string::npos) << c.output;
  EXPECT_NE(c.output.find("duplicate runs/" + name + "-2: the same run as runs/" + name), std::string::npos)
      << c.output;
  const auto rows = csv(dir / "sweep.csv");
  ASSERT_EQ(rows.size(), 3u);
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_TRUE(done.contains(rows[i].fields[3].substr(5)));
  const std::string md = zkc::harness::read_text_file(dir / "report.md");
  EXPECT_NE(md.find("(partial: 2 of 8 runs)"), std::string::npos);
  EXPECT_EQ(md.find(foreign.filename().string()), std::string::npos) << "the report shows a refused run";
}

TEST_F(ShardCommands, BadShardAndSlurmOptionsAreUsageErrors) {
  const std::string res = " --results " + (tmp_.path() / "r").string();
  auto r = run_zkcontend(sweep(res + " --shard 0/3"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--shard '0/3': accepted: K/N"), std::string::npos) << r.output;
  // Issue 29 row 4: an empty --shard (an unset $SHARD in a job array) is refused, not "every run".
  r = run_zkcontend(sweep(res + " --shard ''"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--shard is empty"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(tmp_.path() / "r" / "s")) << "an empty --shard started runs";
  r = run_zkcontend(sweep(res + " --shard 1/3 --collect"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  r = run_zkcontend(sweep("--slurm 3"));
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--slurm needs --results"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(tmp_.path() / "r" / "s" / "runs"));

  r = run_zkcontend(sweep(res + " --slurm 5"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("#SBATCH --array=1-5\n"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("--gres"), std::string::npos) << "the ci profile runs the sim backend";
  EXPECT_NE(r.output.find("tasks 5..5 will have nothing to run"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find(" --collect"), std::string::npos) << r.output;
  r = run_zkcontend(sweep(res + " --slurm 2 --set gpu.backend='\"auto\"'"));
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("#SBATCH --gres=gpu:1\n"), std::string::npos) << r.output;
}

}  // namespace
