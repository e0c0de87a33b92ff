// Tiers 1 and 2 of the contention counters: perf_event counters behind an injectable syscall layer, the
// catalog (tracepoint ids, amd_l3 discovery), the availability matrix, the shootdown test, `zkcontend probe`.
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "harness/counters/availability.hpp"
#include "harness/counters/counter_catalog.hpp"
#include "harness/counters/perf_counters.hpp"
#include "harness/counters/perf_syscalls.hpp"
#include "harness/counters/shootdown_test.hpp"
#include "tests/support/run_binary.hpp"

namespace {

namespace fs = std::filesystem;
using namespace zkc::harness::counters;

using zkc::test_support::TempDir;

// Records every call; fails perf_event_open or one ioctl with a chosen errno; reads back fixed values.
class FakeSyscalls : public PerfSyscalls {
 public:
  int open_result = 0;          // 0: succeed, else -errno
  int filter_result = 0;        // result of PERF_EVENT_IOC_SET_FILTER
  std::array<std::uint64_t, 3> read_values{100, 200, 100};  // value, enabled, running
  std::vector<std::string> filters;
  struct Open {
    std::uint32_t type;
    std::uint64_t config;
    pid_t pid;
    int cpu;
    bool exclude_kernel;
    bool disabled;
  };
  std::vector<Open> opens;
  std::vector<int> closed;
  std::vector<unsigned long> requests;

  int perf_event_open(perf_event_attr& attr, pid_t pid, int cpu, int, unsigned long) override {
    opens.push_back({attr.type, attr.config, pid, cpu, attr.exclude_kernel != 0, attr.disabled != 0});
    if (open_result != 0) return open_result;
    return next_fd_++;
  }
  int ioctl(int, unsigned long request, const void* arg) override {
    requests.push_back(request);
    if (request == PERF_EVENT_IOC_SET_FILTER) {
      filters.emplace_back(static_cast<const char*>(arg));
      return filter_result;
    }
    return 0;
  }
  ssize_t read(int, void* buf, std::size_t count) override {
    if (count < sizeof read_values) return -EINVAL;
    std::memcpy(buf, read_values.data(), sizeof read_values);
    return static_cast<ssize_t>(sizeof read_values);
  }
  int close(int fd) override {
    closed.push_back(fd);
    return 0;
  }

 private:
  int next_fd_ = 100;
};

// A tracefs fixture with tlb:tlb_flush id 188.
struct TracingFixture {
  TempDir dir;
  TracingFixture() { dir.write("events/tlb/tlb_flush/id", "188\n"); }
};

CounterSpec software_spec() {
  CounterSpec s;
  s.name = "page_faults";
  s.tier = 1;
  s.kind = CounterSpec::Kind::kSoftware;
  s.config = PERF_COUNT_SW_PAGE_FAULTS;
  return s;
}
CounterSpec tracepoint_spec(int reason) {
  CounterSpec s;
  s.name = "tlb_flush_reason_" + std::to_string(reason);
  s.tier = 1;
  s.kind = CounterSpec::Kind::kTracepoint;
  s.tracepoint = "tlb:tlb_flush";
  s.filter = "reason == " + std::to_string(reason);
  return s;
}
CounterSpec hardware_spec(std::string pfm = "perf::CYCLES") {
  CounterSpec s;
  s.name = "cycles";
  s.tier = 2;
  s.kind = CounterSpec::Kind::kHardware;
  s.pfm_event = std::move(pfm);
  return s;
}
CounterSpec uncore_spec() {
  CounterSpec s;
  s.name = "l3_misses";
  s.tier = 2;
  s.kind = CounterSpec::Kind::kUncoreL3;
  s.config = 0x0104;
  s.pmu_type = 99;
  s.domain_cpus = {0, 8};
  return s;
}

PrepareOptions fixture_options(const TracingFixture& t, int paranoid = 2, bool privileged = false) {
  PrepareOptions o;
  o.perf_event_paranoid = paranoid;
  o.privileged = privileged;
  o.tracing_roots = {t.dir.path()};
  return o;
}

std::vector<CounterSpec> mixed_specs() { return {software_spec(), tracepoint_spec(1), hardware_spec(), uncore_spec()}; }

// Statuses of a ThreadCounterGroup and SystemWideCounters over the same catalog, merged as probe_counters does.
std::vector<CounterStatus> open_all(const PreparedCounters& prepared, PerfSyscalls& sys) {
  const ThreadCounterGroup thread(prepared, sys);
  const SystemWideCounters system(prepared, sys);
  std::vector<CounterStatus> out;
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    out.push_back(is_system_wide(prepared.specs()[i]) ? system.statuses()[i] : thread.statuses()[i]);
  }
  return out;
}

// ---------- simulated failures ----------

TEST(CountersFake, EaccesIsPermissionDeniedWithParanoidHint) {
  TracingFixture t;
  FakeSyscalls sys;
  sys.open_result = -EACCES;
  const PreparedCounters prepared(mixed_specs(), fixture_options(t, 2));
  const auto st = open_all(prepared, sys);
  ASSERT_EQ(st.size(), 4U);
  for (const auto& s : st) {
    EXPECT_EQ(s.availability, Availability::kPermissionDenied) << s.name;
    EXPECT_NE(s.detail.find("EACCES"), std::string::npos) << s.detail;
  }
  EXPECT_NE(st[0].hint.find("perf_event_paranoid is 2"), std::string::npos) << st[0].hint;
  EXPECT_EQ(st[1].hint, "perf_event_paranoid is 2: needs <= -1 or CAP_PERFMON/root");
  EXPECT_EQ(st[3].hint, "perf_event_paranoid is 2: needs <= 0 or CAP_PERFMON/root");
  // Nothing left open: every failed open returned an error, so nothing to close.
  EXPECT_TRUE(sys.closed.empty());
}

TEST(CountersFake, EpermAtParanoid3NamesTheLevel) {
  const ErrorClass c = classify_open_error(-EPERM, hardware_spec(), 3);
  EXPECT_EQ(c.availability, Availability::kPermissionDenied);
  EXPECT_EQ(c.hint, "perf_event_paranoid is 3: needs <= 2 or CAP_PERFMON/root");
  const ErrorClass unknown = classify_open_error(EACCES, tracepoint_spec(0), std::nullopt);
  EXPECT_NE(unknown.hint.find("unreadable"), std::string::npos) << unknown.hint;
}

TEST(CountersFake, EnoentAndEopnotsuppAreNotSupported) {
  for (const int err : {ENOENT, EOPNOTSUPP, ENODEV}) {
    TracingFixture t;
    FakeSyscalls sys;
    sys.open_result = -err;
    const PreparedCounters prepared(mixed_specs(), fixture_options(t));
    const auto st = open_all(prepared, sys);
    for (const auto& s : st) {
      EXPECT_EQ(s.availability, Availability::kNotSupported) << s.name << " errno " << err;
      EXPECT_NE(s.detail.find(zkc::harness::errno_text(err)), std::string::npos) << s.detail;
      EXPECT_FALSE(s.hint.empty()) << s.name;
    }
    EXPECT_NE(st[2].hint.find("PMU"), std::string::npos) << st[2].hint;  // hardware: no PMU / PMU lacks it
  }
}

TEST(CountersFake, EinvalIsNotSupportedWithErrnoText) {
  TracingFixture t;
  FakeSyscalls sys;
  sys.open_result = -EINVAL;
  const PreparedCounters prepared(mixed_specs(), fixture_options(t));
  for (const auto& s : open_all(prepared, sys)) {
    EXPECT_EQ(s.availability, Availability::kNotSupported) << s.name;
    EXPECT_NE(s.detail.find("EINVAL (Invalid argument)"), std::string::npos) << s.detail;
    EXPECT_NE(s.hint.find("rejected"), std::string::npos) << s.hint;
  }
}

TEST(CountersFake, ProbeCountersMapsErrorsAndClosesEverything) {
  FakeSyscalls sys;
  const auto ok = probe_counters({software_spec()}, sys);
  ASSERT_EQ(ok.size(), 1U);
  EXPECT_EQ(ok[0].availability, Availability::kAvailable);
  EXPECT_EQ(sys.closed.size(), 1U);  // probed, then closed
  sys.open_result = -EACCES;
  const auto denied = probe_counters({software_spec()}, sys);
  EXPECT_EQ(denied[0].availability, Availability::kPermissionDenied);
  EXPECT_NE(denied[0].hint.find("perf_event_paranoid"), std::string::npos) << denied[0].hint;
}

TEST(CountersFake, FilterFailureClosesTheFdAndSaysWhich) {
  TracingFixture t;
  FakeSyscalls sys;
  sys.filter_result = -EINVAL;
  const PreparedCounters prepared({tracepoint_spec(1)}, fixture_options(t));
  const ThreadCounterGroup group(prepared, sys);
  ASSERT_EQ(group.statuses().size(), 1U);
  const auto& s = group.statuses()[0];
  EXPECT_EQ(s.availability, Availability::kNotSupported);
  EXPECT_NE(s.detail.find("PERF_EVENT_IOC_SET_FILTER \"reason == 1\": EINVAL"), std::string::npos) << s.detail;
  EXPECT_EQ(sys.closed.size(), 1U);
  EXPECT_EQ(group.open_count(), 0U);
  EXPECT_FALSE(group.read()[0].valid);
}

TEST(CountersFake, TracepointFiltersAreExactReasonStrings) {
  TracingFixture t;
  FakeSyscalls sys;
  std::vector<CounterSpec> tps;
  for (auto& s : default_catalog()) {
    if (s.kind == CounterSpec::Kind::kTracepoint) tps.push_back(std::move(s));
  }
  ASSERT_EQ(tps.size(), 6U);
  const PreparedCounters prepared(tps, fixture_options(t));
  {
    const ThreadCounterGroup group(prepared, sys);
    EXPECT_EQ(group.open_count(), 6U);
  }
  EXPECT_EQ(sys.filters, (std::vector<std::string>{"reason == 0", "reason == 1", "reason == 2", "reason == 3",
                                                   "reason == 4", "reason == 5"}));
  for (const auto& o : sys.opens) {
    EXPECT_EQ(o.type, static_cast<std::uint32_t>(PERF_TYPE_TRACEPOINT));
    EXPECT_EQ(o.config, 188U);
    EXPECT_EQ(o.pid, 0);
    EXPECT_EQ(o.cpu, -1);
    EXPECT_FALSE(o.exclude_kernel);  // tracepoints fire in the kernel
    EXPECT_TRUE(o.disabled);         // filter first, then enable
  }
  EXPECT_EQ(sys.closed.size(), 6U);
  EXPECT_EQ(std::count(sys.requests.begin(), sys.requests.end(), static_cast<unsigned long>(PERF_EVENT_IOC_ENABLE)), 6);
}

TEST(CountersFake, CatalogNamesAndTiers) {
  const auto cat = default_catalog({}, "/nonexistent-sys");
  std::vector<std::string> names;
  for (const auto& s : cat) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"page_faults", "context_switches", "cpu_migrations", "task_clock_ns",
                                             "tlb_flush_task_switch",
                                             "tlb_flush_remote_shootdown", "tlb_flush_local_shootdown",
                                             "tlb_flush_local_mm_shootdown", "tlb_flush_remote_send_ipi",
                                             "tlb_flush_remote_wrong_cpu", "cycles", "instructions", "dtlb_misses",
                                             "l3_misses"}));
  EXPECT_EQ(cat.back().kind, CounterSpec::Kind::kHardware);
  EXPECT_EQ(cat.back().pfm_event, "perf::LLC-LOAD-MISSES");
  HardwareEventNames custom;
  custom.dtlb_misses = "DTLB_LOAD_MISSES.WALK_COMPLETED";
  EXPECT_EQ(default_catalog(custom, "/nonexistent-sys")[12].pfm_event, "DTLB_LOAD_MISSES.WALK_COMPLETED");
}

TEST(CountersFake, UnknownPfmEventIsNotEncodable) {
  TracingFixture t;
  FakeSyscalls sys;
  const PreparedCounters prepared({hardware_spec("nosuchpmu::NO_SUCH_EVENT")}, fixture_options(t));
  const ThreadCounterGroup group(prepared, sys);
  EXPECT_EQ(group.statuses()[0].availability, Availability::kNotEncodable);
  EXPECT_NE(group.statuses()[0].detail.find("nosuchpmu::NO_SUCH_EVENT"), std::string::npos)
      << group.statuses()[0].detail;
  EXPECT_TRUE(sys.opens.empty());  // never reached the kernel
}

TEST(CountersFake, HardwareIsUserOnlyAtParanoid2SoftwareOnlyWhenUnprivileged) {
  TracingFixture t;
  {
    FakeSyscalls sys;
    const PreparedCounters prepared({software_spec(), hardware_spec()}, fixture_options(t, 2, /*privileged=*/true));
    const ThreadCounterGroup group(prepared, sys);
    ASSERT_EQ(sys.opens.size(), 2U);
    EXPECT_FALSE(sys.opens[0].exclude_kernel);
    EXPECT_TRUE(sys.opens[1].exclude_kernel);
    EXPECT_TRUE(group.statuses()[1].user_only);
  }
  {
    FakeSyscalls sys;
    const PreparedCounters prepared({software_spec()}, fixture_options(t, 2, /*privileged=*/false));
    const ThreadCounterGroup group(prepared, sys);
    EXPECT_TRUE(sys.opens[0].exclude_kernel);
  }
  {
    FakeSyscalls sys;
    const PreparedCounters prepared({software_spec(), hardware_spec()}, fixture_options(t, 1, false));
    const ThreadCounterGroup group(prepared, sys);
    EXPECT_FALSE(sys.opens[0].exclude_kernel);
    EXPECT_FALSE(sys.opens[1].exclude_kernel);
  }
}

TEST(CountersFake, UncoreOpensOneFdPerDomainAndSums) {
  TracingFixture t;
  FakeSyscalls sys;
  sys.read_values = {100, 200, 100};  // multiplexed half the time: scaled to 200 per domain
  const PreparedCounters prepared({software_spec(), uncore_spec()}, fixture_options(t));
  const SystemWideCounters system(prepared, sys);
  ASSERT_EQ(sys.opens.size(), 2U);
  EXPECT_EQ(sys.opens[0].pid, -1);
  EXPECT_EQ(sys.opens[0].cpu, 0);
  EXPECT_EQ(sys.opens[1].cpu, 8);
  EXPECT_EQ(sys.opens[0].type, 99U);
  EXPECT_EQ(sys.opens[0].config, 0x0104U);
  EXPECT_EQ(system.statuses()[1].availability, Availability::kAvailable);
  const auto v = system.read();
  EXPECT_FALSE(v[0].valid);  // per-thread counter: not this object's
  ASSERT_TRUE(v[1].valid);
  EXPECT_DOUBLE_EQ(v[1].value, 400.0);
  EXPECT_DOUBLE_EQ(v[1].running_fraction, 0.5);
}

TEST(CountersFake, UncoreFailureOnOneDomainClosesTheOthers) {
  TracingFixture t;
  struct FailSecond : FakeSyscalls {
    int perf_event_open(perf_event_attr& attr, pid_t pid, int cpu, int g, unsigned long f) override {
      if (cpu == 8) {
        opens.push_back({attr.type, attr.config, pid, cpu, false, true});
        return -EACCES;
      }
      return FakeSyscalls::perf_event_open(attr, pid, cpu, g, f);
    }
  } sys;
  const PreparedCounters prepared({uncore_spec()}, fixture_options(t));
  const SystemWideCounters system(prepared, sys);
  EXPECT_EQ(system.statuses()[0].availability, Availability::kPermissionDenied);
  EXPECT_NE(system.statuses()[0].detail.find("CPU 8"), std::string::npos) << system.statuses()[0].detail;
  EXPECT_EQ(sys.closed.size(), 1U);
  EXPECT_EQ(system.open_count(), 0U);
}

TEST(CountersFake, MovedGroupClosesOnce) {
  TracingFixture t;
  FakeSyscalls sys;
  const PreparedCounters prepared({software_spec(), tracepoint_spec(4)}, fixture_options(t));
  {
    ThreadCounterGroup a(prepared, sys);
    ThreadCounterGroup b(std::move(a));
    ThreadCounterGroup c(prepared, sys);
    c = std::move(b);  // closes c's own two fds
    EXPECT_EQ(sys.closed.size(), 2U);
    EXPECT_EQ(c.open_count(), 2U);
  }
  EXPECT_EQ(sys.closed.size(), 4U);
}

// ---------- scaling ----------

TEST(CountersScaling, ScalesByEnabledOverRunning) {
  const CounterValue v = scale_one({1000, 400, 100, true});
  EXPECT_TRUE(v.valid);
  EXPECT_DOUBLE_EQ(v.value, 4000.0);
  EXPECT_DOUBLE_EQ(v.running_fraction, 0.25);
  EXPECT_FALSE(scale_one({5, 100, 0, true}).valid);  // never on the PMU: unknown
  EXPECT_TRUE(scale_one({0, 0, 0, true}).valid);     // nothing elapsed yet
  EXPECT_FALSE(scale_one({}).valid);
}

TEST(CountersScaling, DeltaScalesOverTheIntervalOnly) {
  // Ran the whole first interval, half the second.
  const CounterValue d = delta_one({100, 100, 100, true}, {150, 200, 150, true});
  EXPECT_TRUE(d.valid);
  EXPECT_DOUBLE_EQ(d.value, 100.0);
  EXPECT_DOUBLE_EQ(d.running_fraction, 0.5);
  EXPECT_FALSE(delta_one({100, 100, 100, true}, {50, 200, 150, true}).valid);  // went backwards
  CounterSnapshot a{{{RawCount{1, 1, 1, true}}, {}}};
  CounterSnapshot b{{{RawCount{3, 2, 2, true}}, {}}};
  const auto ds = delta(a, b);
  ASSERT_EQ(ds.size(), 2U);
  EXPECT_DOUBLE_EQ(ds[0].value, 2.0);
  EXPECT_FALSE(ds[1].valid);
}

// ---------- catalog helpers on fixtures ----------

TEST(CountersCatalog, TracepointIdFromFixtureRoots) {
  TempDir a;
  TempDir b;
  b.write("events/tlb/tlb_flush/id", "188\n");
  EXPECT_EQ(tracepoint_id("tlb:tlb_flush", {b.path()}), 188U);
  std::string why;
  EXPECT_EQ(tracepoint_id("tlb:tlb_flush", {a.path(), b.path()}, &why), 188U);  // first root lacks it
  EXPECT_FALSE(tracepoint_id("tlb:tlb_flush", {a.path()}, &why).has_value());
  EXPECT_NE(why.find((a.path() / "events/tlb/tlb_flush/id").string()), std::string::npos) << why;
  EXPECT_NE(why.find("ENOENT"), std::string::npos) << why;
  b.write("events/tlb/bad/id", "x1\n");
  EXPECT_FALSE(tracepoint_id("tlb:bad", {b.path()}, &why).has_value());
  EXPECT_NE(why.find("not a number"), std::string::npos) << why;
  EXPECT_FALSE(tracepoint_id("tlbflush", {b.path()}, &why).has_value());
  EXPECT_NE(why.find("<category>:<event>"), std::string::npos) << why;
}

// A fresh machine has tracefs unmounted (an empty /sys/kernel/tracing): the run header says so and how
// to mount it; with a mounted root (events/ inside) it says nothing.
TEST(CountersCatalog, TracefsHintOnlyWhenNoRootIsMounted) {
  TempDir unmounted;
  TempDir mounted;
  mounted.write("events/tlb/tlb_flush/id", "188\n");
  const std::string hint = tracefs_hint({unmounted.path(), unmounted.path() / "debug"});
  EXPECT_NE(hint.find("tracefs is not mounted"), std::string::npos) << hint;
  EXPECT_NE(hint.find("mount -t tracefs nodev /sys/kernel/tracing"), std::string::npos) << hint;
  EXPECT_NE(hint.find("tlb_flush"), std::string::npos) << hint;
  EXPECT_EQ(tracefs_hint({unmounted.path(), mounted.path()}), "");
}

TEST(CountersCatalog, MissingTracepointIsNotFound) {
  TempDir empty;
  FakeSyscalls sys;
  PrepareOptions o;
  o.perf_event_paranoid = 2;
  o.tracing_roots = {empty.path()};
  const PreparedCounters prepared({tracepoint_spec(4)}, o);
  const ThreadCounterGroup group(prepared, sys);
  EXPECT_EQ(group.statuses()[0].availability, Availability::kNotFound);
  EXPECT_NE(group.statuses()[0].hint.find("tracefs"), std::string::npos);
  EXPECT_TRUE(sys.opens.empty());
}

TEST(CountersCatalog, FormatBitsAndCpuLists) {
  EXPECT_EQ(place_format_bits("config:0-7\n", 0x04), 0x04U);
  EXPECT_EQ(place_format_bits("config:8-15", 0x01), 0x100U);
  EXPECT_EQ(place_format_bits("config:0-7,32-35", 0x1C0), 0xC0U | (std::uint64_t{1} << 32));
  EXPECT_EQ(place_format_bits("config:46", 1), std::uint64_t{1} << 46);
  EXPECT_FALSE(place_format_bits("config1:0-7", 1).has_value());
  EXPECT_FALSE(place_format_bits("config:9-3", 1).has_value());
  EXPECT_EQ(parse_cpu_list("0,8,16-17\n"), (std::vector<int>{0, 8, 16, 17}));
  EXPECT_FALSE(parse_cpu_list("0,x").has_value());
}

TEST(CountersCatalog, AmdL3DiscoveryFromFixture) {
  TempDir sys;
  const fs::path pmu = "bus/event_source/devices/amd_l3";
  sys.write(pmu / "type", "11\n");
  sys.write(pmu / "format/event", "config:0-7\n");
  sys.write(pmu / "format/umask", "config:8-15\n");
  sys.write(pmu / "cpumask", "0,8,16,24\n");
  const auto l3 = discover_amd_l3(sys.path());
  ASSERT_TRUE(l3.has_value());
  EXPECT_EQ(l3->type, 11U);
  EXPECT_EQ(l3->l3_miss_config, 0x0104U);
  EXPECT_EQ(l3->domain_cpus, (std::vector<int>{0, 8, 16, 24}));
  const auto cat = default_catalog({}, sys.path());
  EXPECT_EQ(cat.back().name, "l3_misses");
  EXPECT_EQ(cat.back().kind, CounterSpec::Kind::kUncoreL3);
  EXPECT_EQ(cat.back().pmu_type, 11U);
  TempDir none;
  std::string why;
  EXPECT_FALSE(discover_amd_l3(none.path(), &why).has_value());
  EXPECT_NE(why.find("amd_l3/type"), std::string::npos) << why;
}

TEST(CountersAvailability, Tier0RowsAndJson) {
  TempDir proc;
  proc.write("interrupts", "           CPU0       CPU1\n  0:         10          0   IO-APIC   2-edge      timer\n"
                           "TLB:       5          7   TLB shootdowns\n");
  proc.write("self/status", "Name:\tx\nVmHWM:\t 100 kB\nVmRSS:\t  50 kB\n");
  auto rows = tier0_statuses(proc.path());
  ASSERT_EQ(rows.size(), 3U);
  EXPECT_EQ(rows[0].name, "interrupts_tlb");
  EXPECT_EQ(rows[0].availability, Availability::kAvailable);
  EXPECT_EQ(rows[1].availability, Availability::kAvailable);
  EXPECT_EQ(rows[2].availability, Availability::kAvailable);
  proc.write("interrupts", "           CPU0\n IPI0:  1  Rescheduling interrupts\n");
  rows = tier0_statuses(proc.path());
  EXPECT_EQ(rows[0].availability, Availability::kNotFound);
  EXPECT_NE(rows[0].detail.find("no TLB row"), std::string::npos) << rows[0].detail;

  const auto j = availability_json({CounterStatus{"cycles", 2, Availability::kNotSupported, "perf_event_open: ENOENT",
                                                  "no PMU in this VM", true}});
  ASSERT_TRUE(j.is_array());
  EXPECT_EQ(j[0]["name"], "cycles");
  EXPECT_EQ(j[0]["tier"], 2);
  EXPECT_EQ(j[0]["availability"], "not supported");
  EXPECT_EQ(j[0]["hint"], "no PMU in this VM");
  EXPECT_EQ(j[0]["user_only"], true);
}

// ---------- the real machine ----------

std::size_t index_of(const std::vector<CounterSpec>& cat, const std::string& name) {
  for (std::size_t i = 0; i < cat.size(); ++i) {
    if (cat[i].name == name) return i;
  }
  return cat.size();
}

TEST(CountersReal, PageFaultsRiseAfterTouchingFreshPages) {
  const PreparedCounters prepared(default_catalog());
  const ThreadCounterGroup group(prepared);
  const std::size_t pf = index_of(prepared.specs(), "page_faults");
  ASSERT_LT(pf, prepared.size());
  if (group.statuses()[pf].availability != Availability::kAvailable) {
    GTEST_SKIP() << "page_faults unavailable: " << group.statuses()[pf].detail << " " << group.statuses()[pf].hint;
  }
  const CounterSnapshot before = group.snapshot();
  constexpr std::size_t kBytes = std::size_t{32} << 20;
  void* p = ::mmap(nullptr, kBytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(p, MAP_FAILED);
  ::madvise(p, kBytes, MADV_NOHUGEPAGE);  // one fault per 4 KiB page
  auto* bytes = static_cast<volatile unsigned char*>(p);
  for (std::size_t off = 0; off < kBytes; off += 4096) bytes[off] = 1;
  const auto d = delta(before, group.snapshot());
  ::munmap(p, kBytes);
  ASSERT_TRUE(d[pf].valid);
  EXPECT_GE(d[pf].value, 0.9 * static_cast<double>(kBytes / 4096)) << "page faults: " << d[pf].value;
}

TEST(CountersReal, ValuesNeverNegativeAndFractionsInRange) {
  const PreparedCounters prepared(default_catalog());
  const ThreadCounterGroup group(prepared);
  volatile double sink = 0;
  for (int i = 0; i < 1000000; ++i) sink = sink + i;
  const auto values = group.read();
  ASSERT_EQ(values.size(), prepared.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    const auto& s = group.statuses()[i];
    if (s.availability != Availability::kAvailable) {
      EXPECT_FALSE(values[i].valid) << s.name;
      continue;
    }
    EXPECT_TRUE(values[i].valid) << s.name;
    EXPECT_GE(values[i].value, 0.0) << s.name;
    EXPECT_GE(values[i].running_fraction, 0.0) << s.name;
    EXPECT_LE(values[i].running_fraction, 1.0) << s.name;
  }
  // Hardware counters: whatever this machine says, an "available" one must read.
  for (const char* name : {"cycles", "instructions", "dtlb_misses"}) {
    const std::size_t i = index_of(prepared.specs(), name);
    ASSERT_LT(i, values.size());
    EXPECT_TRUE(group.statuses()[i].availability != Availability::kAvailable || values[i].valid) << name;
    std::printf("%s: %s %s\n", name, std::string(to_string(group.statuses()[i].availability)).c_str(),
                group.statuses()[i].hint.c_str());
  }
}

TEST(CountersReal, TlbFlushCountsRiseUnderMunmapStorm) {
  std::string why;
  if (!tracepoint_id("tlb:tlb_flush", default_tracing_roots(), &why)) {
    GTEST_SKIP() << "tlb:tlb_flush unavailable: " << why;
  }
  const auto report = run_shootdown_test(ShootdownOptions{std::chrono::milliseconds(300), std::size_t{8} << 20, 0});
  if (!report.tracepoint_why.empty()) GTEST_SKIP() << "tlb:tlb_flush cannot be opened: " << report.tracepoint_why;
  std::uint64_t total = 0;
  for (const auto& r : report.reasons) {
    ASSERT_TRUE(r.munmapper.has_value()) << r.name;
    total += *r.munmapper;
  }
  std::printf("iterations %llu, verdict: %s\n", static_cast<unsigned long long>(report.iterations),
              report.verdict.c_str());
  EXPECT_GT(report.iterations, 0U);
  EXPECT_GT(total, 0U) << report.verdict;
  if (report.spinner_cpu >= 0 && !report.invlpgb) {
    EXPECT_GT(report.reasons[4].munmapper.value_or(0), 0U) << "no remote-send-IPI events: " << report.verdict;
  }
}

TEST(CountersReal, ProbeCommandPrintsTheMatrix) {
  const auto r = zkc::test_support::run_zkcontend("probe");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* s : {"counter", "tier", "status", "page_faults", "tlb_flush_remote_send_ipi", "cycles", "l3_misses",
                        "interrupts_tlb", "perf_event_paranoid", "INVLPGB", "kernel"}) {
    EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
  }
}

TEST(CountersReal, ProbeShootdownTestRunsAndReports) {
  const auto r = zkc::test_support::run_zkcontend("probe --shootdown-test --shootdown-ms 200");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* s : {"shootdown test", "tlb_flush_remote_send_ipi", "/proc/interrupts TLB delta", "agree within 5%",
                        "verdict"}) {
    EXPECT_NE(r.output.find(s), std::string::npos) << s << "\n" << r.output;
  }
}

}  // namespace
