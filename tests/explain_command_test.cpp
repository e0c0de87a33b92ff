// `ab --isolation`, `sweep --isolation` and `explain` through the real binary: isolation runs kept
// apart from the statistics, attribution.csv whose parts add up to each stage's inflation, the report
// section and the by-cause verdict, and errors that say what is missing (exit 2, nothing written).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/results/csv.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/run_binary.hpp"

namespace {

namespace fs = std::filesystem;
using zkc::test_support::run_zkcontend;

class Explain : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() /
            ("zkc-explain-" + std::to_string(getpid()) + "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string src(const std::string& rel) const { return std::string(ZKC_SOURCE_DIR) + "/" + rel; }
  fs::path root_;
};

// Every row: loaded - isolation = inflation = the sum of the four parts (4 decimals in the file).
void expect_parts_add_up(const fs::path& csv_path) {
  const auto records = zkc::harness::parse_csv(zkc::harness::read_text_file(csv_path), csv_path.string());
  ASSERT_GT(records.size(), 5u);
  const auto& h = records[0].fields;
  const auto col = [&](const char* name) {
    const auto it = std::find(h.begin(), h.end(), name);
    EXPECT_NE(it, h.end()) << name;
    return static_cast<std::size_t>(it - h.begin());
  };
  const auto num = [](const std::string& s) { return std::stod(s); };
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    ASSERT_EQ(f.size(), h.size());
    const double inflation = num(f[col("inflation_ms")]);
    EXPECT_NEAR(num(f[col("loaded_ms")]) - num(f[col("isolation_ms")]), inflation, 2e-4) << "line " << records[r].line;
    const double sum = num(f[col("run_queue_ms")]) + num(f[col("wait_ms")]) + num(f[col("on_cpu_ms")]) +
                       num(f[col("remainder_ms")]);
    EXPECT_NEAR(sum, inflation, 4e-4) << "line " << records[r].line;
  }
}

TEST_F(Explain, AbIsolationRunsEachArmAtC1J1OutsideTheStatisticsAndExplainAttributesEveryStage) {
  const auto r = run_zkcontend("ab --config " + src("configs/ci.toml") +
                               " --arms baseline,I1 --repeats 1 --warmup 0 --isolation -q --results " + root_.string() +
                               " --id ab1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path dir = root_ / "ab1";
  for (const char* run : {"baseline-r0", "I1-r0"}) {
    ASSERT_TRUE(zkc::harness::is_run_folder(dir / "isolation" / run)) << run;
    const std::string config = zkc::harness::read_text_file(dir / "isolation" / run / "config.toml");
    EXPECT_NE(config.find("count = 1"), std::string::npos) << config;
  }
  const auto ab = nlohmann::json::parse(zkc::harness::read_text_file(dir / "ab.json"));
  ASSERT_EQ(ab.at("isolation").size(), 2u);
  // The statistics are the measured runs' only.
  const std::string ab_csv = zkc::harness::read_text_file(dir / "ab.csv");
  EXPECT_EQ(ab_csv.find("isolation/"), std::string::npos);
  EXPECT_NE(r.output.find("What each arm changed, by cause"), std::string::npos) << r.output;
  const std::string md = zkc::harness::read_text_file(dir / "report.md");
  EXPECT_NE(md.find("Why stages inflate"), std::string::npos);
  EXPECT_NE(md.find("What each arm changed, by cause"), std::string::npos);
  EXPECT_NE(zkc::harness::read_text_file(dir / "report.html").find("attribution-chart"), std::string::npos);

  const auto e = run_zkcontend("explain " + dir.string());
  ASSERT_EQ(e.exit_code, 0) << e.output;
  EXPECT_NE(e.output.find("witness_gen"), std::string::npos) << e.output;
  EXPECT_NE(e.output.find("run queue"), std::string::npos) << e.output;
  expect_parts_add_up(dir / "attribution.csv");

  // An ab.json whose isolation entry points outside isolation/ is a damaged input: exit 2, named.
  auto damaged = ab;
  damaged["isolation"][0]["run"] = "../../etc";
  zkc::harness::write_text_file(dir / "ab.json", damaged.dump(2));
  const auto bad = run_zkcontend("report " + dir.string());
  EXPECT_EQ(bad.exit_code, 2) << bad.output;
  EXPECT_NE(bad.output.find("isolation run '../../etc': accepted: isolation/<run folder>"), std::string::npos)
      << bad.output;
}

TEST_F(Explain, ARunNeedsAReferenceAndTakesOneWithReference) {
  const std::string common = " --config " + src("configs/ci.toml") + " -q --results " + root_.string();
  ASSERT_EQ(run_zkcontend("run -c 2 -j 2 --run-id loaded" + common).exit_code, 0);
  const auto none = run_zkcontend("explain " + (root_ / "loaded").string());
  EXPECT_EQ(none.exit_code, 2) << none.output;
  EXPECT_NE(none.output.find("no isolation reference"), std::string::npos) << none.output;
  EXPECT_NE(none.output.find("--reference"), std::string::npos) << none.output;
  EXPECT_FALSE(fs::exists(root_ / "loaded" / "attribution.csv"));

  ASSERT_EQ(run_zkcontend("run -c 1 -j 1 --run-id iso" + common).exit_code, 0);
  const auto with = run_zkcontend("explain " + (root_ / "loaded").string() + " --reference " + (root_ / "iso").string());
  ASSERT_EQ(with.exit_code, 0) << with.output;
  expect_parts_add_up(root_ / "loaded" / "attribution.csv");
}

TEST_F(Explain, SomethingElseIsUsageErrorNamingIt) {
  fs::create_directories(root_ / "empty");
  const auto r = run_zkcontend("explain " + (root_ / "empty").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find((root_ / "empty").string() + ": neither a run folder"), std::string::npos) << r.output;
  const auto ref = run_zkcontend("explain " + (root_ / "empty").string() + " --reference " + (root_ / "empty").string());
  EXPECT_EQ(ref.exit_code, 2) << ref.output;
  EXPECT_TRUE(fs::is_empty(root_ / "empty"));
}

TEST_F(Explain, SweepIsolationAddsTheC1J1PointForEveryArmOnce) {
  const auto r = run_zkcontend("sweep --spec " + src("configs/sweeps/ci.toml") + " --isolation --dry-run --results " +
                               root_.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("--isolation: added the point c=1 j=1 for every arm"), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("3 points x 2 arms"), std::string::npos) << r.output;  // the spec's 2, and isolation
  // --set cannot move the isolation point off c=1 j=1.
  const auto moved = run_zkcontend("sweep --spec " + src("configs/sweeps/ci.toml") +
                                   " --isolation --set batch.concurrency=8 --dry-run --results " + root_.string());
  EXPECT_EQ(moved.exit_code, 2) << moved.output;
  EXPECT_NE(moved.output.find("--set batch.concurrency=8 with --isolation"), std::string::npos) << moved.output;
  // A spec that has the point already gets no second one.
  const auto has = run_zkcontend("sweep --spec " + src("configs/sweeps/explain-pw.toml") +
                                 " --isolation --dry-run --results " + root_.string());
  ASSERT_EQ(has.exit_code, 0) << has.output;
  EXPECT_EQ(has.output.find("added the point"), std::string::npos) << has.output;
}

}  // namespace
