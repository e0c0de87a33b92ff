// counters_timeline.csv: its header, the per-CPU TLB columns as CPUs come and go, deltas, rows with
// nothing read, and the file from a sampler running on the 192-CPU /proc/interrupts fixture.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/counters/counter_sampler.hpp"
#include "harness/results/counters_timeline_csv.hpp"
#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/error_of.hpp"

namespace zkc::harness::counters {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using zkc::test_support::TempDir;

fs::path fixture(const char* name) { return fs::path(ZKC_SOURCE_DIR) / "tests/fixtures/interrupts" / name; }

using zkc::test_support::error_of;

SamplerRow make_row(double t, std::vector<int> cpus, std::vector<std::uint64_t> tlb) {
  SamplerRow r;
  r.t_ms = t;
  r.tlb_available = true;
  r.tlb_cpus = std::move(cpus);
  r.tlb_per_cpu = std::move(tlb);
  for (const auto v : r.tlb_per_cpu) r.tlb_total += v;
  r.usage = UsageSample{100, 2, 30, 4, 0.5, 0.25};
  r.mem = MemorySample{3u << 20, 4u << 20};
  r.mem_available = true;
  return r;
}

TEST(CountersTimelineCsv, HeaderCellsAndDeltas) {
  std::vector<SamplerRow> rows;
  rows.push_back(make_row(0, {0, 1}, {10, 20}));
  rows.push_back(make_row(100.5, {0, 1, 3}, {15, 20, 7}));  // CPU3 came online
  SamplerRow gap;  // no TLB row could be read, no status either
  gap.t_ms = 200;
  rows.push_back(gap);
  rows.push_back(make_row(300, {0, 1}, {16, 21}));  // CPU3 went offline with its 7: delta clamps to 0

  TempDir dir;
  const auto path = dir.path() / "counters_timeline.csv";
  harness::write_counters_timeline_csv(path, rows);
  const auto records = harness::parse_csv(read_text_file(path), path.string());
  ASSERT_EQ(records.size(), rows.size() + 1);
  EXPECT_EQ(records[0].fields,
            (std::vector<std::string>{"t_ms", "tlb_shootdowns_total", "tlb_shootdowns_delta", "minor_faults", "major_faults",
                                      "vol_ctx_switches", "invol_ctx_switches", "rss_mib", "tlb_cpu0", "tlb_cpu1",
                                      "tlb_cpu3"}));
  EXPECT_EQ(records[1].fields,
            (std::vector<std::string>{"0.000", "30", "0", "100", "2", "30", "4", "3.000", "10", "20", ""}));
  EXPECT_EQ(records[2].fields,
            (std::vector<std::string>{"100.500", "42", "12", "100", "2", "30", "4", "3.000", "15", "20", "7"}));
  EXPECT_EQ(records[3].fields, (std::vector<std::string>{"200.000", "", "", "0", "0", "0", "0", "", "", "", ""}));
  EXPECT_EQ(records[4].fields,
            (std::vector<std::string>{"300.000", "37", "0", "100", "2", "30", "4", "3.000", "16", "21", ""}));

  const auto err = error_of<std::system_error>([&] {
    harness::write_counters_timeline_csv(dir.path() / "missing" / "x.csv", rows);
  });
  EXPECT_NE(err.find((dir.path() / "missing" / "x.csv").string()), std::string::npos) << err;
}

TEST(CountersTimelineCsv, FromSamplerRows) {
  CounterSampler sampler({fixture("x86_192cpu.txt"), "/proc/self/status"});
  sampler.start(5ms, std::chrono::steady_clock::now());
  std::this_thread::sleep_for(25ms);
  sampler.stop();
  const auto rows = sampler.rows();
  TempDir dir;
  const auto path = dir.path() / "counters_timeline.csv";
  harness::write_counters_timeline_csv(path, rows);
  const auto records = harness::parse_csv(read_text_file(path), path.string());
  ASSERT_EQ(records.size(), rows.size() + 1);
  ASSERT_EQ(records[0].fields.size(), 8u + 192u);
  EXPECT_EQ(records[0].fields[8], "tlb_cpu0");
  EXPECT_EQ(records[0].fields.back(), "tlb_cpu191");
  for (std::size_t i = 1; i < records.size(); ++i) {
    ASSERT_EQ(records[i].fields.size(), 8u + 192u);
    EXPECT_EQ(records[i].fields[1], "320352");
    EXPECT_EQ(records[i].fields[2], "0");
    EXPECT_EQ(records[i].fields.back(), std::to_string(1000 + 7 * 191));
  }
}

TEST(CountersTimelineCsv, EmptyIsHeaderOnly) {
  TempDir dir;
  const auto path = dir.path() / "counters_timeline.csv";
  harness::write_counters_timeline_csv(path, {});
  EXPECT_EQ(read_text_file(path), std::string(harness::kCountersTimelineCsvFixedHeader) + "\n");
}

}  // namespace
}  // namespace zkc::harness::counters
