// `zkcontend run` end to end, through the real binary: results written completely or not at all,
// summary.csv agreeing with an independent recomputation from timeline.csv, and every documented
// configuration error (exit code 2, nothing under results/).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/support/run_binary.hpp"
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "model/timeline_event.hpp"
#include "harness/counters/counter_catalog.hpp"
#include "harness/system/text_file.hpp"
#include "harness/results/timeline_csv.hpp"

namespace {

namespace fs = std::filesystem;

using Result = zkc::test_support::BinaryResult;

Result run(const std::string& args) { return zkc::test_support::run_zkcontend(args); }

class RunCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("zkc-run-" + std::to_string(getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string ci() const { return std::string("--config ") + ZKC_SOURCE_DIR + "/configs/ci.toml -q --results " + root_.string(); }
  // The results root holds nothing (it may not even exist).
  void expect_nothing_written() const {
    if (!fs::exists(root_)) return;
    EXPECT_TRUE(fs::is_empty(root_)) << "something was written under " << root_;
  }
  fs::path root_;
};

std::map<std::string, double> read_summary(const fs::path& p) {
  std::ifstream in(p);
  std::string line;
  std::getline(in, line);
  EXPECT_EQ(line, "metric,value,unit");
  std::map<std::string, double> out;
  while (std::getline(in, line)) {
    const auto c1 = line.find(','), c2 = line.find(',', c1 + 1);
    const std::string value = line.substr(c1 + 1, c2 - c1 - 1);
    if (!value.empty()) out[line.substr(0, c1)] = std::stod(value);  // empty: not measured here
  }
  return out;
}

double union_length(std::vector<std::pair<double, double>> iv) {
  std::sort(iv.begin(), iv.end());
  double total = 0, cur_s = -1, cur_e = -1;
  for (const auto& [s, e] : iv) {
    if (s > cur_e) {
      total += cur_e - cur_s;
      cur_s = s;
      cur_e = e;
    } else {
      cur_e = std::max(cur_e, e);
    }
  }
  return total + (cur_e - cur_s);
}

TEST_F(RunCommand, CiRunWritesEveryFileAndSummaryMatchesTheTimeline) {
  const Result r = run("run " + ci() + " --run-id ci");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path dir = root_ / "ci";
  for (const char* f : {"config.toml", "meta.json", "timeline.csv", "stages.csv", "summary.csv", "summary.json",
                        "counters_timeline.csv", "stage_counters.csv"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  EXPECT_NE(r.output.find("s/proof"), std::string::npos) << r.output;

  // Recompute the main metrics from timeline.csv with the seeds README's definitions.
  const auto events = zkc::harness::read_timeline_csv(dir / "timeline.csv");
  double first_start = 1e300, last_end = 0;
  std::size_t proofs = 0;
  std::vector<std::pair<double, double>> gpu;
  std::map<std::string, double> gpu_start;
  std::vector<double> gpu_ms;
  std::vector<std::pair<double, int>> dealloc_points;
  double yields = 0;
  for (const auto& e : events) {
    const std::string part = std::string(e.job_id) + "/" + std::string(zkc::analysis::detail_value(e.detail, "partition").value_or(""));
    if (e.event == "PROOF_START") first_start = std::min(first_start, e.offset_ms);
    if (e.event == "PROOF_END") {
      last_end = std::max(last_end, e.offset_ms);
      ++proofs;
    }
    if (e.event == "GPU_START") gpu_start[part] = e.offset_ms;
    if (e.event == "GPU_END") {
      gpu.emplace_back(gpu_start.at(part), e.offset_ms);
      gpu_ms.push_back(*zkc::analysis::detail_number(e.detail, "gpu_ms"));
    }
    if (e.event == "DEALLOC_START") dealloc_points.emplace_back(e.offset_ms, +1);
    if (e.event == "DEALLOC_END") dealloc_points.emplace_back(e.offset_ms, -1);
    if (e.event == "SYNTH_END") yields += zkc::analysis::detail_number(e.detail, "yields").value_or(0);
  }
  std::sort(dealloc_points.begin(), dealloc_points.end());
  int open = 0, most = 0;
  for (const auto& [t, d] : dealloc_points) most = std::max(most, open += d);
  double mean_gpu = 0;
  for (double g : gpu_ms) mean_gpu += g / static_cast<double>(gpu_ms.size());

  const auto summary = read_summary(dir / "summary.csv");
  const double elapsed = last_end - first_start;
  // timeline.csv rounds offsets to 1 us, the summary was computed before rounding.
  EXPECT_NEAR(summary.at("proofs_completed"), 3, 0);
  EXPECT_NEAR(summary.at("batch_elapsed_ms"), elapsed, 0.01);
  EXPECT_NEAR(summary.at("s_per_proof"), elapsed / 1000.0 / static_cast<double>(proofs), 1e-4);
  EXPECT_NEAR(summary.at("avg_gpu_per_partition_s"), mean_gpu / 1000.0, 1e-5);
  EXPECT_NEAR(summary.at("gpu_util"), union_length(gpu) / elapsed, 1e-4);
  EXPECT_NEAR(summary.at("max_concurrent_dealloc"), most, 0);
  EXPECT_NEAR(summary.at("throttle_yields"), yields, 0);
  EXPECT_EQ(summary.at("partitions_completed"), 12);

  // The noise readings: in meta.json each a number, or null with why it is not visible here; in the
  // summary the visible ones (steal and other processes come from /proc/stat, always there).
  const auto meta = nlohmann::json::parse(zkc::harness::read_text_file(dir / "meta.json"));
  const auto& noise = meta.at("noise");
  for (const char* k : {"noise_steal_share", "noise_other_cpu_share", "noise_load1_start", "noise_throttle_events",
                        "noise_freq_ratio"}) {
    ASSERT_TRUE(noise.contains(k)) << k;
    if (noise.at(k).is_null()) {
      EXPECT_EQ(noise.at("not_visible").at(k).get<std::string>().rfind("not visible here: ", 0), 0u) << k;
      EXPECT_EQ(summary.count(k), 0u) << k;
    } else {
      EXPECT_FALSE(noise.at("not_visible").contains(k)) << k;
      EXPECT_DOUBLE_EQ(summary.at(k), noise.at(k).get<double>()) << k;
    }
  }
  EXPECT_GE(summary.at("noise_other_cpu_share"), 0.0);
  EXPECT_LE(summary.at("noise_other_cpu_share"), 1.0);
  EXPECT_GT(noise.at("wall_s").get<double>(), 0.0);
}

// The memory strategy is recorded: meta.json's memory section (allocator, THP mode of the system and
// smaps_rollup readings), the automatic release method in config.toml, and the summary's counts.
TEST_F(RunCommand, ArenaRunRecordsItsMemoryStrategy) {
  const Result r = run("run " + ci() + " --run-id arena --set memory.allocator=arena --set memory.thp=always");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path dir = root_ / "arena";
  std::ifstream meta_file(dir / "meta.json");
  const auto meta = nlohmann::json::parse(meta_file);
  const auto& m = meta.at("memory");
  EXPECT_EQ(m.at("allocator"), "arena");
  EXPECT_EQ(m.at("release"), "reuse");
  EXPECT_EQ(m.at("thp"), "always");
  EXPECT_TRUE(m.at("thp_system").at("enabled").is_string() || m.at("thp_system").contains("note"));
  EXPECT_EQ(m.at("arena").at("leases"), 12);
  EXPECT_EQ(m.at("buffers").at("released"), m.at("buffers").at("acquired"));
  if (m.at("smaps_note") == "ok") {
    EXPECT_GT(m.at("smaps").at("after_setup").at("rss_bytes").get<double>(), 0);
    EXPECT_TRUE(m.at("smaps").at("peak").at("anon_huge_pages_bytes").is_number());
  }
  std::ifstream config_file(dir / "config.toml");
  const std::string config((std::istreambuf_iterator<char>(config_file)), std::istreambuf_iterator<char>());
  EXPECT_NE(config.find("release = \"reuse\"  # auto: the arena keeps its pages"), std::string::npos) << config;
  const auto summary = read_summary(dir / "summary.csv");
  EXPECT_EQ(summary.at("buffer_release_calls"), 0);
  EXPECT_EQ(summary.at("buffers_recycled"), m.at("buffers").at("recycled").get<double>());
  EXPECT_EQ(summary.at("arena_slot_waits"), m.at("arena").at("slot_waits").get<double>());
}

TEST_F(RunCommand, DefaultProfileDryRunResolvesAutomaticValues) {
  const Result r = run("run --dry-run -q --results " + root_.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("memory estimate"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("shared CSR"), std::string::npos) << r.output;
  expect_nothing_written();
}

struct BadConfig {
  const char* args;
  const char* expected;  // in the message
};

class RunCommandBadConfig : public RunCommand, public ::testing::WithParamInterface<BadConfig> {};

TEST_P(RunCommandBadConfig, ExitsTwoNamingTheProblemAndWritesNothing) {
  const Result r = run("run " + ci() + " " + GetParam().args);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(GetParam().expected), std::string::npos) << r.output;
  expect_nothing_written();
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RunCommandBadConfig,
    ::testing::Values(
        BadConfig{"--set batch.cuont=3", "did you mean 'batch.count'"},
        BadConfig{"--set batch.count=many", "batch.count"},
        BadConfig{"--set batch.concurrency=0", "an integer in [1, 10000]"},
        BadConfig{"--set engine.finalize=\\\"later\\\"", "one of: inline, split"},
        BadConfig{"--set workload.one_fraction=0.8 --set workload.tail_fraction=0.5", "must be <= 1"},
        BadConfig{"--set gpu.backend=\\\"cuda\\\"", "gpu.backend"},
        BadConfig{"--set workload.scale=1", "refusing to run"},
        BadConfig{"-j 0", "--concurrency"},
        BadConfig{"--run-id a+b", "--run-id 'a+b'"},
        BadConfig{"--run-id .tmp-x", "not starting with '.'"},  // .tmp- marks unfinished folders
        BadConfig{"--set gpu.vram_gib=nan", "gpu.vram_gib: nan is not a finite number"},
        BadConfig{"--set workload.local_fraction=inf", "workload.local_fraction: inf is not a finite number"},
        BadConfig{"--set pinning.groth16=\\\"l3:5\\\"", "pinning.groth16"},
        BadConfig{"--set memory.numa=\\\"node:x\\\"", "accepted forms"},
        BadConfig{"--set topology.xml=\\\"/nonexistent.xml\\\"", "topology.xml"},
        BadConfig{"--set memory.allocator=arena --set memory.release=munmap",
                  "accepted with the arena: \"auto\" or \"reuse\""},
        BadConfig{"--set memory.release=free", "one of: auto, munmap, madv_dontneed, madv_free, reuse"},
        BadConfig{"--set memory.thp=yes", "one of: system, always, never"}));

TEST_F(RunCommand, UnknownKeyInAFileNamesFileAndLine) {
  fs::create_directories(root_.parent_path());
  const fs::path bad = fs::temp_directory_path() / ("zkc-bad-" + std::to_string(getpid()) + ".toml");
  std::ofstream(bad) << "[batch]\ncount = 2\nconcurency = 2\n";
  const Result r = run("run --config " + bad.string() + " -q --results " + root_.string());
  fs::remove(bad);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(bad.filename().string() + ":3"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("batch.concurrency"), std::string::npos) << r.output;
  expect_nothing_written();
}

TEST_F(RunCommand, OutOfMemoryOnTheDeviceFailsWithExitOneAndWritesNothing) {
  const Result r = run("run " + ci() + " --set gpu.vram_gib=0.01");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("out of memory"), std::string::npos) << r.output;
  expect_nothing_written();
}

// Item 9: on a machine without tracefs mounted, the run header says how to get the tier-1 counters.
TEST_F(RunCommand, HeaderSaysHowToMountTracefsWhenItIsNotMounted) {
  const Result r = run("run " + ci() + " --dry-run");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const bool unmounted = !zkc::harness::counters::tracefs_hint().empty();
  EXPECT_EQ(r.output.find("note: tracefs is not mounted") != std::string::npos, unmounted) << r.output;
  if (unmounted) EXPECT_NE(r.output.find("mount -t tracefs nodev /sys/kernel/tracing"), std::string::npos);
}

// Item 4: two runs started together with one id. However they overlap, none loses its results: each
// either finishes in a folder of its own (the second in <id>-2) or is refused at the start (exit 2).
TEST_F(RunCommand, TwoRunsStartedTogetherWithOneIdLoseNothing) {
  const std::string args = "run " + ci() + " --run-id same";
  const pid_t a = zkc::test_support::spawn_zkcontend(args, root_.string() + "-a.log");
  const pid_t b = zkc::test_support::spawn_zkcontend(args, root_.string() + "-b.log");
  const int ca = zkc::test_support::wait_exit(a), cb = zkc::test_support::wait_exit(b);
  const std::string logs = zkc::harness::read_text_file(root_.string() + "-a.log") +
                           zkc::harness::read_text_file(root_.string() + "-b.log");
  fs::remove(root_.string() + "-a.log");
  fs::remove(root_.string() + "-b.log");
  for (const int c : {ca, cb}) EXPECT_TRUE(c == 0 || c == 2) << "exit " << c << "\n" << logs;
  std::size_t finished = 0;
  for (const auto& e : fs::directory_iterator(root_)) {
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << "left behind: " << e.path();
    finished += fs::exists(e.path() / "summary.csv") ? 1 : 0;
  }
  EXPECT_EQ(finished, static_cast<std::size_t>((ca == 0) + (cb == 0))) << logs;
  EXPECT_TRUE(fs::exists(root_ / "same" / "summary.csv"));
  if (ca == 0 && cb == 0) EXPECT_TRUE(fs::exists(root_ / "same-2" / "summary.csv")) << logs;
}

TEST_F(RunCommand, KeysListsEveryKeyDocumentedInTheConfigsReadme) {
  const Result r = run("keys");
  ASSERT_EQ(r.exit_code, 0);
  const std::string readme = zkc::harness::read_text_file(std::string(ZKC_SOURCE_DIR) + "/configs/README.md");
  std::size_t keys = 0;
  std::istringstream lines(r.output);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty() || line[0] == ' ') continue;  // doc lines are indented
    const std::string key = line.substr(0, line.find(' '));
    ++keys;
    EXPECT_NE(readme.find("`" + key + "`"), std::string::npos) << key << " is not documented in configs/README.md";
  }
  EXPECT_GT(keys, 30u);
}

}  // namespace
