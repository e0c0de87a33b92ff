// `zkcontend model` and `zkcontend plan` end to end, through the real binary: the prediction's JSON,
// a results folder that `report` reads, determinism, the seed's published Phase 9 sweep reproduced
// in virtual time, plan's ranking within the memory, and bad input refused (exit 2, nothing written).
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zkc::test_support::run_zkcontend;
using zkc::test_support::TempDir;

std::string src(const std::string& rel) { return std::string(ZKC_SOURCE_DIR) + "/" + rel; }

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every machine parameter given, so nothing is probed and the prediction is the same on any host.
const std::string kMachine =
    " --set model.machine.cores=2 --set model.machine.mem_bw_gbps=20 --set model.machine.l3_mib=32"
    " --set model.machine.l3_domains=1 --set model.machine.l3_miss_penalty=0.6 --set model.machine.shootdown_us=5"
    " --set model.machine.bytes_per_shootdown=4194304";

// The JSON object `model --json` prints (the first '{' to the end).
nlohmann::json json_of(const std::string& output) {
  const auto at = output.find('{');
  if (at == std::string::npos) return nullptr;
  return nlohmann::json::parse(output.substr(at), nullptr, false);
}

TEST(ModelCommand, PrintsThePredictionAndWritesAFolderThatReportReads) {
  const TempDir tmp;
  const auto r = run_zkcontend("model --json --config " + src("configs/ci.toml") + kMachine + " -c 3 -j 2 --results " +
                               tmp.path().string() + " --run-id m");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json j = json_of(r.output);
  ASSERT_TRUE(j.is_object()) << r.output;
  for (const char* key : {"s_per_proof", "avg_prove_s", "gpu_util", "peak_rss_gib", "contention_tax_pct"})
    ASSERT_TRUE(j.contains(key) && j[key].is_number()) << key << "\n" << r.output;
  EXPECT_GT(j["s_per_proof"].get<double>(), 0);
  EXPECT_GT(j["gpu_util"].get<double>(), 0);
  EXPECT_LE(j["gpu_util"].get<double>(), 1);
  EXPECT_GT(j["peak_rss_gib"].get<double>(), 0);
  // Contention only ever slows: the schedule alone is never slower than the prediction.
  EXPECT_LE(j["schedule"]["s_per_proof"].get<double>(), j["s_per_proof"].get<double>());
  EXPECT_GE(j["contention_tax_pct"].get<double>(), 0);
  EXPECT_EQ(j["machine"]["cores"]["source"].get<std::string>().rfind("assumed", 0), 0u) << j["machine"].dump();
  const fs::path dir = tmp.path() / "m";
  for (const char* f : {"timeline.csv", "stages.csv", "summary.csv", "meta.json", "config.toml", "model.json"})
    EXPECT_TRUE(fs::exists(dir / f)) << f;
  const auto meta = nlohmann::json::parse(read(dir / "meta.json"));
  EXPECT_EQ(meta["run"]["gpu_backend"], "virtual");
  const auto rep = run_zkcontend("report " + dir.string());
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  EXPECT_TRUE(fs::exists(dir / "report.html"));
}

TEST(ModelCommand, TheSameSeedGivesTheSameTimeline) {
  const TempDir tmp;
  const std::string base = "model -q --config " + src("configs/ci.toml") + kMachine + " -c 3 -j 2 --results " +
                           tmp.path().string() + " --run-id ";
  ASSERT_EQ(run_zkcontend(base + "a").exit_code, 0);
  ASSERT_EQ(run_zkcontend(base + "b").exit_code, 0);
  EXPECT_EQ(read(tmp.path() / "a" / "timeline.csv"), read(tmp.path() / "b" / "timeline.csv"));
}

// The seed's Phase 9 sweep (gw=2, pw=10): 41.4 / 38.7 / 38.2 / 38.0 s/proof at c=5, 10, 15, 20 (j=15).
TEST(ModelCommand, TheSeedsPhase9SweepIsReproducedWithinTenPercent) {
  const TempDir tmp;
  const auto r = run_zkcontend("model -q --sweep " + src("configs/sweeps/seed-phase9.toml") + " --results " +
                               tmp.path().string() + " --run-id seed");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::map<int, double> published = {{5, 41.4}, {10, 38.7}, {15, 38.2}, {20, 38.0}};
  std::size_t checked = 0;
  for (const auto& entry : fs::directory_iterator(tmp.path() / "seed" / "runs")) {
    const auto j = nlohmann::json::parse(read(entry.path() / "model.json"));
    const int c = j["proofs"].get<int>();
    if (!published.contains(c)) continue;  // the isolation point: see the closing note of issue 28
    const double predicted = j["s_per_proof"].get<double>();
    EXPECT_NEAR(predicted / published.at(c), 1.0, 0.10) << "c=" << c << ": " << predicted;
    EXPECT_LE(j["schedule"]["s_per_proof"].get<double>(), predicted);
    ++checked;
  }
  EXPECT_EQ(checked, 4u);
}

TEST(PlanCommand, RanksSettingsThatFitTheMemoryFastestFirst) {
  const auto r = run_zkcontend("plan --json --config " + src("configs/tr7995wx-5070ti.toml") +
                               " --memory-gib 256 --cores 32 -c 5");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const nlohmann::json j = json_of(r.output);
  ASSERT_TRUE(j.is_object()) << r.output;
  const double limit = j["limit_gib"].get<double>();
  EXPECT_DOUBLE_EQ(limit, 256 * 0.9);
  const auto& rows = j["ranking"];
  ASSERT_FALSE(rows.empty());
  EXPECT_GT(j["over_memory"].get<int>(), 0);  // the seed profile's larger settings do not fit 256 GiB
  double first = rows.front()["s_per_proof"].get<double>();
  for (const auto& row : rows) {
    EXPECT_LE(row["peak_rss_gib"].get<double>(), limit);
    // Ranked within 0.5% bands: nothing later is clearly faster than the first.
    EXPECT_GE(row["s_per_proof"].get<double>(), first / 1.005);
  }
}

TEST(ModelCommand, BadInputIsRefusedNamingTheOptionAndNothingIsWritten) {
  const TempDir tmp;
  const std::string where = " --results " + tmp.path().string();
  struct Case {
    std::string args, says;
  };
  for (const Case& c : {Case{"model --contention cpu,heat", "--contention"}, Case{"model --contention ''", "--contention"},
                        Case{"model --costs /nonexistent/run", "--costs"},
                        Case{"model --set model.machine.cores=-1", "model.machine.cores"},
                        Case{"plan --memory-gib 64 --cores 8 -j 3", "-j"}}) {
    const bool model = c.args.rfind("model", 0) == 0;  // plan writes no folder
    const auto r = run_zkcontend(c.args + kMachine + (model ? where : ""));
    EXPECT_EQ(r.exit_code, 2) << c.args << "\n" << r.output;
    EXPECT_NE(r.output.find(c.says), std::string::npos) << c.args << "\n" << r.output;
  }
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

}  // namespace
