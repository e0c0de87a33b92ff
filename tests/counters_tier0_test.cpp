// Tier 0 contention counters: /proc/interrupts parsing on fixtures (1, 2, 4 with offline CPUs, 192 CPUs;
// arm64 without a TLB row; rows in any order; short rows; malformed text), the /proc/self/status parser,
// getrusage figures, and the sampler on fixtures and on the real /proc under a munmap storm
// (counters_timeline.csv: counters_timeline_csv_test.cpp).
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <iostream>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/counters/counter_sampler.hpp"
#include "harness/counters/proc_interrupts.hpp"
#include "harness/counters/process_counters.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/error_of.hpp"

namespace zkc::harness::counters {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path fixture(const char* name) { return fs::path(ZKC_SOURCE_DIR) / "tests/fixtures/interrupts" / name; }

std::string fixture_text(const char* name) { return read_text_file(fixture(name)); }

using zkc::test_support::TempDir;

using zkc::test_support::error_of;

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(pos, end - pos));
    pos = end + 1;
  }
  return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
  std::string out;
  for (const auto& l : lines) out += l + "\n";
  return out;
}

// ---------------------------------------------------------------------------------------------------
// /proc/interrupts

TEST(ProcInterrupts, OneCpuFixture) {
  const auto t = parse_proc_interrupts(fixture_text("x86_1cpu.txt"));
  EXPECT_EQ(t.cpus, std::vector<int>{0});
  const auto tlb = tlb_shootdowns_per_cpu(t);
  ASSERT_TRUE(tlb.has_value());
  EXPECT_EQ(*tlb, std::vector<std::uint64_t>{0});
  const auto* loc = find_row(t, "LOC");
  ASSERT_NE(loc, nullptr);
  EXPECT_EQ(loc->per_cpu, std::vector<std::uint64_t>{731204});
  EXPECT_EQ(loc->description, "Local timer interrupts");
  const auto* virtio = find_row(t, "25");
  ASSERT_NE(virtio, nullptr);
  EXPECT_EQ(virtio->per_cpu, std::vector<std::uint64_t>{21873});
  EXPECT_EQ(virtio->description, "PCI-MSI 49153-edge      virtio0-req.0");
  const auto* err = find_row(t, "ERR");
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->per_cpu, std::vector<std::uint64_t>{0});
  EXPECT_EQ(err->description, "");
  EXPECT_EQ(t.rows.size(), 31u);
}

TEST(ProcInterrupts, TwoCpuFixtureFromThisMachine) {
  const auto t = parse_proc_interrupts(fixture_text("x86_2cpu.txt"));
  EXPECT_EQ(t.cpus, (std::vector<int>{0, 1}));
  const auto tlb = tlb_shootdowns_per_cpu(t);
  ASSERT_TRUE(tlb.has_value());
  EXPECT_EQ(*tlb, (std::vector<std::uint64_t>{139118, 134990}));
  EXPECT_EQ(sum(*tlb), 274108u);
  EXPECT_EQ(find_row(t, "TLB")->description, "TLB shootdowns");
  // Descriptions keep their digits and inner spacing.
  const auto* cfg = find_row(t, "28");
  ASSERT_NE(cfg, nullptr);
  EXPECT_EQ(cfg->per_cpu, (std::vector<std::uint64_t>{0, 0}));
  EXPECT_EQ(cfg->description, "PCI-MSIX-0000:00:01.0   0-edge      virtio0-config");
  // ERR and MIS carry a single global count.
  for (const char* name : {"ERR", "MIS"}) {
    const auto* row = find_row(t, name);
    ASSERT_NE(row, nullptr) << name;
    EXPECT_EQ(row->per_cpu.size(), 1u) << name;
    EXPECT_EQ(row->description, "") << name;
  }
  EXPECT_EQ(find_row(t, "PIW")->per_cpu.size(), 2u);  // a full row after the short ones
}

TEST(ProcInterrupts, FourCpusWithOfflineOnesAndTlbLast) {
  const auto t = parse_proc_interrupts(fixture_text("x86_4cpu_offline.txt"));
  EXPECT_EQ(t.cpus, (std::vector<int>{0, 1, 3, 6}));
  EXPECT_EQ(t.rows.back().name, "TLB");
  const auto tlb = tlb_shootdowns_per_cpu(t);
  ASSERT_TRUE(tlb.has_value());
  EXPECT_EQ(*tlb, (std::vector<std::uint64_t>{20480, 19001, 23456, 17005}));
  EXPECT_EQ(sum(*tlb), 79942u);
  EXPECT_EQ(find_row(t, "25")->description, "IR-PCI-MSI 524288-edge      nvme0q0");
}

TEST(ProcInterrupts, OneHundredNinetyTwoCpus) {
  const auto t = parse_proc_interrupts(fixture_text("x86_192cpu.txt"));
  ASSERT_EQ(t.cpus.size(), 192u);
  for (std::size_t i = 0; i < t.cpus.size(); ++i) ASSERT_EQ(t.cpus[i], static_cast<int>(i));
  // The generator puts TLB right after NMI, before LOC (earlier than in the other fixtures).
  const auto tlb_at = std::find_if(t.rows.begin(), t.rows.end(), [](const auto& r) { return r.name == "TLB"; });
  ASSERT_NE(tlb_at, t.rows.end());
  ASSERT_NE(tlb_at, t.rows.begin());
  EXPECT_EQ(std::prev(tlb_at)->name, "NMI");
  EXPECT_EQ(std::next(tlb_at)->name, "LOC");
  const auto tlb = tlb_shootdowns_per_cpu(t);
  ASSERT_TRUE(tlb.has_value());
  ASSERT_EQ(tlb->size(), 192u);
  for (std::size_t i = 0; i < tlb->size(); ++i) ASSERT_EQ((*tlb)[i], 1000u + 7u * i) << "CPU" << i;
  EXPECT_EQ(sum(*tlb), 320352u);  // 192 * 1000 + 7 * 191 * 192 / 2
  const auto* loc = find_row(t, "LOC");
  ASSERT_NE(loc, nullptr);
  EXPECT_EQ(loc->per_cpu[0], 4290000000u);  // a full 10-digit field
  EXPECT_EQ(loc->per_cpu[191], 4000000u + 997u * 191u);
  EXPECT_EQ(find_row(t, "123")->description, "IR-PCI-MSIX-0000:41:00.0 3-edge      nvme0q3");
  EXPECT_EQ(find_row(t, "123")->per_cpu[72], 5000u + 311u * 3u);
  EXPECT_EQ(find_row(t, "MIS")->per_cpu.size(), 1u);
}

TEST(ProcInterrupts, Arm64HasNoTlbRow) {
  const auto t = parse_proc_interrupts(fixture_text("arm64_4cpu_no_tlb.txt"));
  EXPECT_EQ(t.cpus, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_FALSE(tlb_shootdowns_per_cpu(t).has_value());
  EXPECT_EQ(find_row(t, "TLB"), nullptr);
  const auto* timer = find_row(t, "11");
  ASSERT_NE(timer, nullptr);
  EXPECT_EQ(timer->per_cpu, (std::vector<std::uint64_t>{8812345, 7790123, 7654321, 7012345}));
  EXPECT_EQ(timer->description, "GICv3  27 Level     arch_timer");  // digits inside the description
  const auto* ipi = find_row(t, "IPI3");
  ASSERT_NE(ipi, nullptr);
  EXPECT_EQ(ipi->description, "CPU stop (for crash dump) interrupts");
  EXPECT_EQ(find_row(t, "Err")->per_cpu, std::vector<std::uint64_t>{0});
  EXPECT_EQ(find_row(t, "ERR"), nullptr);  // names are case-sensitive
}

TEST(ProcInterrupts, RowOrderDoesNotMatter) {
  std::mt19937 rng(7);
  for (const char* name : {"x86_1cpu.txt", "x86_2cpu.txt", "x86_4cpu_offline.txt", "x86_192cpu.txt"}) {
    const std::string text = fixture_text(name);
    const auto reference = parse_proc_interrupts(text);
    auto lines = split_lines(text);
    for (int round = 0; round < 3; ++round) {
      if (round == 0) std::reverse(lines.begin() + 1, lines.end());
      else std::shuffle(lines.begin() + 1, lines.end(), rng);
      const auto t = parse_proc_interrupts(join_lines(lines));
      EXPECT_EQ(t.cpus, reference.cpus) << name;
      EXPECT_EQ(tlb_shootdowns_per_cpu(t), tlb_shootdowns_per_cpu(reference)) << name;
      ASSERT_EQ(t.rows.size(), reference.rows.size()) << name;
      for (const auto& row : reference.rows) {
        const auto* same = find_row(t, row.name);
        ASSERT_NE(same, nullptr) << name << " " << row.name;
        EXPECT_EQ(same->per_cpu, row.per_cpu) << name << " " << row.name;
        EXPECT_EQ(same->description, row.description) << name << " " << row.name;
      }
    }
  }
}

TEST(ProcInterrupts, ShortRowsGluedNamesAndBlankLines) {
  const auto t = parse_proc_interrupts(
      "\n"
      "           CPU0       CPU1       CPU2\r\n"
      "ERR:          5\n"
      "  X:          1          2   desc with 3 digits 42\n"
      "\n"
      "TLB:4 5   TLB shootdowns\n");
  EXPECT_EQ(t.cpus, (std::vector<int>{0, 1, 2}));
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.rows[0].per_cpu, std::vector<std::uint64_t>{5});
  EXPECT_EQ(t.rows[1].name, "X");
  EXPECT_EQ(t.rows[1].per_cpu, (std::vector<std::uint64_t>{1, 2}));
  EXPECT_EQ(t.rows[1].description, "desc with 3 digits 42");
  EXPECT_EQ(t.rows[2].per_cpu, (std::vector<std::uint64_t>{4, 5}));
  // The TLB figures always have one entry per header CPU.
  EXPECT_EQ(tlb_shootdowns_per_cpu(t), (std::vector<std::uint64_t>{4, 5, 0}));
  // Counts past the header's CPUs belong to the description.
  const auto t2 = parse_proc_interrupts("CPU0\nLOC: 1 2 3 Local\n");
  EXPECT_EQ(find_row(t2, "LOC")->per_cpu, std::vector<std::uint64_t>{1});
  EXPECT_EQ(find_row(t2, "LOC")->description, "2 3 Local");
  EXPECT_EQ(sum(std::vector<std::uint64_t>{}), 0u);
}

TEST(ProcInterrupts, MalformedInputNamesTheLine) {
  struct Case {
    const char* text;
    const char* expect;
  };
  const Case cases[] = {
      {"", "/proc/interrupts line 1: missing header"},
      {"\n\n", "/proc/interrupts line 3: missing header"},
      {"NMI: 0 0 Non-maskable interrupts\n", "/proc/interrupts line 1: expected a header"},
      {"CPU0 CPUx\n", "/proc/interrupts line 1: expected a header"},
      {"CPU0 CPU2 CPU1\n", "/proc/interrupts line 1: header CPU columns are not increasing"},
      {"  CPU0 CPU1\nNMI: 0 0 x\nTLB: 12 3x4 TLB shootdowns\n", "/proc/interrupts line 3: row 'TLB': malformed count '3x4'"},
      {"CPU0\n\nLOC: 99999999999999999999999 Local\n", "/proc/interrupts line 3: row 'LOC': malformed count"},
      {"CPU0 CPU1\nTLB 1 2 TLB shootdowns\n", "/proc/interrupts line 2: expected a row starting with '<name>:'"},
      {"CPU0 CPU1\n: 1 2\n", "/proc/interrupts line 2: expected a row starting with '<name>:'"},
      {"CPU0 CPU1\nTLB:   TLB shootdowns\n", "/proc/interrupts line 2: row 'TLB' has no counts"},
      {"CPU0 CPU1\nTLB: -1 2 TLB shootdowns\n", "/proc/interrupts line 2: row 'TLB' has no counts"},
  };
  for (const auto& c : cases) {
    const std::string what = error_of<std::runtime_error>([&] { (void)parse_proc_interrupts(c.text); });
    EXPECT_NE(what.find(c.expect), std::string::npos) << "text: " << c.text << "\nerror: " << what;
  }
}

TEST(ProcInterrupts, ReadNamesThePath) {
  const auto t = read_proc_interrupts(fixture("x86_192cpu.txt"));
  EXPECT_EQ(t.cpus.size(), 192u);

  TempDir dir;
  const std::string missing = (dir.path() / "nope").string();
  const auto err = error_of<std::system_error>([&] { (void)read_proc_interrupts(missing); });
  EXPECT_NE(err.find(missing), std::string::npos) << err;
  EXPECT_NE(err.find("No such file or directory"), std::string::npos) << err;

  const auto bad = dir.path() / "interrupts";
  write_text_file(bad, "CPU0\nTLB: x\n");
  const auto parse_err = error_of<std::runtime_error>([&] { (void)read_proc_interrupts(bad); });
  EXPECT_NE(parse_err.find(bad.string() + " line 2:"), std::string::npos) << parse_err;
}

TEST(ProcInterrupts, RealFileParses) {
  std::string text;
  try {
    text = read_text_file("/proc/interrupts");
  } catch (const std::system_error& e) {
    GTEST_SKIP() << "no /proc/interrupts here: " << e.what();
  }
  const auto t = parse_proc_interrupts(text);
  EXPECT_FALSE(t.cpus.empty());
  EXPECT_FALSE(t.rows.empty());
}

// ---------------------------------------------------------------------------------------------------
// getrusage and /proc/self/status

constexpr const char* kStatusFixture =
    "Name:\tzkcontend\n"
    "Umask:\t0022\n"
    "State:\tR (running)\n"
    "Tgid:\t4242\n"
    "Pid:\t4242\n"
    "VmPeak:\t 9123456 kB\n"
    "VmSize:\t 9000000 kB\n"
    "VmLck:\t       0 kB\n"
    "VmPin:\t       0 kB\n"
    "VmHWM:\t 3145728 kB\n"
    "VmRSS:\t 2097152 kB\n"
    "RssAnon:\t 2000000 kB\n"
    "RssFile:\t   97152 kB\n"
    "Threads:\t100\n"
    "voluntary_ctxt_switches:\t12\n";

TEST(ProcessCounters, StatusParser) {
  const auto m = parse_status_memory(kStatusFixture);
  EXPECT_EQ(m.rss_bytes, 2097152ull * 1024);
  EXPECT_EQ(m.hwm_bytes, 3145728ull * 1024);

  const auto no_rss = error_of<std::runtime_error>([] { (void)parse_status_memory("Name:\tkthreadd\nVmHWM:\t1 kB\n"); });
  EXPECT_NE(no_rss.find("/proc/self/status: no VmRSS line"), std::string::npos) << no_rss;
  const auto no_hwm = error_of<std::runtime_error>([] { (void)parse_status_memory("VmRSS:\t1 kB\n", "st"); });
  EXPECT_NE(no_hwm.find("st: no VmHWM line"), std::string::npos) << no_hwm;
  const auto bad = error_of<std::runtime_error>([] { (void)parse_status_memory("Name:\tx\nVmHWM:\t1 kB\nVmRSS:\tmany kB\n"); });
  EXPECT_NE(bad.find("/proc/self/status line 3: VmRSS"), std::string::npos) << bad;
  const auto unit = error_of<std::runtime_error>([] { (void)parse_status_memory("VmHWM:\t1 MB\nVmRSS:\t1 kB\n"); });
  EXPECT_NE(unit.find("line 1: VmHWM"), std::string::npos) << unit;
}

TEST(ProcessCounters, RealMemoryAndUsage) {
  const auto m = read_memory();
  EXPECT_GT(m.rss_bytes, 0u);
  EXPECT_GE(m.hwm_bytes, m.rss_bytes);

  TempDir dir;
  const std::string missing = (dir.path() / "status").string();
  const auto err = error_of<std::system_error>([&] { (void)read_memory(missing); });
  EXPECT_NE(err.find(missing), std::string::npos) << err;

  const auto before = read_thread_usage();
  const auto process_before = read_process_usage();
  // First touch of fresh anonymous pages: minor faults, counted for this thread and the process.
  constexpr std::size_t kBytes = 16u << 20;
  void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  ::madvise(p, kBytes, MADV_NOHUGEPAGE);  // one fault per 4 KiB page, whatever the THP mode
  auto* bytes = static_cast<volatile char*>(p);
  for (std::size_t i = 0; i < kBytes; i += 4096) bytes[i] = 1;
  ::munmap(p, kBytes);
  const auto after = read_thread_usage();
  const auto process_after = read_process_usage();
  EXPECT_GE(after.minor_faults - before.minor_faults, kBytes / 4096 / 2);
  EXPECT_GE(process_after.minor_faults, process_before.minor_faults + (after.minor_faults - before.minor_faults));
  EXPECT_GE(process_after.user_s + process_after.system_s, after.user_s + after.system_s);
  EXPECT_GE(after.system_s, 0.0);
}

// ---------------------------------------------------------------------------------------------------
// CounterSampler

TEST(CounterSampler, RunsOnFixtures) {
  TempDir dir;
  const auto status = dir.path() / "status";
  write_text_file(status, kStatusFixture);
  CounterSampler sampler({fixture("x86_2cpu.txt"), status});
  EXPECT_EQ(sampler.status(), "");
  EXPECT_TRUE(sampler.rows().empty());
  sampler.stop();  // before start: nothing
  EXPECT_TRUE(sampler.rows().empty());

  const auto origin = std::chrono::steady_clock::now();
  sampler.start(5ms, origin);
  EXPECT_EQ(sampler.rows().size(), 1u);  // the first row is taken at once
  std::this_thread::sleep_for(60ms);
  const auto now_row = sampler.sample_now();
  EXPECT_TRUE(now_row.tlb_available);
  EXPECT_EQ(now_row.tlb_total, 274108u);
  EXPECT_GE(now_row.t_ms, 60.0);
  sampler.stop();
  const auto rows = sampler.rows();
  ASSERT_GE(rows.size(), 4u);  // first, at least a couple of ticks, final
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    if (i > 0) {
      EXPECT_GT(r.t_ms, rows[i - 1].t_ms) << i;
    }
    EXPECT_TRUE(r.tlb_available);
    EXPECT_EQ(r.tlb_total, 274108u);
    EXPECT_EQ(r.tlb_per_cpu, (std::vector<std::uint64_t>{139118, 134990}));
    EXPECT_EQ(r.tlb_cpus, (std::vector<int>{0, 1}));
    EXPECT_TRUE(r.mem_available);
    EXPECT_EQ(r.mem.rss_bytes, 2097152ull * 1024);
    EXPECT_GT(r.usage.minor_faults, 0u);  // the real process
  }
  EXPECT_GE(rows.front().t_ms, 0.0);
  EXPECT_LT(rows.front().t_ms, 50.0);
  EXPECT_GE(rows.back().t_ms, 60.0);
  EXPECT_EQ(sampler.status(), "");

  sampler.stop();  // idempotent: no second final row
  EXPECT_EQ(sampler.rows().size(), rows.size());
  (void)sampler.sample_now();  // not stored
  EXPECT_EQ(sampler.rows().size(), rows.size());
  EXPECT_THROW(sampler.start(5ms, origin), std::logic_error);
}

// Stage boundaries call sample_now() from many pool threads while the sampler thread runs.
TEST(CounterSampler, SampleNowFromManyThreads) {
  CounterSampler sampler({fixture("x86_4cpu_offline.txt"), "/proc/self/status"});
  sampler.start(1ms, std::chrono::steady_clock::now());
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        const auto row = sampler.sample_now();
        if (row.tlb_available && row.tlb_total == 79942u && row.mem_available) ++good;
        (void)sampler.rows();
      }
    });
  for (auto& t : threads) t.join();
  sampler.stop();
  EXPECT_EQ(good.load(), 200);
  EXPECT_EQ(sampler.status(), "");
}

TEST(CounterSampler, NoTlbRowStillRuns) {
  TempDir dir;
  const auto status = dir.path() / "status";
  write_text_file(status, kStatusFixture);
  CounterSampler sampler({fixture("arm64_4cpu_no_tlb.txt"), status});
  EXPECT_NE(sampler.status().find("arm64_4cpu_no_tlb.txt has no TLB row (not x86?)"), std::string::npos)
      << sampler.status();
  sampler.start(5ms, std::chrono::steady_clock::now());
  std::this_thread::sleep_for(30ms);
  sampler.stop();
  const auto rows = sampler.rows();
  ASSERT_GE(rows.size(), 3u);
  for (const auto& r : rows) {
    EXPECT_FALSE(r.tlb_available);
    EXPECT_EQ(r.tlb_total, 0u);
    EXPECT_TRUE(r.tlb_per_cpu.empty());
    EXPECT_TRUE(r.mem_available);
  }
  // The same note once, however many samples hit it.
  const std::string s = sampler.status();
  EXPECT_EQ(s.find("no TLB row"), s.rfind("no TLB row")) << s;
}

TEST(CounterSampler, UnreadableSourcesAreNotedNotFatal) {
  TempDir dir;
  const auto interrupts = dir.path() / "interrupts";
  const auto status = dir.path() / "status";
  CounterSampler sampler({interrupts, status});
  const std::string s = sampler.status();
  EXPECT_NE(s.find(interrupts.string()), std::string::npos) << s;
  EXPECT_NE(s.find(status.string()), std::string::npos) << s;
  EXPECT_NE(s.find("No such file or directory"), std::string::npos) << s;
  const auto row = sampler.sample_now();
  EXPECT_FALSE(row.tlb_available);
  EXPECT_FALSE(row.mem_available);
  EXPECT_EQ(row.mem.rss_bytes, 0u);
  EXPECT_GT(row.usage.minor_faults, 0u);

  // A malformed file is a note too.
  write_text_file(interrupts, "not a header\n");
  CounterSampler malformed({interrupts, status});
  EXPECT_NE(malformed.status().find(interrupts.string() + " line 1: expected a header"), std::string::npos)
      << malformed.status();
}

TEST(CounterSampler, ArgumentsAndDestructor) {
  CounterSampler sampler({fixture("x86_1cpu.txt"), "/proc/self/status"});
  EXPECT_THROW(sampler.start(0ms, std::chrono::steady_clock::now()), std::invalid_argument);
  {
    CounterSampler scoped({fixture("x86_1cpu.txt"), "/proc/self/status"});
    scoped.start(1h, std::chrono::steady_clock::now());  // the destructor must wake it, not wait an hour
  }
  SUCCEED();
}

// Shootdown IPIs under a munmap storm: unmapping memory this process touched makes the kernel flush the
// TLB of every other CPU running the process, here the CPU of a sibling thread that spins.
TEST(CounterSampler, RealProcTlbRisesUnderMunmapStorm) {
  try {
    if (!tlb_shootdowns_per_cpu(read_proc_interrupts()))
      GTEST_SKIP() << "/proc/interrupts has no TLB row (not x86?): nothing to measure";
  } catch (const std::exception& e) {
    GTEST_SKIP() << "cannot read /proc/interrupts: " << e.what();
  }
  cpu_set_t allowed;
  CPU_ZERO(&allowed);
  if (::sched_getaffinity(0, sizeof allowed, &allowed) != 0 || CPU_COUNT(&allowed) < 2)
    GTEST_SKIP() << "needs 2 CPUs: shootdown IPIs go to other CPUs";
  std::vector<int> cpus;
  for (int c = 0; c < CPU_SETSIZE && cpus.size() < 2; ++c)
    if (CPU_ISSET(c, &allowed)) cpus.push_back(c);
  const auto pin = [](int cpu) {  // best effort: the scheduler would spread two busy threads anyway
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(cpu, &one);
    (void)::pthread_setaffinity_np(::pthread_self(), sizeof one, &one);
  };

  CounterSampler sampler;
  EXPECT_EQ(sampler.status(), "");
  std::atomic<bool> spin{true};
  std::thread spinner([&] {
    pin(cpus[1]);
    while (spin.load(std::memory_order_relaxed)) {
    }
  });
  std::thread storm([&] {
    pin(cpus[0]);
    sampler.start(10ms, std::chrono::steady_clock::now());
    constexpr std::size_t kBytes = 64u << 20;
    const auto until = std::chrono::steady_clock::now() + 100ms;
    int rounds = 0;
    while (rounds < 3 || std::chrono::steady_clock::now() < until) {
      void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (p == MAP_FAILED) break;
      auto* bytes = static_cast<volatile char*>(p);
      for (std::size_t i = 0; i < kBytes; i += 4096) bytes[i] = 1;
      ::munmap(p, kBytes);
      ++rounds;
    }
    sampler.stop();
    std::cout << "munmap storm: " << rounds << " rounds of 64 MiB\n";
  });
  storm.join();
  spin = false;
  spinner.join();

  const auto rows = sampler.rows();
  ASSERT_GE(rows.size(), 2u);
  ASSERT_TRUE(rows.front().tlb_available);
  ASSERT_TRUE(rows.back().tlb_available);
  // Some hypervisors flush remote TLBs without a counted IPI (KVM's paravirtual flush, or INVLPGB):
  // their TLB row never moves from 0 since boot, storm or not. Nothing to measure there.
  if (rows.front().tlb_total == 0 && rows.back().tlb_total == 0) {
    GTEST_SKIP() << "this machine's /proc/interrupts TLB row has stayed 0 since boot, even through a munmap "
                    "storm: remote TLB flushes here are not counted as IPIs (paravirtual flush or INVLPGB)";
  }
  std::cout << "TLB shootdowns received during the storm: " << rows.back().tlb_total - rows.front().tlb_total
            << " over " << rows.size() << " samples\n";
  EXPECT_GT(rows.back().tlb_total, rows.front().tlb_total);
  for (std::size_t i = 1; i < rows.size(); ++i) EXPECT_GE(rows[i].tlb_total, rows[i - 1].tlb_total);
}

}  // namespace
}  // namespace zkc::harness::counters
