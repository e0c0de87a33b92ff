// ab, sweep, report and analyze through the real binary: complete results folders, RFC 4180 CSVs
// that parse strictly, resumable sweeps, and errors that name the problem (exit 2, nothing written).
#include <gtest/gtest.h>
#include <unistd.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <map>
#include <thread>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/results/csv.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/system/text_file.hpp"
#include "harness/results/timeline_csv.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/support/small_tmpfs.hpp"

namespace {

namespace fs = std::filesystem;
using zkc::test_support::run_zkcontend;

class Commands : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("zkc-cmd-" + std::to_string(getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string src(const std::string& rel) const { return std::string(ZKC_SOURCE_DIR) + "/" + rel; }
  std::set<std::string> run_names(const fs::path& dir) const {
    std::set<std::string> out;
    for (const auto& e : fs::directory_iterator(dir / "runs")) out.insert(e.path().filename().string());
    return out;
  }
  fs::path root_;
};

std::vector<zkc::harness::CsvRecord> csv(const fs::path& p) {
  return zkc::harness::parse_csv(zkc::harness::read_text_file(p), p.string());  // strict: throws on bad quoting
}

TEST_F(Commands, AbRunsEveryArmAndRepeatWritesLongCsvAndReports) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") + " --arms baseline,I1 --repeats 2 -c 1 -q " +
                               "--results " + root_.string() + " --id ab1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path dir = root_ / "ab1";
  EXPECT_EQ(run_names(dir), (std::set<std::string>{"I1-r0", "I1-r1", "baseline-r0", "baseline-r1"}));
  for (const auto& run : run_names(dir)) EXPECT_TRUE(fs::exists(dir / "runs" / run / "trace.json")) << run;
  const auto rows = csv(dir / "ab.csv");
  ASSERT_GT(rows.size(), 4u);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"arm", "repeat", "metric", "value", "run"}));
  std::set<std::pair<std::string, std::string>> s_per_proof, other_cpu;  // (arm, repeat)
  for (const auto& row : rows) {
    ASSERT_EQ(row.fields.size(), 5u);
    if (row.fields[2] == "s_per_proof") s_per_proof.insert({row.fields[0], row.fields[1]});
    // Noise readings land per run beside the metrics (/proc/stat is there on every Linux).
    if (row.fields[2] == "noise_other_cpu_share") {
      other_cpu.insert({row.fields[0], row.fields[1]});
      EXPECT_GE(std::stod(row.fields[3]), 0.0);
      EXPECT_LE(std::stod(row.fields[3]), 1.0);
    }
  }
  EXPECT_EQ(s_per_proof.size(), 4u);
  EXPECT_EQ(other_cpu, s_per_proof);
  EXPECT_TRUE(fs::exists(dir / "report.html"));
  EXPECT_TRUE(fs::exists(dir / "report.md"));
  EXPECT_NE(r.output.find("median [95% CI]"), std::string::npos) << r.output;
}

TEST_F(Commands, AbCounterbalancesRecordsItsOrderWarmsUpAndPrintsTheReportsVerdict) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") +
                               " --arms baseline,I1+I2+I3,arena --repeats 2 -c 1 -q --order-seed 5 --results " +
                               root_.string() + " --id ab2");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path dir = root_ / "ab2";
  EXPECT_EQ(run_names(dir).size(), 6u);  // the warm-up is not among the measured runs
  ASSERT_TRUE(fs::is_directory(dir / "warmup"));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir / "warmup"), fs::directory_iterator()), 1);
  for (const auto& row : csv(dir / "ab.csv")) EXPECT_EQ(row.fields[4].find("warmup"), std::string::npos);

  const auto j = nlohmann::json::parse(zkc::harness::read_text_file(dir / "ab.json"));
  EXPECT_EQ(j.at("order").at("mode"), "balanced");
  EXPECT_EQ(j.at("order").at("seed"), 5);
  const auto rounds = j.at("order").at("rounds").get<std::vector<std::vector<std::string>>>();
  ASSERT_EQ(rounds.size(), 2u);
  EXPECT_NE(rounds[0].front(), rounds[1].front()) << "the first position rotates between rounds";
  // Found by its overrides, not by being last.
  EXPECT_EQ(j.at("after").at("arm"), "I1+I2+I3");
  EXPECT_EQ(j.at("warmup").size(), 1u);

  // The report opens with the verdict; Expected Results compares with I1+I2+I3.
  const std::string html = zkc::harness::read_text_file(dir / "report.html");
  EXPECT_EQ(html.find("<table"), html.find("<table class=\"verdict\""));
  EXPECT_LT(html.find("id=\"verdict\""), html.find("<svg"));
  EXPECT_NE(html.find("after I1+I2+I3"), std::string::npos);
  EXPECT_NE(html.find("Arm order per round: balanced (seed 5)"), std::string::npos);
  std::size_t waterfalls = 0;
  for (std::size_t p = 0; (p = html.find("class=\"waterfall\"", p)) != std::string::npos; ++p) ++waterfalls;
  EXPECT_EQ(waterfalls, 3u);  // one per arm
  // The terminal ends with the same verdict: 2 rounds cannot bound an interval, and it says so.
  const std::size_t verdict = r.output.rfind("Verdict\n");
  ASSERT_NE(verdict, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Undecided: ", verdict), std::string::npos) << r.output.substr(verdict);
  EXPECT_NE(r.output.find("fixed design", verdict), std::string::npos) << r.output.substr(verdict);
  EXPECT_NE(html.find("Undecided: "), std::string::npos);
  // ab.json records the design and why it stopped; the report says the same.
  EXPECT_EQ(j.at("design").at("kind"), "fixed");
  EXPECT_EQ(j.at("design").at("rounds"), 2);
  EXPECT_EQ(j.at("design").at("stopped"), "fixed design: 2 rounds");
  EXPECT_EQ(j.at("interrupted"), false);
  EXPECT_NE(html.find("stopped: fixed design: 2 rounds"), std::string::npos);
}

// The default design: rounds until decided, within --max-rounds; decided arms leave later rounds.
TEST_F(Commands, AbSequentialStopsAtItsLimitAndRecordsWhy) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") +
                               " --arms baseline,I1 --max-rounds 3 --margin 40 -c 1 -q --warmup 0 --results " +
                               root_.string() + " --id s");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto j = nlohmann::json::parse(zkc::harness::read_text_file(root_ / "s" / "ab.json"));
  const auto& d = j.at("design");
  EXPECT_EQ(d.at("kind"), "sequential");
  EXPECT_EQ(d.at("max_rounds"), 3);
  EXPECT_EQ(d.at("rounds"), 3);  // 3 rounds cannot bound the interval at any margin
  EXPECT_EQ(d.at("stopped"), "--max-rounds 3 reached");
  EXPECT_EQ(d.at("margin_pct"), 40.0);
  EXPECT_EQ(run_names(root_ / "s").size(), 6u);
  // Each round's status line, then the verdict with the design sentence.
  EXPECT_NE(r.output.find("round 3"), std::string::npos) << r.output;
  const std::size_t verdict = r.output.rfind("Verdict\n");
  ASSERT_NE(verdict, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("sequential design", verdict), std::string::npos) << r.output.substr(verdict);
  EXPECT_NE(r.output.find("stopped: --max-rounds 3 reached", verdict), std::string::npos) << r.output.substr(verdict);
}

// --controls: two more arms in the same rounds, outside the family, judged against what is expected.
TEST_F(Commands, AbControlsAddANegativeAndAPositiveControl) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") +
                               " --arms baseline --controls --control-effect 5 --repeats 1 -c 1 -q --warmup 0 "
                               "--results " + root_.string() + " --id c");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path dir = root_ / "c";
  EXPECT_EQ(run_names(dir), (std::set<std::string>{"baseline-r0", "neg-control-r0", "pos-control-r0"}));
  const auto j = nlohmann::json::parse(zkc::harness::read_text_file(dir / "ab.json"));
  const auto& controls = j.at("design").at("controls");
  ASSERT_EQ(controls.size(), 2u);
  EXPECT_EQ(controls[0].at("arm"), "neg-control");
  EXPECT_EQ(controls[0].at("expect"), "equivalent");
  EXPECT_EQ(controls[1].at("arm"), "pos-control");
  EXPECT_EQ(controls[1].at("expect"), "slower");
  // The positive control's extra work reaches its run's configuration and its witness generation.
  const std::string config = zkc::harness::read_text_file(dir / "runs" / "pos-control-r0" / "config.toml");
  EXPECT_NE(config.find("extra_cost = 0.05"), std::string::npos) << config;
  const std::string base_config = zkc::harness::read_text_file(dir / "runs" / "neg-control-r0" / "config.toml");
  EXPECT_EQ(base_config.find("extra_cost = 0.05"), std::string::npos);
  const std::string html = zkc::harness::read_text_file(dir / "report.html");
  EXPECT_NE(html.find("<table class=\"controls\""), std::string::npos);
  EXPECT_NE(r.output.find("Controls: 0 of 2 classified as expected"), std::string::npos) << r.output;
  // Judged outside the family: the baseline has no other arm, so its family is empty of user arms.
  EXPECT_NE(r.output.find("over 1 arm"), std::string::npos) << r.output;
}

TEST_F(Commands, AbDesignOptionsAreCheckedBeforeAnyRun) {
  const std::string base = "ab --config " + src("configs/ci.toml") + " --arms baseline,I1 -q --results " + root_.string();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {" --budget soon", "--budget 'soon': accepted: a wall time above 0"},
      {" --budget 0", "--budget '0': accepted"},
      {" --budget 4m30", "--budget '4m30'"},
      {" --repeats 3 --budget 60", "--repeats fixes the design"},
      {" --repeats 3 --max-rounds 9", "--repeats fixes the design"},
      {" --margin 0", "--margin 0: accepted: a percentage above 0 and below 50"},
      {" --controls --control-effect 80", "--control-effect 80: accepted"},
  };
  for (const auto& [args, message] : cases) {
    const auto r = run_zkcontend(base + args);
    EXPECT_EQ(r.exit_code, 2) << args << "\n" << r.output;
    EXPECT_NE(r.output.find(message), std::string::npos) << args << "\n" << r.output;
  }
  EXPECT_FALSE(fs::exists(root_) && !fs::is_empty(root_)) << "nothing written for bad input";
}

TEST_F(Commands, AbAfterMustNameAnArmBeingRun) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") + " --arms baseline,I1 --after I1+I2+I3 -q " +
                               "--results " + root_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--after 'I1+I2+I3': not an arm of this A/B (arms: baseline, I1)"), std::string::npos)
      << r.output;
  EXPECT_FALSE(fs::exists(root_) && !fs::is_empty(root_));
  const auto bad = run_zkcontend("ab --config " + src("configs/ci.toml") + " --order sideways -q --results " +
                                 root_.string());
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("--order"), std::string::npos) << bad.output;
}

TEST_F(Commands, AbUnknownArmIsUsageErrorListingTheKnownOnes) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") + " --arms baseline,I9 -q --results " +
                               root_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("unknown arm 'I9'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("I1+I2+I3"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(root_) && !fs::is_empty(root_));
}

TEST_F(Commands, AbArmWithABadKeyNamesTheArm) {
  const fs::path arms = root_.string() + "-arms.toml";
  zkc::harness::write_text_file(arms, "[arms.fast]\n\"gpus.gpu_thread\" = 4\n");
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") + " --arms-file " + arms.string() +
                               " --arms fast -q --results " + root_.string());
  fs::remove(arms);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("arm 'fast'"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("gpus.gpu_threads"), std::string::npos) << r.output;  // the closest key
}

TEST_F(Commands, SweepResumesToTheSameSetOfRuns) {
  const std::string cmd = "sweep --spec " + src("configs/sweeps/ci.toml") + " -q --results " + root_.string() + " --id s1";
  const auto first = run_zkcontend(cmd);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const fs::path dir = root_ / "s1";
  const auto all = run_names(dir);
  EXPECT_EQ(all.size(), 8u);  // 2 points x 2 arms x 2 repeats
  const auto rows = csv(dir / "sweep.csv");
  ASSERT_EQ(rows.size(), 9u);
  EXPECT_EQ(rows[0].fields[4], "batch.concurrency");

  // As if interrupted: two runs never finished, one left a temporary folder behind.
  fs::remove_all(dir / "runs" / *all.begin());
  fs::remove_all(dir / "runs" / *all.rbegin());
  fs::create_directories(dir / "runs" / ".tmp-stale-2147483647");  // its pid cannot exist: killed hard
  const auto second = run_zkcontend(cmd);
  ASSERT_EQ(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("6 already done"), std::string::npos) << second.output;
  EXPECT_EQ(run_names(dir), all);
  EXPECT_EQ(csv(dir / "sweep.csv").size(), 9u);

  const auto third = run_zkcontend(cmd + " --dry-run");
  EXPECT_EQ(third.exit_code, 0);
  EXPECT_NE(third.output.find("8 already done"), std::string::npos) << third.output;
}

TEST_F(Commands, SweepSpecErrorsNameFileLineAndWhatIsAccepted) {
  const fs::path spec = root_.string() + "-spec.toml";
  zkc::harness::write_text_file(spec, "[sweep]\nrepeats = 0\n");
  auto r = run_zkcontend("sweep --spec " + spec.string() + " -q --results " + root_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find(spec.filename().string() + ":2"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("an integer in [1, 1000]"), std::string::npos) << r.output;
  zkc::harness::write_text_file(spec, "[sweep]\n[grid]\n\"batch.cuont\" = [1, 2]\n");
  r = run_zkcontend("sweep --spec " + spec.string() + " -q --results " + root_.string());
  fs::remove(spec);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("batch.count"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(root_) && !fs::is_empty(root_));
}

TEST_F(Commands, AnalyzeMeasuresAProverLog) {
  const auto r = run_zkcontend("analyze --timeline " + src("tests/fixtures/logs/two_proofs.log") +
                               " --partitions 2 --results " + root_.string() + " --id log1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path dir = root_ / "log1";
  for (const char* f : {"summary.csv", "summary.json", "timeline.csv", "report.html", "report.md"}) {
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  }
  bool found = false;
  for (const auto& row : csv(dir / "summary.csv")) {
    if (row.fields[0] == "s_per_proof") {
      EXPECT_DOUBLE_EQ(std::stod(row.fields[1]), 1.625);  // 3250 ms / 2 proofs (hand-worked in the fixture test)
      found = true;
    }
  }
  EXPECT_TRUE(found);
}

// Today's log (hand-worked in analysis_ingest_current_test): the other kinds counted, their rows written.
TEST_F(Commands, AnalyzeReadsTodaysLog) {
  const auto r = run_zkcontend("analyze --timeline " + src("tests/fixtures/logs/current_era.log") + " --results " +
                               root_.string() + " --id today");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("248 lines, 60 TIMELINE events, 102 CUZK_TIMING lines, 26 ignored, 0 malformed"),
            std::string::npos) << r.output;
  EXPECT_NE(r.output.find("also read: 10 CUZK_NTT_H, 2 pacer: status, 48 pinned pool lines"), std::string::npos);
  EXPECT_NE(r.output.find("cuzk_ntt_h_d_b_alloc_later_mean"), std::string::npos) << r.output;
  std::map<std::string, std::string> value;
  for (const auto& row : csv(root_ / "today" / "summary.csv")) value[row.fields[0]] = row.fields[1];
  EXPECT_EQ(value["pinned_allocations"], "6");
  EXPECT_EQ(value["pinned_reuses"], "18");
  EXPECT_EQ(value["cuzk_pacer_interval_ms_last"], "353");
}

TEST_F(Commands, AnalyzeReportsMalformedLinesWithTheirNumbers) {
  const auto r = run_zkcontend("analyze --timeline " + src("tests/fixtures/logs/malformed.log") + " --results " +
                               root_.string() + " --id bad");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("malformed.log:3:"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("malformed.log:15:"), std::string::npos) << r.output;
}

TEST_F(Commands, AnalyzeWithoutTimelineLinesIsUsageError) {
  const fs::path log = root_.string() + "-empty.log";
  zkc::harness::write_text_file(log, "nothing to see\n");
  const auto r = run_zkcontend("analyze --timeline " + log.string() + " --results " + root_.string());
  fs::remove(log);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("no valid TIMELINE lines"), std::string::npos) << r.output;
}

TEST_F(Commands, ReportOnARunFolderHasOneWaterfall) {
  ASSERT_EQ(run_zkcontend("run --config " + src("configs/ci.toml") + " -q --results " + root_.string() + " --run-id r1")
                .exit_code,
            0);
  const auto r = run_zkcontend("report " + (root_ / "r1").string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::string html = zkc::harness::read_text_file(root_ / "r1" / "report.html");
  std::size_t waterfalls = 0;
  for (std::size_t p = 0; (p = html.find("class=\"waterfall\"", p)) != std::string::npos; ++p) ++waterfalls;
  EXPECT_EQ(waterfalls, 1u);
  EXPECT_TRUE(fs::exists(root_ / "r1" / "trace.json"));
}

TEST_F(Commands, ReportOnSomethingElseIsUsageError) {
  fs::create_directories(root_);
  const auto r = run_zkcontend("report " + root_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("neither a run folder"), std::string::npos) << r.output;
}

// ---- issue 16: every promise holds under faults ----

// Complete run folders under <dir>/runs (what a reader may take as finished).
std::size_t complete_runs(const fs::path& dir) {
  std::size_t n = 0;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir / "runs", ec)) n += zkc::harness::is_run_folder(e.path()) ? 1 : 0;
  return n;
}

// Waits (bounded) until a spawned command has completed `n` runs; the result says whether it did, the
// pass/fail of the callers never depends on how long that took.
bool wait_for_runs(const fs::path& dir, std::size_t n) {
  for (int i = 0; i < 2400 && complete_runs(dir) < n; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return complete_runs(dir) >= n;
}

// Every folder that looks finished is whole: each of its files parses.
void expect_whole_run(const fs::path& run) {
  SCOPED_TRACE(run.string());
  EXPECT_NO_THROW(zkc::harness::read_timeline_csv(run / "timeline.csv"));
  EXPECT_NO_THROW(zkc::harness::read_summary_csv(run / "summary.csv"));
  EXPECT_NO_THROW(csv(run / "stages.csv"));
  EXPECT_FALSE(nlohmann::json::parse(zkc::harness::read_text_file(run / "meta.json"), nullptr, false).is_discarded());
  EXPECT_FALSE(nlohmann::json::parse(zkc::harness::read_text_file(run / "summary.json"), nullptr, false).is_discarded());
  if (fs::exists(run / "trace.json")) {
    EXPECT_FALSE(nlohmann::json::parse(zkc::harness::read_text_file(run / "trace.json"), nullptr, false).is_discarded());
  }
}

std::map<std::string, double> summary_values(const fs::path& file) {
  std::map<std::string, double> out;
  for (const auto& row : zkc::harness::read_summary_csv(file)) {
    if (std::isfinite(row.value)) out[row.name] = row.value;
  }
  return out;
}

// Item 1: a sweep whose first run fails used to abort (exit 134) writing sweep.csv into a folder that
// did not exist.
TEST_F(Commands, SweepWhoseFirstRunFailsExitsOneAndKeepsNothing) {
  const auto r = run_zkcontend("sweep --spec " + src("configs/sweeps/ci.toml") + " -q --results " + root_.string() +
                               " --set gpu.vram_gib=0.001 --set 'workload.balance=\"uniform\"'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("out of memory"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("terminate called"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("No run of this sweep has completed"), std::string::npos) << r.output;
  EXPECT_TRUE(!fs::exists(root_) || fs::is_empty(root_)) << "something was kept under " << root_;
}

// Item 6: spec edge cases that used to run something else than asked.
TEST_F(Commands, SweepSpecsWithoutASweepOrArmsOrWithAHugeGridAreRefused) {
  const fs::path spec = root_.string() + "-spec.toml";
  struct Case {
    std::string text, expected;
  };
  std::string huge = "[sweep]\n[grid]\n";
  for (const char* k : {"batch.count", "batch.concurrency", "gpus.gpu_threads", "synthesis.partition_workers",
                        "workload.partitions", "gpus.gpu_workers_per_device"}) {
    huge += std::string("\"") + k + "\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n";  // 10^6 points
  }
  for (const Case& c : {Case{"", "no [sweep] table (the file is empty)"},
                        Case{"[grid]\n\"batch.count\" = [1, 2]\n", "no [sweep] table"},
                        Case{"[sweep]\narms = []\n", "sweep.arms: accepted: a non-empty array"},
                        Case{huge, "the grid has more than 10000 points"},
                        Case{"[sweep]\nrepeats = 1000\n[grid]\n\"batch.count\" = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]\n",
                             "= 11000 runs; at most 10000"}}) {
    zkc::harness::write_text_file(spec, c.text);
    const auto r = run_zkcontend("sweep --spec " + spec.string() + " -q --dry-run --results " + root_.string());
    EXPECT_EQ(r.exit_code, 2) << c.text << r.output;
    EXPECT_NE(r.output.find(c.expected), std::string::npos) << r.output;
  }
  fs::remove(spec);
  EXPECT_TRUE(!fs::exists(root_) || fs::is_empty(root_));
}

// Item 5: arm names that meet in one folder are refused before any run.
TEST_F(Commands, AbArmsSharingARunFolderAreRefusedBeforeAnyRun) {
  const fs::path arms = root_.string() + "-arms.toml";
  zkc::harness::write_text_file(arms, "[arms.\"I1+I2\"]\n\"interventions.serialize_dealloc\" = true\n"
                                      "[arms.\"I1-I2\"]\n\"gpus.gpu_threads\" = 1\n");
  auto r = run_zkcontend("ab --config " + src("configs/ci.toml") + " --arms-file " + arms.string() +
                         " --arms I1+I2,I1-I2 -q --results " + root_.string());
  fs::remove(arms);
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("would share the run folder name 'I1-I2'"), std::string::npos) << r.output;
  r = run_zkcontend("ab --config " + src("configs/ci.toml") + " --arms baseline,baseline -q --results " +
                    root_.string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("selected twice"), std::string::npos) << r.output;
  EXPECT_TRUE(!fs::exists(root_) || fs::is_empty(root_));
}

TEST_F(Commands, AbWhoseFirstRunFailsKeepsNothingAndSaysSo) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") + " --arms baseline --repeats 1 -q --results " +
                               root_.string() + " --id y --set gpu.vram_gib=0.001 --set 'workload.balance=\"uniform\"'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("No run completed; nothing was kept"), std::string::npos) << r.output;
  EXPECT_EQ(r.output.find("Completed runs are kept"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(root_ / "y"));
}

// Item 8: analyze on a run's own timeline.csv (as written: header, quoted details), and on its rows
// behind the TIMELINE marker, measures what the run measured.
TEST_F(Commands, AnalyzeOfARunsTimelineReproducesItsSummary) {
  ASSERT_EQ(run_zkcontend("run --config " + src("configs/ci.toml") + " -q --results " + root_.string() + " --run-id r1")
                .exit_code,
            0);
  const fs::path run = root_ / "r1";
  std::string marked;
  {
    const std::string text = zkc::harness::read_text_file(run / "timeline.csv");
    std::size_t start = text.find('\n') + 1;  // past the header
    while (start < text.size()) {
      const std::size_t end = text.find('\n', start);
      marked += "TIMELINE," + text.substr(start, end - start + 1);
      start = end + 1;
    }
  }
  const fs::path marked_log = root_ / "marked.log";
  zkc::harness::write_text_file(marked_log, marked);
  const auto expected = summary_values(run / "summary.csv");
  for (const auto& [input, id] : {std::pair{run / "timeline.csv", "a1"}, std::pair{marked_log, "a2"}}) {
    const auto r = run_zkcontend("analyze --timeline " + input.string() + " --results " + root_.string() + " --id " + id);
    ASSERT_EQ(r.exit_code, 0) << r.output;
    EXPECT_NE(r.output.find(" 0 malformed"), std::string::npos) << r.output;
    const auto got = summary_values(root_ / id / "summary.csv");
    std::size_t compared = 0;
    for (const auto& [name, value] : got) {
      if (name.starts_with("cuzk_")) continue;  // the prover log's own timings: none in a harness run
      const auto it = expected.find(name);
      ASSERT_NE(it, expected.end()) << name << " is not in the run's summary";
      // Offsets are written with 3 decimals: each end of a duration moves by 0.5 us at most.
      EXPECT_NEAR(value, it->second, 2e-3 * std::max(1.0, std::abs(it->second))) << id << ": " << name;
      ++compared;
    }
    EXPECT_GT(compared, 30u);
    for (const char* m : {"avg_prove_s", "lock_wait_ms_p50", "prep_msm_ms_p50", "max_concurrent_dealloc_cpp"}) {
      EXPECT_TRUE(got.count(m)) << m;
    }
  }
}

// Item 7: a timeline cut mid-field is a damaged input (exit 2 naming the line), not a shorter run.
TEST_F(Commands, ReportOfATimelineCutMidFieldIsUsageError) {
  ASSERT_EQ(run_zkcontend("run --config " + src("configs/ci.toml") + " -q --results " + root_.string() + " --run-id r1")
                .exit_code,
            0);
  const fs::path timeline = root_ / "r1" / "timeline.csv";
  std::string text = zkc::harness::read_text_file(timeline);
  const std::size_t lines = static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n'));
  zkc::harness::write_text_file(timeline, text + "400.5,GPU_QUEUE,proof-0002,partit");
  const auto r = run_zkcontend("report " + (root_ / "r1").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("timeline.csv:" + std::to_string(lines + 1)), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("cut short"), std::string::npos) << r.output;
}

// Items 3 and 7, fault injection: a full disk. A run that cannot write its results leaves nothing; a
// report that cannot be written exits 1 (the machine, not the input) and leaves no cut file.
TEST_F(Commands, FullDiskLeavesNothingCutAndReportExitsOne) {
  zkc::test_support::SmallTmpfs small(32);
  if (!small.available()) GTEST_SKIP() << small.why();
  auto r = run_zkcontend("run --config " + src("configs/ci.toml") + " -q --results " + small.path().string() +
                         " --run-id full");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  EXPECT_TRUE(fs::is_empty(small.path())) << "a run that could not be written left something";

  zkc::test_support::SmallTmpfs disk(160);  // room for a run, not for its reports as well
  ASSERT_EQ(run_zkcontend("run --config " + src("configs/ci.toml") + " -q --results " + disk.path().string() +
                          " --run-id r1")
                .exit_code,
            0);
  const fs::path run = disk.path() / "r1";
  r = run_zkcontend("report " + run.string());
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_NE(r.output.find("No space left on device"), std::string::npos) << r.output;
  if (fs::exists(run / "report.html")) {
    const std::string html = zkc::harness::read_text_file(run / "report.html");
    EXPECT_TRUE(html.ends_with("</html>\n")) << "report.html is cut at " << html.size() << " bytes";
  }
  expect_whole_run(run);
  for (const auto& e : fs::directory_iterator(run)) {
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << "temporary left: " << e.path();
  }
}

// Item 7: SIGTERM (a service manager, `timeout`) stops an A/B as Ctrl-C does: after the current run,
// with ab.csv and the reports of what completed.
TEST_F(Commands, SigtermStopsAnAbCleanlyAfterTheCurrentRun) {
  const fs::path dir = root_ / "t";
  const pid_t pid = zkc::test_support::spawn_zkcontend(
      "ab --config " + src("configs/ci.toml") + " --arms baseline --repeats 40 -c 1 -q --results " + root_.string() +
          " --id t",
      root_.string() + "-term.log");
  ASSERT_GT(pid, 0);
  const bool started = wait_for_runs(dir, 1);
  ::kill(pid, SIGTERM);
  const int code = zkc::test_support::wait_exit(pid);
  const std::string log = zkc::harness::read_text_file(root_.string() + "-term.log");
  fs::remove(root_.string() + "-term.log");
  ASSERT_TRUE(started) << log;
  EXPECT_EQ(code, 143) << log;  // 128 + SIGTERM, after a clean stop
  EXPECT_NE(log.find("SIGTERM received"), std::string::npos) << log;
  const std::size_t runs = complete_runs(dir);
  EXPECT_GE(runs, 1u);
  EXPECT_LT(runs, 40u);
  std::set<std::string> in_csv;
  for (const auto& row : csv(dir / "ab.csv")) {
    if (row.fields[0] != "arm") in_csv.insert(row.fields[4]);
  }
  EXPECT_EQ(in_csv.size(), runs);
  EXPECT_TRUE(fs::exists(dir / "report.html"));
  // Marked interrupted everywhere a finished A/B would look whole.
  const auto j = nlohmann::json::parse(zkc::harness::read_text_file(dir / "ab.json"));
  EXPECT_EQ(j.at("interrupted"), true);
  EXPECT_EQ(j.at("design").at("stopped"), "interrupted");
  EXPECT_NE(zkc::harness::read_text_file(dir / "report.html").find("the A/B was interrupted"), std::string::npos);
}

// Fault injection: kill -9 in the middle of a sweep. Every folder that looks finished is whole, and
// running the same command again completes the sweep.
TEST_F(Commands, KillNineDuringASweepLosesNoFinishedRun) {
  const std::string cmd = "sweep --spec " + src("configs/sweeps/ci.toml") + " -q --results " + root_.string() + " --id k";
  const fs::path dir = root_ / "k";
  const pid_t pid = zkc::test_support::spawn_zkcontend(cmd, root_.string() + "-kill.log");
  ASSERT_GT(pid, 0);
  const bool started = wait_for_runs(dir, 1);
  ::kill(pid, SIGKILL);
  zkc::test_support::wait_exit(pid);
  fs::remove(root_.string() + "-kill.log");
  ASSERT_TRUE(started);
  for (const auto& e : fs::directory_iterator(dir / "runs")) {
    if (!e.path().filename().string().starts_with(".")) expect_whole_run(e.path());
  }
  const auto again = run_zkcontend(cmd);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(complete_runs(dir), 8u);
  for (const auto& e : fs::directory_iterator(dir / "runs")) {
    EXPECT_FALSE(e.path().filename().string().starts_with(".")) << "left behind: " << e.path();
    expect_whole_run(e.path());
  }
  EXPECT_EQ(csv(dir / "sweep.csv").size(), 9u);
}

}  // namespace
