// Runs the real zkcontend binary and checks exit codes and messages.
#include <gtest/gtest.h>

#include "tests/support/run_binary.hpp"

#include <array>
#include <cstdio>
#include <string>
#include <sys/wait.h>

namespace {

using Result = zkc::test_support::BinaryResult;

Result run(const std::string& args) { return zkc::test_support::run_zkcontend(args); }

TEST(Cli, VersionPrintsNameAndVersion) {
  const Result r = run("--version");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find(std::string("zkcontend ") + ZKC_VERSION), std::string::npos) << r.output;
}

TEST(Cli, HelpListsKernelsCommand) {
  const Result r = run("--help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.output.find("kernels"), std::string::npos) << r.output;
}

TEST(Cli, UnknownCommandIsUsageError) {
  const Result r = run("frobnicate");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("frobnicate"), std::string::npos) << r.output;
}

TEST(Cli, MissingCommandIsUsageError) {
  const Result r = run("");
  EXPECT_EQ(r.exit_code, 2) << r.output;
}

TEST(Cli, OutOfRangeOptionNamesIt) {
  const Result r = run("kernels --threads 99999");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_NE(r.output.find("--threads"), std::string::npos) << r.output;
}

TEST(Cli, KernelsSelfCheckPassesAndNamesEveryKernel) {
  const Result r = run("kernels --check-only --threads 2");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(r.output.find("FAIL"), std::string::npos) << r.output;
  for (const char* kernel : {"Fr, Fp, Fp2", "G1 generator", "G2 generator", "2*G2", "G1 Pippenger", "G2 Pippenger",
                             "NTT", "SpMV"}) {
    EXPECT_NE(r.output.find(kernel), std::string::npos) << "self-check output lacks " << kernel << "\n" << r.output;
  }
  // The machine's missing capabilities are reported, never fatal.
  EXPECT_NE(r.output.find("GPU"), std::string::npos) << r.output;
}

}  // namespace
