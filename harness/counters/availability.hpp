// Which counters this machine can measure, and why not where it cannot: the availability matrix that
// meta.json records and `zkcontend probe` prints. A missing counter never fails a run; its columns stay
// empty and this says why.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/counters/counter_catalog.hpp"
#include "harness/counters/perf_syscalls.hpp"

namespace zkc::harness::counters {

enum class Availability {
  kAvailable,
  kNotSupported,      // ENOENT/EOPNOTSUPP/ENODEV/EINVAL...: no PMU (as in a VM), or the kernel lacks the event
  kPermissionDenied,  // EACCES/EPERM: perf_event_paranoid too high, needs CAP_PERFMON or root
  kNotEncodable,      // libpfm4 cannot encode the event name on this CPU
  kNotFound,          // a tracepoint, file or PMU that does not exist here
};

std::string_view to_string(Availability a);  // "available", "not supported", "permission denied", ...

struct CounterStatus {
  std::string name;
  int tier = 0;
  Availability availability = Availability::kNotFound;
  std::string detail;  // errno text or libpfm4 message; what the counter measures when available
  std::string hint;    // what would make it available
  bool user_only = false;  // counts user space only (exclude_kernel: perf_event_paranoid >= 2)
};

// Maps a perf_event_open/ioctl errno (either sign) to an availability and a hint for this spec.
// `paranoid` is the perf_event_paranoid value (nullopt: unknown).
struct ErrorClass {
  Availability availability;
  std::string hint;
};
ErrorClass classify_open_error(int err, const CounterSpec& spec, std::optional<int> paranoid);

// Tries to open each counter (per-thread ones on the calling thread, uncore ones on one CPU per L3 domain),
// then closes it. In catalog order.
std::vector<CounterStatus> probe_counters(const std::vector<CounterSpec>& specs, PerfSyscalls& sys);

// Tier 0 rows: the TLB row of <proc_root>/interrupts, getrusage, VmRSS/VmHWM of <proc_root>/self/status.
// Names: "interrupts_tlb", "rusage", "vm_rss_hwm".
std::vector<CounterStatus> tier0_statuses(const std::filesystem::path& proc_root = "/proc");

// The complete matrix with the facts that explain it.
struct AvailabilityReport {
  std::vector<CounterStatus> counters;  // Tier 0 rows, then the catalog's
  std::string kernel_release;
  std::optional<int> perf_event_paranoid;
  std::optional<bool> invlpgb;
  std::string notes;  // e.g. the INVLPGB caveat, unreadable facts
};
AvailabilityReport availability_report(const std::vector<CounterSpec>& specs, PerfSyscalls& sys,
                                       const std::filesystem::path& proc_root = "/proc");

// [{"name", "tier", "availability", "detail", "hint", "user_only"}...] for meta.json.
nlohmann::json availability_json(const std::vector<CounterStatus>& statuses);
// {"kernel_release", "perf_event_paranoid", "invlpgb", "notes", "counters": availability_json(...)}.
nlohmann::json availability_report_json(const AvailabilityReport& report);

// The note that goes with INVLPGB: broadcast invalidation sends no IPI, so shootdowns leave no trace in
// /proc/interrupts nor in tlb_flush reason 4 while the flush cost remains.
inline constexpr std::string_view kInvlpgbNote =
    "the CPU has INVLPGB: with broadcast TLB invalidation the kernel may flush remote TLBs without IPIs, so "
    "shootdowns can vanish from /proc/interrupts and tlb_flush reason 4 while their cost remains";

}  // namespace zkc::harness::counters
