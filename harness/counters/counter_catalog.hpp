// The counters the harness knows, by tier:
//   Tier 1: perf_event software events (page faults, context switches, CPU migrations) and the x86
//           tlb:tlb_flush tracepoint, one counter per `reason` through PERF_EVENT_IOC_SET_FILTER.
//   Tier 2: hardware events encoded by libpfm4 (cycles, instructions, dTLB misses, L3 misses; names
//           configurable); on AMD Zen the L3 misses come from the amd_l3 uncore PMU, counted system-wide,
//           one fd per L3 domain.
// Tier 0 (/proc/interrupts, getrusage, VmRSS/VmHWM) needs no perf_event and is not in this catalog; the
// availability matrix lists it separately.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkc::harness::counters {

struct CounterSpec {
  enum class Kind { kSoftware, kTracepoint, kHardware, kUncoreL3 };

  std::string name;        // column name in stages.csv (e.g. "tlb_flush_remote_send_ipi")
  int tier = 1;
  Kind kind = Kind::kSoftware;
  std::uint64_t config = 0;    // kSoftware: PERF_COUNT_SW_*; kUncoreL3: the raw amd_l3 config
  std::string tracepoint;      // kTracepoint: "tlb:tlb_flush"
  std::string filter;          // kTracepoint: "reason == 1"
  std::string pfm_event;       // kHardware: libpfm4 event name ("perf::DTLB-LOAD-MISSES")
  std::string description;
  // kUncoreL3 only: the PMU's dynamic type and one CPU per L3 domain (the PMU's cpumask).
  std::uint32_t pmu_type = 0;
  std::vector<int> domain_cpus;
};

std::string_view to_string(CounterSpec::Kind kind);

// libpfm4 names of the Tier 2 events. l3_misses is used where no amd_l3 uncore PMU exists (Intel: LLC).
struct HardwareEventNames {
  std::string cycles = "perf::CYCLES";
  std::string instructions = "perf::INSTRUCTIONS";
  std::string dtlb_misses = "perf::DTLB-LOAD-MISSES";
  std::string l3_misses = "perf::LLC-LOAD-MISSES";
};

// The tlb:tlb_flush reasons (enum tlb_flush_reason in include/linux/mm_types.h), in the order of the catalog.
struct TlbFlushReason {
  int reason;
  std::string_view column;  // counter name
  std::string_view meaning;
};
inline constexpr TlbFlushReason kTlbFlushReasons[] = {
    {0, "tlb_flush_task_switch", "flush on task switch"},
    {1, "tlb_flush_remote_shootdown", "remote shootdown (flush done on a CPU that received the IPI)"},
    {2, "tlb_flush_local_shootdown", "local shootdown"},
    {3, "tlb_flush_local_mm_shootdown", "local mm shootdown (flush of the caller's own mm)"},
    {4, "tlb_flush_remote_send_ipi", "remote IPI send (one per flush_tlb_multi round, whatever the target count)"},
    {5, "tlb_flush_remote_wrong_cpu", "remote shootdown that arrived on the wrong CPU"},
};

// The tracefs roots to look for events in: /sys/kernel/tracing, /sys/kernel/debug/tracing, then every
// other tracefs mount point listed in <proc_root>/self/mounts (tracefs may be mounted anywhere).
std::vector<std::filesystem::path> default_tracing_roots(const std::filesystem::path& proc_root = "/proc");

// How tier-1 tracepoint counters (tlb_flush per reason) can be had when no root in `roots` is a mounted
// tracefs (none has an events/ folder): the line a run header prints. "" when one is. A fresh machine
// often has tracefs unmounted; ./zkcontend mounts it when run as root.
std::string tracefs_hint(const std::vector<std::filesystem::path>& roots = default_tracing_roots());

// The numeric id of a tracepoint ("tlb:tlb_flush") from <root>/events/tlb/tlb_flush/id, trying each root in
// order. nullopt when no root has it; then *why says where it looked and what failed.
std::optional<std::uint64_t> tracepoint_id(std::string_view category_event,
                                           const std::vector<std::filesystem::path>& tracing_roots =
                                               {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"},
                                           std::string* why = nullptr);

// amd_l3 uncore PMU discovery (<sys_root>/bus/event_source/devices/amd_l3): type, config for
// event/umask placed by its format files, one CPU per L3 domain from its cpumask.
struct AmdL3Pmu {
  std::uint32_t type = 0;
  std::uint64_t l3_miss_config = 0;  // event 0x04, umask 0x01
  std::vector<int> domain_cpus;
};
std::optional<AmdL3Pmu> discover_amd_l3(const std::filesystem::path& sys_root = "/sys", std::string* why = nullptr);

// Places `value` into the bits a sysfs format spec names: "config:0-7", "config:8-15", "config:0-7,32-35"
// (low bits of value go to the first range). nullopt for anything but a config field or a bad spec.
std::optional<std::uint64_t> place_format_bits(std::string_view format_spec, std::uint64_t value);
// "0,8,16-17" -> {0, 8, 16, 17}; nullopt on malformed text.
std::optional<std::vector<int>> parse_cpu_list(std::string_view text);

// The full catalog: Tier 1 software, Tier 1 tlb_flush per reason, Tier 2 hardware (with amd_l3 for
// l3_misses when that PMU exists under sys_root).
std::vector<CounterSpec> default_catalog(const HardwareEventNames& names = {},
                                         const std::filesystem::path& sys_root = "/sys");

}  // namespace zkc::harness::counters
