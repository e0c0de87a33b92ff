// ab, sweep, report and analyze through the real binary: complete results folders, RFC 4180 CSVs
// that parse strictly, resumable sweeps, and errors that name the problem (exit 2, nothing written).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/results/csv.hpp"
#include "harness/results/text_file.hpp"
#include "tests/support/run_binary.hpp"

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
  std::set<std::pair<std::string, std::string>> s_per_proof;  // (arm, repeat)
  for (const auto& row : rows) {
    ASSERT_EQ(row.fields.size(), 5u);
    if (row.fields[2] == "s_per_proof") s_per_proof.insert({row.fields[0], row.fields[1]});
  }
  EXPECT_EQ(s_per_proof.size(), 4u);
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
  // The terminal ends with the same verdict: at n=2 nothing can be significant, and it says so.
  const std::size_t verdict = r.output.rfind("Verdict\n");
  ASSERT_NE(verdict, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Inconclusive at n=2", verdict), std::string::npos) << r.output.substr(verdict);
  EXPECT_EQ(r.output.find(" *", verdict), std::string::npos);
  EXPECT_NE(html.find("Inconclusive at n=2"), std::string::npos);
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
  fs::create_directories(dir / "runs" / ".tmp-stale-123");
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

}  // namespace
