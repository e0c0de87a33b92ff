// Noise readings (harness/system/noise_sample) from fixture /proc and /sys trees with known answers:
// steal and other processes' share from two /proc/stat readings and this process's ticks, the load at
// the start, throttle counters counted once per core and package, the frequency ratio, and "not
// visible here" with the reason where files are missing; then how results record them
// (harness/results/noise_report); then the real machine's readings as properties.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "model/metric_catalog.hpp"
#include "harness/results/noise_report.hpp"
#include "harness/system/noise_sample.hpp"
#include "tests/support/temp_dir.hpp"

namespace zkc::harness {
namespace {

using test_support::TempDir;

// /proc/stat with the aggregate line and two CPUs; /proc/self/stat whose name holds spaces and
// parentheses; /proc/loadavg.
void write_proc(const TempDir& d, const std::string& cpu, std::uint64_t utime, std::uint64_t stime, double load1) {
  d.write("proc/stat", "cpu  " + cpu + " 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\ncpu1 1 2 3 4 5 6 7 8 0 0\nintr 1 2 3\n");
  d.write("proc/self/stat", "4242 (zk (c) ontend) R 1 4242 4242 0 -1 4194560 1000 0 0 0 " + std::to_string(utime) +
                                " " + std::to_string(stime) + " 0 0 20 0 9 0 100 2000000 300\n");
  d.write("proc/loadavg", std::to_string(load1) + " 1.00 0.50 3/200 4242\n");
}

// Three CPUs: cpu0 and cpu1 SMT siblings of core 0, cpu2 core 1, all in package 0.
void write_cpus(const TempDir& d, const std::uint64_t core[3], std::uint64_t package, const double freq[3]) {
  const int core_id[3] = {0, 0, 1};
  for (int c = 0; c < 3; ++c) {
    const std::string dir = "sys/cpu" + std::to_string(c) + "/";
    d.write(dir + "topology/physical_package_id", "0\n");
    d.write(dir + "topology/core_id", std::to_string(core_id[c]) + "\n");
    d.write(dir + "thermal_throttle/core_throttle_count", std::to_string(core[c]) + "\n");
    d.write(dir + "thermal_throttle/package_throttle_count", std::to_string(package) + "\n");
    d.write(dir + "cpufreq/scaling_cur_freq", std::to_string(static_cast<int>(freq[c] * 1e6)) + "\n");
    d.write(dir + "cpufreq/cpuinfo_max_freq", "3000000\n");
  }
  d.write("sys/cpufreq/policy0", "");  // not a cpu<N> folder: ignored
}

NoiseSources sources(const TempDir& d) { return {d.path() / "proc", d.path() / "sys", 100}; }

TEST(NoiseSample, StealAndOtherProcessesShareFromTwoReadings) {
  const TempDir d;
  // user nice system idle iowait irq softirq steal: total 9660, busy 1530, steal 30.
  write_proc(d, "1000 0 500 8000 100 10 20 30", 300, 100, 2.5);
  NoiseSnapshot a = take_noise_snapshot(sources(d));
  // total 12000 (+2340), busy 2530 (+1000), steal 70 (+40); this process +700 ticks.
  write_proc(d, "1800 0 700 9300 100 10 20 70", 900, 200, 4.0);
  NoiseSnapshot b = take_noise_snapshot(sources(d));
  ASSERT_TRUE(a.machine.value) << a.machine.why;
  EXPECT_EQ(a.online_cpus, 2u);
  ASSERT_TRUE(a.self_ticks.value) << a.self_ticks.why;
  EXPECT_EQ(*a.self_ticks.value, 400u);
  a.wall_s = 100;
  b.wall_s = 111.7;  // 11.7 s x 2 CPUs x 100 ticks/s = 2340 ticks, as /proc/stat counted
  const NoiseReading r = noise_between(a, b);
  EXPECT_NEAR(r.wall_s, 11.7, 1e-9);
  ASSERT_TRUE(r.steal_share.value) << r.steal_share.why;
  EXPECT_NEAR(*r.steal_share.value, 40.0 / 2340.0, 1e-12);
  ASSERT_TRUE(r.other_cpu_share.value) << r.other_cpu_share.why;
  EXPECT_NEAR(*r.other_cpu_share.value, (1000.0 - 700.0) / 2340.0, 1e-12);
  ASSERT_TRUE(r.load1_start.value);
  EXPECT_DOUBLE_EQ(*r.load1_start.value, 2.5);  // the start's, not the end's 4.0
}

TEST(NoiseSample, OwnTimeAboveTheMachinesBusyTimeIsNoOtherProcess) {
  const TempDir d;
  write_proc(d, "1000 0 500 8000 100 10 20 30", 0, 0, 1);
  NoiseSnapshot a = take_noise_snapshot(sources(d));
  write_proc(d, "1100 0 500 8100 100 10 20 30", 102, 0, 1);  // busy +100, own +102 (tick rounding)
  NoiseSnapshot b = take_noise_snapshot(sources(d));
  a.wall_s = 0;
  b.wall_s = 1;
  const NoiseReading r = noise_between(a, b);
  ASSERT_TRUE(r.other_cpu_share.value);
  EXPECT_EQ(*r.other_cpu_share.value, 0.0);
  EXPECT_EQ(*r.steal_share.value, 0.0);
}

TEST(NoiseSample, ThrottleCountersAreCountedOncePerCoreAndPackage) {
  const TempDir d;
  write_proc(d, "1 0 1 1 0 0 0 0", 0, 0, 1);
  const std::uint64_t core0[3] = {5, 5, 1};
  const double freq0[3] = {1.5, 3.0, 3.0};
  write_cpus(d, core0, 10, freq0);
  const NoiseSnapshot a = take_noise_snapshot(sources(d));
  const std::uint64_t core1[3] = {7, 7, 4};
  const double freq1[3] = {3.0, 3.0, 3.0};
  write_cpus(d, core1, 13, freq1);
  const NoiseSnapshot b = take_noise_snapshot(sources(d));
  ASSERT_TRUE(a.freq_ratio.value) << a.freq_ratio.why;
  EXPECT_NEAR(*a.freq_ratio.value, (0.5 + 1 + 1) / 3, 1e-12);
  const NoiseReading r = noise_between(a, b);
  ASSERT_TRUE(r.throttle_events.value) << r.throttle_events.why;
  // Core 0 +2 (cpu0 and cpu1 are one core), core 1 +3, the package +3 (reported by all three CPUs).
  EXPECT_EQ(*r.throttle_events.value, 8.0);
  ASSERT_TRUE(r.freq_ratio.value);
  EXPECT_NEAR(*r.freq_ratio.value, (5.0 / 6.0 + 1.0) / 2, 1e-12);
}

TEST(NoiseSample, MissingFilesAreNotVisibleWithTheirReason) {
  const TempDir d;
  d.write("sys/cpu0/topology/core_id", "0\n");  // a CPU folder without thermal_throttle or cpufreq
  const NoiseSnapshot a = take_noise_snapshot(sources(d));  // no proc/ at all
  const NoiseReading r = noise_between(a, a);
  for (const auto* v : {&r.steal_share, &r.other_cpu_share, &r.load1_start, &r.throttle_events, &r.freq_ratio}) {
    EXPECT_FALSE(v->value);
    EXPECT_NE(v->why.find("ENOENT"), std::string::npos) << v->why;
  }
  EXPECT_NE(r.steal_share.why.find("proc/stat"), std::string::npos) << r.steal_share.why;
  EXPECT_NE(r.load1_start.why.find("proc/loadavg"), std::string::npos) << r.load1_start.why;
  EXPECT_NE(r.throttle_events.why.find("cpu0/thermal_throttle/core_throttle_count"), std::string::npos)
      << r.throttle_events.why;
  EXPECT_NE(r.freq_ratio.why.find("cpu0/cpufreq/scaling_cur_freq"), std::string::npos) << r.freq_ratio.why;

  const TempDir empty;
  const NoiseSnapshot e = take_noise_snapshot(sources(empty));
  EXPECT_NE(e.core_throttle.why.find("ENOENT"), std::string::npos) << e.core_throttle.why;  // no sys/ folder
}

TEST(NoiseSample, AStatLineWithoutStealIsNotVisible) {
  const TempDir d;
  d.write("proc/stat", "cpu  1 2 3 4\ncpu0 1 2 3 4\n");
  const NoiseSnapshot a = take_noise_snapshot(sources(d));
  EXPECT_FALSE(a.machine.value);
  EXPECT_NE(a.machine.why.find("no steal column"), std::string::npos) << a.machine.why;
}

TEST(NoiseReport, MetaJsonSaysWhatIsNotVisibleAndRowsAreNaN) {
  NoiseReading r;
  r.wall_s = 2;
  r.online_cpus = 2;
  r.steal_share.value = 0.01;
  r.other_cpu_share.value = 0.2;
  r.load1_start.value = 1.5;
  r.throttle_events.why = "/sys/devices/system/cpu/cpu0/thermal_throttle/core_throttle_count: ENOENT";
  r.freq_ratio.why = "/sys/devices/system/cpu/cpu0/cpufreq/scaling_cur_freq: ENOENT";
  const nlohmann::json j = noise_json(r);
  EXPECT_EQ(j.at("noise_steal_share"), 0.01);
  EXPECT_EQ(j.at("noise_load1_start"), 1.5);
  EXPECT_TRUE(j.at("noise_throttle_events").is_null());
  EXPECT_EQ(j.at("not_visible").at("noise_throttle_events"), "not visible here: " + r.throttle_events.why);
  EXPECT_FALSE(j.at("not_visible").contains("noise_steal_share"));
  const auto rows = noise_rows(r);
  ASSERT_EQ(rows.size(), 5u);
  for (const auto& row : rows) {
    const analysis::MetricInfo* m = analysis::find_metric(row.name);
    ASSERT_NE(m, nullptr) << row.name;
    EXPECT_EQ(m->groups, analysis::kGroupNoise) << row.name;  // never compared: no family widened
    EXPECT_EQ(std::isnan(row.value), j.at(row.name).is_null()) << row.name;
  }
  EXPECT_EQ(rows[1].name, "noise_other_cpu_share");
  EXPECT_EQ(rows[1].unit, "fraction");
  EXPECT_DOUBLE_EQ(rows[1].value, 0.2);
}

// The real machine: /proc/stat is there on Linux; whatever else used it, shares are fractions.
TEST(NoiseSample, ThisMachinesReadingsAreFractions) {
  const NoiseSnapshot a = take_noise_snapshot();
  if (!a.machine.value) GTEST_SKIP() << a.machine.why;
  volatile double x = 1;
  for (int i = 0; i < 20'000'000; ++i) x = x * 1.0000001 + 1e-9;
  const NoiseReading r = noise_between(a, take_noise_snapshot());
  EXPECT_GT(r.online_cpus, 0u);
  EXPECT_GT(r.wall_s, 0);
  for (const auto* v : {&r.steal_share, &r.other_cpu_share}) {
    ASSERT_TRUE(v->value) << v->why;
    EXPECT_GE(*v->value, 0);
    EXPECT_LE(*v->value, 1);
  }
  ASSERT_TRUE(r.load1_start.value) << r.load1_start.why;
  EXPECT_GE(*r.load1_start.value, 0);
  EXPECT_TRUE(r.throttle_events.value || !r.throttle_events.why.empty());
  EXPECT_TRUE(r.freq_ratio.value || !r.freq_ratio.why.empty());
}

}  // namespace
}  // namespace zkc::harness
