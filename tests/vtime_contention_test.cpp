// The contention model's four mechanisms on hand-worked cases, its monotonicity, and the machine's
// parameters from the configuration (given, probed, refused).
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/vtime/contention_model.hpp"
#include "harness/vtime/machine_params.hpp"

namespace {

namespace vt = zkc::harness::vtime;
using vt::ContentionSwitches;
using vt::CpuDemand;
using vt::MachineParams;
using zkc::model::Stage;

constexpr double kMiB = 1 << 20;

MachineParams machine(double cores, double bw = 100, double l3 = 32 * kMiB, double domains = 1) {
  MachineParams m;
  m.cores = {cores, "test"};
  m.mem_bw_gbps = {bw, "test"};
  m.l3_bytes = {l3, "test"};
  m.l3_domains = {domains, "test"};
  m.l3_miss_penalty = {0.6, "test"};
  m.shootdown_us = {10, "test"};
  m.bytes_per_shootdown = {kMiB, "test"};
  return m;
}

ContentionSwitches only(bool cpu, bool bw, bool l3, bool tlb) { return {cpu, bw, l3, tlb}; }

CpuDemand threads(double t) { return CpuDemand{.stage = Stage::kWitnessGen, .threads = t}; }

TEST(Contention, CpuFourThreadsOnTwoCoresRunAtHalfSpeed) {
  const std::vector<CpuDemand> d(4, threads(1));
  for (const double s : vt::speeds(machine(2), only(true, false, false, false), d)) EXPECT_DOUBLE_EQ(s, 0.5);
  // A pool stage alone with more threads than cores was measured that way: relative to alone, 1.
  const std::vector<CpuDemand> pool{threads(4)};
  EXPECT_DOUBLE_EQ(vt::speeds(machine(2), ContentionSwitches{}, pool)[0], 1.0);
  // Beside two more threads: 6 runnable on 2 cores = 1/3 a core, against 1/2 alone.
  const std::vector<CpuDemand> both{threads(4), threads(1), threads(1)};
  const auto s = vt::speeds(machine(2), only(true, false, false, false), both);
  EXPECT_NEAR(s[0], (2.0 / 6) / 0.5, 1e-12);
  EXPECT_NEAR(s[1], 2.0 / 6, 1e-12);
}

TEST(Contention, BandwidthTwiceOverSlowsTheMemoryBoundShareTwice) {
  CpuDemand a{.stage = Stage::kSpmv, .threads = 1, .mem_gbps = 100, .mem_bound_share = 1};
  CpuDemand b = a;
  b.mem_bound_share = 0.5;
  const std::vector<CpuDemand> d{a, b};
  const auto s = vt::speeds(machine(8, 100), only(false, true, false, false), d);
  EXPECT_NEAR(s[0], 0.5, 1e-12);              // wholly memory-bound: 2x the time
  EXPECT_NEAR(s[1], 1 / (0.5 + 0.5 * 2), 1e-12);  // half of it 2x: 1.5x the time
  // Under the machine's bandwidth nothing slows.
  a.mem_gbps = b.mem_gbps = 40;
  const std::vector<CpuDemand> under{a, b};
  for (const double v : vt::speeds(machine(8, 100), only(false, true, false, false), under)) EXPECT_DOUBLE_EQ(v, 1);
}

TEST(Contention, L3EvictedShareTimesThePenalty) {
  // One domain of 32 MiB: 16 + 48 MiB is twice it, half evicted. Alone A fits, B is a third evicted.
  const CpuDemand a{.stage = Stage::kPrepMsm, .threads = 1, .working_set_bytes = 16 * kMiB};
  const CpuDemand b{.stage = Stage::kBG2Msm, .threads = 1, .working_set_bytes = 48 * kMiB};
  const std::vector<CpuDemand> d{a, b};
  const auto s = vt::speeds(machine(8), only(false, false, true, false), d);
  EXPECT_NEAR(s[0], 1 / (1 + 0.6 * 0.5), 1e-12);
  EXPECT_NEAR(s[1], (1 + 0.6 / 3) / (1 + 0.6 * 0.5), 1e-12);
  // Two domains of 10 MiB, 4 cores: A (1 thread, 10 MiB) lives in one domain, B (4 threads, 20 MiB)
  // spreads over both. A's domain holds 10 + 20/2 = 2x: half evicted. B's: 20/2 + 10/2 = 1.5x.
  const CpuDemand a2{.stage = Stage::kPrepMsm, .threads = 1, .working_set_bytes = 10 * kMiB};
  const CpuDemand b2{.stage = Stage::kBG2Msm, .threads = 4, .working_set_bytes = 20 * kMiB};
  const std::vector<CpuDemand> d2{a2, b2, threads(1)};
  const auto s2 = vt::speeds(machine(4, 100, 10 * kMiB, 2), only(false, false, true, false), d2);
  EXPECT_NEAR(s2[0], 1 / (1 + 0.6 * 0.5), 1e-12);
  EXPECT_NEAR(s2[1], 1 / (1 + 0.6 / 3), 1e-12);
  EXPECT_DOUBLE_EQ(s2[2], 1);  // nothing reused, nothing lost
}

TEST(Contention, ShootdownsStallTheRunningThreads) {
  // 1 MiB a ms at 1 MiB per shootdown: one IPI a ms, 10 us each: 1% of every running thread's time.
  const CpuDemand dealloc{.stage = Stage::kDeallocRust, .threads = 1, .unmap_bytes_per_ms = kMiB};
  const std::vector<CpuDemand> d{dealloc, threads(1)};
  const auto s = vt::speeds(machine(8), only(false, false, false, true), d);
  EXPECT_DOUBLE_EQ(s[0], 1);  // its own shootdowns are in its cost already
  EXPECT_NEAR(s[1], 1 / 1.01, 1e-12);
  const std::vector<CpuDemand> two{dealloc, dealloc, threads(1)};
  const auto s2 = vt::speeds(machine(8), only(false, false, false, true), two);
  EXPECT_NEAR(s2[0], 1.01 / 1.02, 1e-12);  // the other's shootdowns stall it
  EXPECT_NEAR(s2[2], 1 / 1.02, 1e-12);
}

std::vector<CpuDemand> overloaded() {
  return {CpuDemand{Stage::kSpmv, 16, 300, 64 * kMiB, 0, 0.8}, CpuDemand{Stage::kBG2Msm, 16, 50, 400 * kMiB, 0, 0.2},
          CpuDemand{Stage::kDeallocRust, 1, 0, 0, 50 * kMiB, 0}, threads(1)};
}

TEST(Contention, SwitchedOffEverythingRunsAtFullSpeed) {
  for (const double s : vt::speeds(machine(4), ContentionSwitches::none(), overloaded())) EXPECT_DOUBLE_EQ(s, 1);
  for (const double s : vt::speeds(machine(4), ContentionSwitches{}, overloaded())) {
    EXPECT_GT(s, 0);
    EXPECT_LT(s, 1);
  }
  EXPECT_FALSE(ContentionSwitches::none().any());
}

CpuDemand random_demand(std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0, 1);
  return CpuDemand{.stage = Stage::kSpmv, .threads = std::floor(1 + 8 * u(rng)), .mem_gbps = 80 * u(rng),
                   .working_set_bytes = u(rng) < 0.5 ? 0 : 64 * kMiB * u(rng),
                   .unmap_bytes_per_ms = u(rng) < 0.7 ? 0 : 20 * kMiB * u(rng), .mem_bound_share = u(rng)};
}

TEST(Contention, MoreLoadNeverSpeedsAnythingUp) {
  std::mt19937_64 rng(28);
  const MachineParams m = machine(8, 100, 16 * kMiB, 2);
  for (int mask = 0; mask < 16; ++mask) {
    const ContentionSwitches on{(mask & 1) != 0, (mask & 2) != 0, (mask & 4) != 0, (mask & 8) != 0};
    for (int trial = 0; trial < 200; ++trial) {
      std::vector<CpuDemand> d;
      const int n = 1 + int(rng() % 6);
      for (int i = 0; i < n; ++i) d.push_back(random_demand(rng));
      const auto before = vt::speeds(m, on, d);
      d.push_back(random_demand(rng));
      const auto after = vt::speeds(m, on, d);
      for (std::size_t i = 0; i < before.size(); ++i) {
        EXPECT_LE(after[i], before[i] + 1e-12) << "mask " << mask << " trial " << trial << " demand " << i;
        EXPECT_GT(after[i], 0);
      }
    }
  }
}

TEST(Contention, DemandOfACostAtFewerThreads) {
  vt::CostModel c;
  c.host[Stage::kSpmv] = vt::StageCost{.ms = 100, .threads = 4, .serial_share = 0, .mem_gbps = 10,
                                       .working_set_bytes = 4 * kMiB, .mem_bound_share = 0.8};
  c.host[Stage::kDeallocCpp] = vt::StageCost{.ms = 10, .threads = 1, .serial_share = 1, .unmap_bytes = 20 * kMiB};
  const CpuDemand d = vt::demand_of(c, Stage::kSpmv, 2);
  EXPECT_DOUBLE_EQ(d.mem_gbps, 5);  // half the threads: 200 ms for the same bytes
  EXPECT_DOUBLE_EQ(d.working_set_bytes, 2 * kMiB);
  EXPECT_DOUBLE_EQ(d.mem_bound_share, 0.8);
  EXPECT_DOUBLE_EQ(vt::demand_of(c, Stage::kDeallocCpp, 1).unmap_bytes_per_ms, 2 * kMiB);
  EXPECT_DOUBLE_EQ(vt::demand_of(c, Stage::kPrepMsm, 1).mem_gbps, 0);
}

zkc::config::Config config(const char* file, std::vector<std::string> overrides = {}) {
  return zkc::config::load_config_files(zkc::config::pipeline_schema(),
                                        {std::string(ZKC_SOURCE_DIR) + "/configs/" + file}, overrides);
}

MachineParams never_probe() {
  ADD_FAILURE() << "probed although every key is given";
  return {};
}

TEST(MachineParams, TheSeedProfileGivesTheSeedMachineAsAssumed) {
  const MachineParams m = vt::machine_params(config("tr7995wx-5070ti.toml"), never_probe);
  EXPECT_EQ(m.cores.value, 192);
  EXPECT_EQ(m.l3_domains.value, 12);
  EXPECT_EQ(m.l3_bytes.value, 32 * kMiB);
  EXPECT_EQ(m.mem_bw_gbps.value, 333);
  EXPECT_EQ(m.l3_miss_penalty.value, 0.6);
  EXPECT_GT(m.shootdown_us.value, 0);
  EXPECT_GT(m.bytes_per_shootdown.value, 0);
  EXPECT_EQ(m.cores.source.rfind("assumed: model.machine.cores = 192 (", 0), 0u) << m.cores.source;
  EXPECT_NE(m.cores.source.find("tr7995wx-5070ti.toml"), std::string::npos);
}

TEST(MachineParams, KeysAtZeroComeFromTheProbeOnce) {
  int calls = 0;
  const auto probe = [&] {
    ++calls;
    MachineParams m = machine(2, 7.5, 8 * kMiB, 1);
    m.cores.source = "measured: fake";
    return m;
  };
  const MachineParams m = vt::machine_params(config("ci.toml", {"model.machine.mem_bw_gbps=50"}), probe);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(m.cores.value, 2);
  EXPECT_EQ(m.cores.source, "measured: fake");
  EXPECT_EQ(m.mem_bw_gbps.value, 50);
  EXPECT_EQ(m.mem_bw_gbps.source, "assumed: model.machine.mem_bw_gbps = 50 (--set)");
  EXPECT_EQ(m.l3_bytes.value, 8 * kMiB);
}

std::string config_error(const std::function<void()>& f) {
  try {
    f();
  } catch (const zkc::config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(MachineParams, BadValuesAreRefusedNamingTheKey) {
  for (const char* bad : {"model.machine.cores=-1", "model.machine.mem_bw_gbps=-3", "model.machine.l3_mib=\"big\"",
                          "model.machine.l3_miss_penalty=1000", "model.machine.shootdown_us=-0.5"}) {
    const std::string key = std::string(bad).substr(0, std::string(bad).find('='));
    const std::string what = config_error([&] { config("ci.toml", {bad}); });
    EXPECT_NE(what.find(key), std::string::npos) << bad << ": " << what;
  }
  const std::string what = config_error([] {
    vt::machine_params(config("ci.toml", {"model.machine.cores=8", "model.machine.l3_domains=16"}),
                       [] { return machine(2); });
  });
  EXPECT_NE(what.find("model.machine.l3_domains"), std::string::npos) << what;
  const std::string none = config_error([] {
    vt::machine_params(config("ci.toml"), [] {
      MachineParams m = machine(2);
      m.mem_bw_gbps = {0, "measured: nothing"};
      return m;
    });
  });
  EXPECT_NE(none.find("model.machine.mem_bw_gbps"), std::string::npos) << none;
}

TEST(MachineParams, ThisMachineIsProbedAndCached) {
  const auto dir = std::filesystem::temp_directory_path() / ("zkc-machine-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const MachineParams m = vt::probed_machine(dir);
  for (const auto* p : {&m.cores, &m.mem_bw_gbps, &m.l3_domains, &m.l3_miss_penalty, &m.shootdown_us,
                        &m.bytes_per_shootdown}) {
    EXPECT_GT(p->value, 0) << p->source;
    EXPECT_TRUE(p->source.rfind("measured: ", 0) == 0 || p->source.rfind("assumed: ", 0) == 0) << p->source;
    std::cout << p->value << "  " << p->source << "\n";  // what this machine showed, for the log
  }
  const MachineParams again = vt::probed_machine(dir);
  EXPECT_EQ(again.mem_bw_gbps.value, m.mem_bw_gbps.value);
  EXPECT_NE(again.mem_bw_gbps.source.find("cached"), std::string::npos) << again.mem_bw_gbps.source;
  std::filesystem::remove_all(dir);
}

}  // namespace
