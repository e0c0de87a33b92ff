#include "harness/counters/availability.hpp"

#include <sys/resource.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/counters/perf_counters.hpp"
#include "harness/system/host_info.hpp"
#include "harness/system/proc_readers.hpp"

namespace zkc::harness::counters {
namespace {

// The loosest perf_event_paranoid at which an unprivileged process may open this counter (kernel/events/core.c).
int paranoid_needed(const CounterSpec& spec, bool user_only) {
  switch (spec.kind) {
    case CounterSpec::Kind::kTracepoint: return -1;  // perf_allow_tracepoint: raw tracepoint data
    case CounterSpec::Kind::kUncoreL3: return 0;     // system-wide (pid -1) events
    case CounterSpec::Kind::kSoftware:
    case CounterSpec::Kind::kHardware: return user_only ? 2 : 1;
  }
  return -1;
}

bool has_core_pmu() {
  std::error_code ec;
  for (const char* pmu : {"cpu", "cpu_core", "cpu_atom"}) {
    if (std::filesystem::exists(std::filesystem::path("/sys/bus/event_source/devices") / pmu, ec)) return true;
  }
  return false;
}

std::optional<std::string> read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::string_view to_string(Availability a) {
  switch (a) {
    case Availability::kAvailable: return "available";
    case Availability::kNotSupported: return "not supported";
    case Availability::kPermissionDenied: return "permission denied";
    case Availability::kNotEncodable: return "not encodable";
    case Availability::kNotFound: return "not found";
  }
  return "unknown";
}

ErrorClass classify_open_error(int err, const CounterSpec& spec, std::optional<int> paranoid) {
  if (err < 0) err = -err;
  switch (err) {
    case EACCES:
    case EPERM: {
      const int needed = paranoid_needed(spec, paranoid.value_or(2) >= 2);
      if (!paranoid) {
        return {Availability::kPermissionDenied,
                fmt::format("perf_event_paranoid unreadable: needs <= {} or CAP_PERFMON/root", needed)};
      }
      if (*paranoid <= needed) {
        return {Availability::kPermissionDenied,
                fmt::format("perf_event_paranoid is {} (enough): refused by a security policy "
                            "(seccomp, LSM or container); needs CAP_PERFMON/root",
                            *paranoid)};
      }
      return {Availability::kPermissionDenied,
              fmt::format("perf_event_paranoid is {}: needs <= {} or CAP_PERFMON/root", *paranoid, needed)};
    }
    case ENOENT:
    case EOPNOTSUPP:
    case ENODEV:
      switch (spec.kind) {
        case CounterSpec::Kind::kHardware:
          return {Availability::kNotSupported,
                  has_core_pmu() ? "the CPU's PMU does not support this event"
                                 : "no PMU in this VM (no cpu PMU under /sys/bus/event_source/devices)"};
        case CounterSpec::Kind::kUncoreL3:
          return {Availability::kNotSupported, "the amd_l3 uncore PMU refused the event"};
        case CounterSpec::Kind::kTracepoint:
          return {Availability::kNotSupported, "the kernel does not support this tracepoint as a perf event"};
        case CounterSpec::Kind::kSoftware:
          return {Availability::kNotSupported, "the kernel does not support this software event"};
      }
      break;
    case EINVAL:
      return {Availability::kNotSupported,
              "the kernel rejected the event's attributes or filter (not supported by this kernel or PMU)"};
    case EBUSY:
      return {Availability::kNotSupported, "the PMU is busy (in use by another user, e.g. the NMI watchdog)"};
    case EMFILE:
    case ENFILE:
      return {Availability::kNotSupported, "out of file descriptors: raise ulimit -n"};
    default: break;
  }
  return {Availability::kNotSupported, "unexpected error from the kernel"};
}

std::vector<CounterStatus> probe_counters(const std::vector<CounterSpec>& specs, PerfSyscalls& sys) {
  const PreparedCounters prepared(specs);
  std::vector<CounterStatus> out;
  out.reserve(specs.size());
  {
    // Scoped: both sets are closed again before returning.
    const ThreadCounterGroup thread(prepared, sys);
    const SystemWideCounters system(prepared, sys);
    for (std::size_t i = 0; i < specs.size(); ++i) {
      out.push_back(is_system_wide(specs[i]) ? system.statuses()[i] : thread.statuses()[i]);
    }
  }
  return out;
}

std::vector<CounterStatus> tier0_statuses(const std::filesystem::path& proc_root) {
  std::vector<CounterStatus> out;
  {
    CounterStatus s{"interrupts_tlb", 0, Availability::kNotFound, "", "", false};
    const auto path = proc_root / "interrupts";
    const auto text = read_text(path);
    if (!text) {
      s.detail = fmt::format("{}: {}", path.string(), errno_text(errno));
      s.hint = "/proc not mounted?";
    } else if (text->find("\nTLB:") == std::string::npos && text->find(" TLB:") == std::string::npos &&
               text->rfind("TLB:", 0) != 0) {
      s.detail = fmt::format("{}: no TLB row", path.string());
      s.hint = "not an x86 kernel: shootdown IPIs are not counted separately";
    } else {
      s.availability = Availability::kAvailable;
      s.detail = "TLB shootdown IPIs received, per CPU (/proc/interrupts)";
    }
    out.push_back(std::move(s));
  }
  {
    CounterStatus s{"rusage", 0, Availability::kAvailable, "getrusage: faults, context switches", "", false};
    struct rusage ru;
    if (::getrusage(RUSAGE_THREAD, &ru) != 0) {
      s.availability = Availability::kNotSupported;
      s.detail = fmt::format("getrusage(RUSAGE_THREAD): {}", errno_text(errno));
    }
    out.push_back(std::move(s));
  }
  {
    CounterStatus s{"vm_rss_hwm", 0, Availability::kNotFound, "", "", false};
    const auto path = proc_root / "self" / "status";
    const auto text = read_text(path);
    if (!text) {
      s.detail = fmt::format("{}: {}", path.string(), errno_text(errno));
    } else if (text->find("VmRSS:") == std::string::npos || text->find("VmHWM:") == std::string::npos) {
      s.detail = fmt::format("{}: no VmRSS/VmHWM", path.string());
    } else {
      s.availability = Availability::kAvailable;
      s.detail = "resident set and its peak (/proc/self/status)";
    }
    out.push_back(std::move(s));
  }
  return out;
}

AvailabilityReport availability_report(const std::vector<CounterSpec>& specs, PerfSyscalls& sys,
                                       const std::filesystem::path& proc_root) {
  AvailabilityReport r;
  r.counters = tier0_statuses(proc_root);
  for (auto& s : probe_counters(specs, sys)) r.counters.push_back(std::move(s));
  r.kernel_release = read_host_info().kernel_release;
  std::vector<std::string> notes;
  std::string why;
  r.perf_event_paranoid = read_perf_event_paranoid(proc_root, &why);
  if (!r.perf_event_paranoid) notes.push_back(why);
  r.invlpgb = cpu_has_flag("invlpgb", proc_root, &why);
  if (!r.invlpgb) notes.push_back(why);
  if (r.invlpgb.value_or(false)) notes.emplace_back(kInvlpgbNote);
  r.notes = fmt::format("{}", fmt::join(notes, "; "));
  return r;
}

nlohmann::json availability_json(const std::vector<CounterStatus>& statuses) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : statuses) {
    out.push_back({{"name", s.name},
                   {"tier", s.tier},
                   {"availability", std::string(to_string(s.availability))},
                   {"detail", s.detail},
                   {"hint", s.hint},
                   {"user_only", s.user_only}});
  }
  return out;
}

nlohmann::json availability_report_json(const AvailabilityReport& report) {
  nlohmann::json j;
  j["kernel_release"] = report.kernel_release;
  j["perf_event_paranoid"] =
      report.perf_event_paranoid ? nlohmann::json(*report.perf_event_paranoid) : nlohmann::json();
  j["invlpgb"] = report.invlpgb ? nlohmann::json(*report.invlpgb) : nlohmann::json();
  j["notes"] = report.notes;
  j["counters"] = availability_json(report.counters);
  return j;
}

}  // namespace zkc::harness::counters
