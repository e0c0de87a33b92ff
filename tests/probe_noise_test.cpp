// `zkcontend probe --noise` through the real binary on the small ci profile: each run's s/proof and
// noise readings, the CV line with the decidable change, outliers, nothing left behind in the
// temporary folder; bad values refused with exit code 2 and the option named.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zkc::test_support::BinaryResult;
using zkc::test_support::TempDir;

// The probe with its temporary folder under `tmp` (TMPDIR), on the ci profile without a balance fit.
BinaryResult probe(const TempDir& tmp, const std::string& args) {
  return zkc::test_support::run_shell("TMPDIR=" + tmp.path().string() + " " + ZKC_BINARY + " probe " + args +
                                      " --config " + ZKC_SOURCE_DIR + "/configs/ci.toml -c 1 -q"
                                      " --set 'workload.balance=\"uniform\"'");
}

TEST(ProbeNoise, PrintsEachRunTheCvAndTheDecidableChangeAndLeavesNothing) {
  const TempDir tmp;
  const BinaryResult r = probe(tmp, "--noise --runs 3 --warmup 0 --budget 1m");  // ab's duration forms
  ASSERT_EQ(r.exit_code, 0) << r.output;
  for (const char* row : {"\nr0 ", "\nr1 ", "\nr2 "}) EXPECT_NE(r.output.find(row), std::string::npos) << row << r.output;
  EXPECT_EQ(r.output.find("\nr3 "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("other CPU"), std::string::npos) << r.output;
  // "CV 1.9% per run; in 60 s (N rounds of A arms) the A/B can decide a change of X% or more ..." (or
  // why it cannot, when a round does not fit).
  const auto cv = r.output.find("\nCV ");
  ASSERT_NE(cv, std::string::npos) << r.output;
  EXPECT_NE(r.output.find("% per run; in 60 s ", cv), std::string::npos) << r.output;
  EXPECT_TRUE(r.output.find("outliers: none") != std::string::npos || r.output.find("outlier: r") != std::string::npos)
      << r.output;
  // This VM has no thermal_throttle files: said, not an error (a machine with them shows a number).
  if (!fs::exists("/sys/devices/system/cpu/cpu0/thermal_throttle")) {
    EXPECT_NE(r.output.find("throttle: not visible here: "), std::string::npos) << r.output;
  }
  EXPECT_TRUE(fs::is_empty(tmp.path())) << "the probe's runs were left in " << tmp.path();
}

TEST(ProbeNoise, TooFewRunsAreRefusedNamingTheOption) {
  const TempDir tmp;
  for (const char* runs : {"0", "1"}) {
    const BinaryResult r = probe(tmp, std::string("--noise --runs ") + runs);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_NE(r.output.find(std::string("--runs ") + runs + ":"), std::string::npos) << r.output;
    EXPECT_NE(r.output.find("accepted: 2 to 1000"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("\nCV "), std::string::npos) << r.output;  // refused before any run
  }
  for (const char* bad : {"0", "soon"}) {
    const BinaryResult budget = probe(tmp, std::string("--noise --budget ") + bad);
    EXPECT_EQ(budget.exit_code, 2) << budget.output;
    EXPECT_NE(budget.output.find(std::string("--budget '") + bad + "': accepted: a wall time above 0"),
              std::string::npos)
        << budget.output;
  }
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(ProbeNoise, ItsOptionsNeedNoiseAndItExcludesTheCounterProbe) {
  const BinaryResult runs = zkc::test_support::run_zkcontend("probe --runs 3");
  EXPECT_EQ(runs.exit_code, 2) << runs.output;
  EXPECT_NE(runs.output.find("--runs"), std::string::npos) << runs.output;
  EXPECT_NE(runs.output.find("--noise"), std::string::npos) << runs.output;
  const BinaryResult json = zkc::test_support::run_zkcontend("probe --noise --json");
  EXPECT_EQ(json.exit_code, 2) << json.output;
  EXPECT_NE(json.output.find("--json"), std::string::npos) << json.output;
  const BinaryResult config =
      zkc::test_support::run_zkcontend(std::string("probe --config ") + ZKC_SOURCE_DIR + "/configs/ci.toml");
  EXPECT_EQ(config.exit_code, 2) << config.output;
  EXPECT_NE(config.output.find("apply to --noise only"), std::string::npos) << config.output;
}

}  // namespace
