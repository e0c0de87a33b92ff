#include "harness/counters/counter_catalog.hpp"

#include <fcntl.h>
#include <linux/perf_event.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>

#include "harness/counters/perf_syscalls.hpp"
#include "harness/system/proc_readers.hpp"
#include "model/counter_columns.hpp"

namespace zkc::harness::counters {
namespace {


std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

template <typename T>
std::optional<T> parse_number(std::string_view s, int base = 10) {
  s = trim(s);
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

}  // namespace

std::string_view to_string(CounterSpec::Kind kind) {
  switch (kind) {
    case CounterSpec::Kind::kSoftware: return "software";
    case CounterSpec::Kind::kTracepoint: return "tracepoint";
    case CounterSpec::Kind::kHardware: return "hardware";
    case CounterSpec::Kind::kUncoreL3: return "uncore";
  }
  return "unknown";
}

std::vector<std::filesystem::path> default_tracing_roots(const std::filesystem::path& proc_root) {
  std::vector<std::filesystem::path> roots{"/sys/kernel/tracing", "/sys/kernel/debug/tracing"};
  // Lines of /proc/self/mounts: "<source> <mount point> <fs type> <options> 0 0".
  const auto mounts = read_kernel_file(proc_root / "self" / "mounts", nullptr);
  if (!mounts) return roots;
  std::size_t pos = 0;
  while (pos < mounts->size()) {
    std::size_t end = mounts->find('\n', pos);
    if (end == std::string::npos) end = mounts->size();
    const std::string_view line = std::string_view(*mounts).substr(pos, end - pos);
    pos = end + 1;
    const auto a = line.find(' ');
    if (a == std::string_view::npos) continue;
    const auto b = line.find(' ', a + 1);
    if (b == std::string_view::npos) continue;
    const auto c = line.find(' ', b + 1);
    const std::string_view fstype =
        line.substr(b + 1, c == std::string_view::npos ? std::string_view::npos : c - b - 1);
    if (fstype != "tracefs") continue;
    const std::filesystem::path mount_point{std::string(line.substr(a + 1, b - a - 1))};
    if (std::find(roots.begin(), roots.end(), mount_point) == roots.end()) roots.push_back(mount_point);
  }
  return roots;
}

std::string tracefs_hint(const std::vector<std::filesystem::path>& roots) {
  for (const auto& root : roots) {
    std::error_code ec;
    if (std::filesystem::is_directory(root / "events", ec)) return "";
  }
  return "tracefs is not mounted, so the tier-1 counters tlb_flush_* (TLB flushes per reason) are unavailable; "
         "as root: mount -t tracefs nodev /sys/kernel/tracing (./zkcontend does it when run as root)";
}

std::optional<std::uint64_t> tracepoint_id(std::string_view category_event,
                                           const std::vector<std::filesystem::path>& tracing_roots, std::string* why) {
  const auto colon = category_event.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == category_event.size()) {
    if (why != nullptr) *why = fmt::format("'{}' is not <category>:<event>", category_event);
    return std::nullopt;
  }
  const std::string category(category_event.substr(0, colon));
  const std::string event(category_event.substr(colon + 1));
  std::vector<std::string> failures;
  for (const auto& root : tracing_roots) {
    const auto path = root / "events" / category / event / "id";
    std::string error;
    const auto text = read_kernel_file(path, &error);
    if (!text) {
      failures.push_back(error);
      continue;
    }
    if (const auto id = parse_number<std::uint64_t>(*text)) return id;
    failures.push_back(fmt::format("{}: not a number ('{}')", path.string(), trim(*text)));
  }
  if (why != nullptr) {
    *why = failures.empty() ? fmt::format("{}: no tracing root to look in", category_event)
                            : fmt::format("{} not found: {}", category_event, fmt::join(failures, "; "));
  }
  return std::nullopt;
}

std::optional<std::uint64_t> place_format_bits(std::string_view format_spec, std::uint64_t value) {
  format_spec = trim(format_spec);
  constexpr std::string_view kPrefix = "config:";
  // Only the first config word is used by the events we encode; config1/config2 fields are refused.
  if (format_spec.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  std::string_view ranges = format_spec.substr(kPrefix.size());
  std::uint64_t out = 0;
  while (!ranges.empty()) {
    const auto comma = ranges.find(',');
    const std::string_view range = ranges.substr(0, comma);
    ranges = comma == std::string_view::npos ? std::string_view{} : ranges.substr(comma + 1);
    const auto dash = range.find('-');
    const auto lo = parse_number<unsigned>(range.substr(0, dash));
    const auto hi = dash == std::string_view::npos ? lo : parse_number<unsigned>(range.substr(dash + 1));
    if (!lo || !hi || *hi < *lo || *hi > 63) return std::nullopt;
    const unsigned width = *hi - *lo + 1;
    const std::uint64_t mask = width >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << width) - 1;
    out |= (value & mask) << *lo;
    value = width >= 64 ? 0 : value >> width;
  }
  return out;
}

std::optional<std::vector<int>> parse_cpu_list(std::string_view text) {
  text = trim(text);
  std::vector<int> cpus;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto dash = item.find('-');
    const auto lo = parse_number<int>(item.substr(0, dash));
    const auto hi = dash == std::string_view::npos ? lo : parse_number<int>(item.substr(dash + 1));
    if (!lo || !hi || *lo < 0 || *hi < *lo) return std::nullopt;
    for (int c = *lo; c <= *hi; ++c) cpus.push_back(c);
  }
  return cpus;
}

std::optional<AmdL3Pmu> discover_amd_l3(const std::filesystem::path& sys_root, std::string* why) {
  const auto dir = sys_root / "bus" / "event_source" / "devices" / "amd_l3";
  std::string error;
  const auto fail = [&](std::string message) -> std::optional<AmdL3Pmu> {
    if (why != nullptr) *why = std::move(message);
    return std::nullopt;
  };
  const auto type_text = read_kernel_file(dir / "type", &error);
  if (!type_text) return fail(error);
  const auto type = parse_number<std::uint32_t>(*type_text);
  if (!type) return fail(fmt::format("{}: not a number", (dir / "type").string()));
  const auto event_fmt = read_kernel_file(dir / "format" / "event", &error);
  if (!event_fmt) return fail(error);
  const auto umask_fmt = read_kernel_file(dir / "format" / "umask", &error);
  if (!umask_fmt) return fail(error);
  // L3 miss: event 0x04, umask 0x01 (AMD PPR "L3 cache miss"). Thread/slice masks are left 0: the kernel
  // fills in "all slices, all threads" when they are not given.
  const auto event_bits = place_format_bits(*event_fmt, 0x04);
  const auto umask_bits = place_format_bits(*umask_fmt, 0x01);
  if (!event_bits || !umask_bits) {
    return fail(fmt::format("{}: unexpected format files (event '{}', umask '{}')", dir.string(), trim(*event_fmt),
                            trim(*umask_fmt)));
  }
  const auto mask_text = read_kernel_file(dir / "cpumask", &error);
  if (!mask_text) return fail(error);
  auto cpus = parse_cpu_list(*mask_text);
  if (!cpus || cpus->empty()) return fail(fmt::format("{}: bad cpumask '{}'", dir.string(), trim(*mask_text)));
  return AmdL3Pmu{*type, *event_bits | *umask_bits, std::move(*cpus)};
}

std::vector<CounterSpec> default_catalog(const HardwareEventNames& names, const std::filesystem::path& sys_root) {
  using Kind = CounterSpec::Kind;
  std::vector<CounterSpec> out;
  const auto software = [&](std::string name, std::uint64_t config, std::string description) {
    CounterSpec s;
    s.name = std::move(name);
    s.tier = 1;
    s.kind = Kind::kSoftware;
    s.config = config;
    s.description = std::move(description);
    out.push_back(std::move(s));
  };
  software(std::string(model::counter::kPageFaults), PERF_COUNT_SW_PAGE_FAULTS, "page faults taken by the thread");
  software("context_switches", PERF_COUNT_SW_CONTEXT_SWITCHES, "context switches of the thread");
  software(std::string(model::counter::kCpuMigrations), PERF_COUNT_SW_CPU_MIGRATIONS, "moves of the thread to another CPU");
  // On-CPU time: a stage's wall time minus this is what it waited (run queue, locks, I/O), so CPU
  // sharing on a small machine can be told apart from slower work.
  software("task_clock_ns", PERF_COUNT_SW_TASK_CLOCK, "time the thread ran on a CPU (ns)");
  for (const auto& r : kTlbFlushReasons) {
    CounterSpec s;
    s.name = std::string(r.column);
    s.tier = 1;
    s.kind = Kind::kTracepoint;
    s.tracepoint = "tlb:tlb_flush";
    s.filter = fmt::format("reason == {}", r.reason);
    s.description = fmt::format("tlb:tlb_flush events with reason {}: {}", r.reason, r.meaning);
    out.push_back(std::move(s));
  }
  const auto hardware = [&](std::string name, const std::string& pfm, std::string description) {
    CounterSpec s;
    s.name = std::move(name);
    s.tier = 2;
    s.kind = Kind::kHardware;
    s.pfm_event = pfm;
    s.description = std::move(description);
    out.push_back(std::move(s));
  };
  hardware(std::string(model::counter::kCycles), names.cycles, "CPU cycles of the thread");
  hardware(std::string(model::counter::kInstructions), names.instructions, "instructions retired by the thread");
  hardware(std::string(model::counter::kDtlbMisses), names.dtlb_misses, "data TLB load misses of the thread");
  if (auto l3 = discover_amd_l3(sys_root)) {
    CounterSpec s;
    s.name = model::counter::kL3Misses;
    s.tier = 2;
    s.kind = Kind::kUncoreL3;
    s.config = l3->l3_miss_config;
    s.pmu_type = l3->type;
    s.domain_cpus = std::move(l3->domain_cpus);
    s.description = "L3 misses, all cores (amd_l3 uncore, event 0x04 umask 0x01, summed over L3 domains)";
    out.push_back(std::move(s));
  } else {
    hardware(std::string(model::counter::kL3Misses), names.l3_misses, "last-level cache load misses of the thread");
  }
  return out;
}

}  // namespace zkc::harness::counters
