#include "harness/counters/perf_counters.hpp"

#include <perfmon/pfmlib_perf_event.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <string>

#include "harness/system/proc_readers.hpp"

namespace zkc::harness::counters {
namespace {

constexpr std::uint64_t kReadFormat = PERF_FORMAT_TOTAL_TIME_ENABLED | PERF_FORMAT_TOTAL_TIME_RUNNING;

// Root, CAP_PERFMON (38) or CAP_SYS_ADMIN (21) in CapEff: the kernel then ignores perf_event_paranoid.
bool process_is_privileged() {
  if (::geteuid() == 0) return true;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    const std::uint64_t caps = std::strtoull(line.c_str() + 7, nullptr, 16);
    return ((caps >> 38) & 1U) != 0 || ((caps >> 21) & 1U) != 0;
  }
  return false;
}

// pfm_initialize is not thread-safe and must run once per process.
int pfm_init_once() {
  static std::once_flag once;
  static int result = PFM_SUCCESS;
  std::call_once(once, [] { result = pfm_initialize(); });
  return result;
}

perf_event_attr base_attr() {
  perf_event_attr a;
  std::memset(&a, 0, sizeof a);
  a.size = sizeof a;
  a.read_format = kReadFormat;
  // Opened disabled so a tracepoint's filter is in place before the first event; enabled right after.
  a.disabled = 1;
  return a;
}

CounterStatus unavailable(const CounterSpec& spec, Availability a, std::string detail, std::string hint) {
  return CounterStatus{spec.name, spec.tier, a, std::move(detail), std::move(hint), false};
}

struct OpenOutcome {
  int fd = -1;
  CounterStatus status;
};

// Opens, filters, resets and enables one counter; on any failure closes what it opened and says why.
OpenOutcome open_one(const CounterSpec& spec, const PreparedCounters::Entry& entry, std::optional<int> paranoid,
                     PerfSyscalls& sys, pid_t pid, int cpu) {
  if (!entry.attr) return {-1, entry.failure};
  perf_event_attr attr = *entry.attr;
  const int fd = sys.perf_event_open(attr, pid, cpu, -1, PERF_FLAG_FD_CLOEXEC);
  if (fd < 0) {
    const ErrorClass c = classify_open_error(fd, spec, paranoid);
    return {-1, unavailable(spec, c.availability, fmt::format("perf_event_open: {}", errno_text(fd)), c.hint)};
  }
  const auto fail_ioctl = [&](int err, std::string what) -> OpenOutcome {
    sys.close(fd);
    const ErrorClass c = classify_open_error(err, spec, paranoid);
    return {-1, unavailable(spec, c.availability, fmt::format("{}: {}", what, errno_text(err)), c.hint)};
  };
  if (!spec.filter.empty()) {
    if (const int r = sys.ioctl(fd, PERF_EVENT_IOC_SET_FILTER, spec.filter.c_str()); r < 0) {
      return fail_ioctl(r, fmt::format("PERF_EVENT_IOC_SET_FILTER \"{}\"", spec.filter));
    }
  }
  if (const int r = sys.ioctl(fd, PERF_EVENT_IOC_RESET, nullptr); r < 0) return fail_ioctl(r, "PERF_EVENT_IOC_RESET");
  if (const int r = sys.ioctl(fd, PERF_EVENT_IOC_ENABLE, nullptr); r < 0) return fail_ioctl(r, "PERF_EVENT_IOC_ENABLE");
  CounterStatus ok{spec.name, spec.tier, Availability::kAvailable, spec.description, "", entry.user_only};
  if (entry.user_only) ok.detail += " (user space only)";
  return {fd, std::move(ok)};
}

RawCount read_fd(PerfSyscalls& sys, int fd) {
  std::array<std::uint64_t, 3> buf{};
  const ssize_t n = sys.read(fd, buf.data(), sizeof buf);
  if (n != static_cast<ssize_t>(sizeof buf)) return {};
  return RawCount{buf[0], buf[1], buf[2], true};
}

CounterValue combine(const std::vector<CounterValue>& parts) {
  if (parts.empty()) return {};
  CounterValue out{0.0, 1.0, true};
  for (const auto& p : parts) {
    if (!p.valid) return {};
    out.value += p.value;
    out.running_fraction = std::min(out.running_fraction, p.running_fraction);
  }
  return out;
}

}  // namespace

CounterValue scale_one(const RawCount& r) {
  if (!r.valid) return {};
  // No time enabled yet: nothing to scale. Enabled but never on the PMU: the count is unknown.
  if (r.time_enabled == 0) return {static_cast<double>(r.value), 1.0, true};
  if (r.time_running == 0) return {0.0, 0.0, false};
  const double fraction = std::min(1.0, static_cast<double>(r.time_running) / static_cast<double>(r.time_enabled));
  return {static_cast<double>(r.value) / fraction, fraction, true};
}

CounterValue delta_one(const RawCount& before, const RawCount& after) {
  if (!before.valid || !after.valid || after.value < before.value || after.time_enabled < before.time_enabled ||
      after.time_running < before.time_running) {
    return {};
  }
  return scale_one(RawCount{after.value - before.value, after.time_enabled - before.time_enabled,
                            after.time_running - before.time_running, true});
}

std::vector<CounterValue> scaled(const CounterSnapshot& s) {
  std::vector<CounterValue> out;
  out.reserve(s.counters.size());
  for (const auto& fds : s.counters) {
    std::vector<CounterValue> parts;
    for (const auto& r : fds) parts.push_back(scale_one(r));
    out.push_back(combine(parts));
  }
  return out;
}

std::vector<CounterValue> delta(const CounterSnapshot& before, const CounterSnapshot& after) {
  std::vector<CounterValue> out(after.counters.size());
  if (before.counters.size() != after.counters.size()) return out;
  for (std::size_t i = 0; i < after.counters.size(); ++i) {
    const auto& b = before.counters[i];
    const auto& a = after.counters[i];
    if (a.size() != b.size()) continue;
    std::vector<CounterValue> parts;
    for (std::size_t k = 0; k < a.size(); ++k) parts.push_back(delta_one(b[k], a[k]));
    out[i] = combine(parts);
  }
  return out;
}

bool is_system_wide(const CounterSpec& spec) { return spec.kind == CounterSpec::Kind::kUncoreL3; }

PreparedCounters::PreparedCounters(std::vector<CounterSpec> specs, const PrepareOptions& options)
    : specs_(std::move(specs)) {
  paranoid_ = options.perf_event_paranoid ? options.perf_event_paranoid : read_perf_event_paranoid();
  const bool privileged = options.privileged ? *options.privileged : process_is_privileged();
  const auto roots = options.tracing_roots.empty() ? default_tracing_roots() : options.tracing_roots;
  const bool paranoid_high = paranoid_.value_or(2) >= 2;
  entries_.reserve(specs_.size());
  for (const auto& spec : specs_) {
    Entry e;
    perf_event_attr attr = base_attr();
    switch (spec.kind) {
      case CounterSpec::Kind::kSoftware:
        attr.type = PERF_TYPE_SOFTWARE;
        attr.config = spec.config;
        // Software events need no exclusion when privileged; otherwise paranoid >= 2 forbids kernel counting.
        e.user_only = paranoid_high && !privileged;
        attr.exclude_kernel = e.user_only ? 1 : 0;
        attr.exclude_hv = e.user_only ? 1 : 0;
        break;
      case CounterSpec::Kind::kTracepoint: {
        std::string why;
        const auto id = tracepoint_id(spec.tracepoint, roots, &why);
        if (!id) {
          e.failure = unavailable(spec, Availability::kNotFound, why,
                                  "tracefs not mounted or kernel without this tracepoint: "
                                  "mount -t tracefs nodev /sys/kernel/tracing");
          break;
        }
        attr.type = PERF_TYPE_TRACEPOINT;
        attr.config = *id;
        // A tracepoint fires in the kernel: it can only be counted with kernel events included.
        break;
      }
      case CounterSpec::Kind::kHardware: {
        e.user_only = paranoid_high;  // same numbers with or without privileges under paranoid >= 2
        const int init = pfm_init_once();
        if (init != PFM_SUCCESS) {
          e.failure = unavailable(spec, Availability::kNotEncodable,
                                  fmt::format("libpfm4 pfm_initialize: {}", pfm_strerror(init)),
                                  "libpfm4 could not initialize (no PMU it knows on this CPU)");
          break;
        }
        perf_event_attr encoded;
        std::memset(&encoded, 0, sizeof encoded);
        pfm_perf_encode_arg_t arg;
        std::memset(&arg, 0, sizeof arg);
        arg.attr = &encoded;
        arg.size = sizeof arg;
        const int plm = e.user_only ? PFM_PLM3 : (PFM_PLM0 | PFM_PLM3);
        const int r = pfm_get_os_event_encoding(spec.pfm_event.c_str(), plm, PFM_OS_PERF_EVENT, &arg);
        if (r != PFM_SUCCESS) {
          e.failure = unavailable(spec, Availability::kNotEncodable,
                                  fmt::format("libpfm4 '{}': {}", spec.pfm_event, pfm_strerror(r)),
                                  "libpfm4 does not know this event on this CPU: choose another name "
                                  "(libpfm4's showevtinfo lists them)");
          break;
        }
        attr.type = encoded.type;
        attr.config = encoded.config;
        attr.config1 = encoded.config1;
        attr.config2 = encoded.config2;
        attr.exclude_kernel = e.user_only ? 1 : 0;
        attr.exclude_hv = e.user_only ? 1 : 0;
        break;
      }
      case CounterSpec::Kind::kUncoreL3:
        // Uncore PMUs count everything on the domain and refuse exclude_* bits.
        attr.type = spec.pmu_type;
        attr.config = spec.config;
        break;
    }
    if (e.failure.name.empty()) e.attr = attr;
    entries_.push_back(std::move(e));
  }
}

// ---- ThreadCounterGroup ----

ThreadCounterGroup::ThreadCounterGroup(const PreparedCounters& prepared, PerfSyscalls& sys) {
  fds_.resize(prepared.size());
  statuses_.reserve(prepared.size());
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    const CounterSpec& spec = prepared.specs()[i];
    if (is_system_wide(spec)) {
      statuses_.push_back(unavailable(spec, Availability::kNotSupported, "system-wide (SystemWideCounters)", ""));
      continue;
    }
    OpenOutcome o = open_one(spec, prepared.entry(i), prepared.perf_event_paranoid(), sys, 0, -1);
    if (o.fd >= 0) fds_[i] = PerfFd(sys, o.fd);
    statuses_.push_back(std::move(o.status));
  }
}

std::size_t ThreadCounterGroup::open_count() const {
  return static_cast<std::size_t>(std::count_if(fds_.begin(), fds_.end(), [](const PerfFd& fd) { return fd.is_open(); }));
}

CounterSnapshot ThreadCounterGroup::snapshot() const {
  CounterSnapshot s;
  s.counters.resize(fds_.size());
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    if (fds_[i].is_open()) s.counters[i].push_back(read_fd(fds_[i].sys(), fds_[i].get()));
  }
  return s;
}

// ---- SystemWideCounters ----

SystemWideCounters::SystemWideCounters(const PreparedCounters& prepared, PerfSyscalls& sys) {
  fds_.resize(prepared.size());
  statuses_.reserve(prepared.size());
  for (std::size_t i = 0; i < prepared.size(); ++i) {
    const CounterSpec& spec = prepared.specs()[i];
    if (!is_system_wide(spec)) {
      statuses_.push_back(unavailable(spec, Availability::kNotSupported, "per-thread (ThreadCounterGroup)", ""));
      continue;
    }
    if (spec.domain_cpus.empty()) {
      statuses_.push_back(unavailable(spec, Availability::kNotFound, "no L3 domain CPUs in the PMU's cpumask", ""));
      continue;
    }
    // All domains or none: a partial sum would look like a real total.
    CounterStatus status;
    for (const int cpu : spec.domain_cpus) {
      OpenOutcome o = open_one(spec, prepared.entry(i), prepared.perf_event_paranoid(), sys, -1, cpu);
      status = std::move(o.status);
      if (o.fd < 0) {
        status.detail = fmt::format("CPU {}: {}", cpu, status.detail);
        fds_[i].clear();  // closes the domains opened so far
        break;
      }
      fds_[i].emplace_back(sys, o.fd);
    }
    if (!fds_[i].empty()) status.detail += fmt::format(" ({} L3 domains)", fds_[i].size());
    statuses_.push_back(std::move(status));
  }
}

std::size_t SystemWideCounters::open_count() const {
  return static_cast<std::size_t>(std::count_if(fds_.begin(), fds_.end(), [](const auto& v) { return !v.empty(); }));
}

CounterSnapshot SystemWideCounters::snapshot() const {
  CounterSnapshot s;
  s.counters.resize(fds_.size());
  for (std::size_t i = 0; i < fds_.size(); ++i) {
    for (const PerfFd& fd : fds_[i]) s.counters[i].push_back(read_fd(fd.sys(), fd.get()));
  }
  return s;
}

}  // namespace zkc::harness::counters
