#include "harness/system/noise_sample.hpp"

#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <string_view>
#include <system_error>
#include <vector>

#include "harness/system/errno_text.hpp"
#include "harness/system/proc_readers.hpp"

namespace zkc::harness {
namespace {

namespace fs = std::filesystem;

template <typename T>
std::optional<T> parse_number(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return std::nullopt;
  s.remove_prefix(first);
  const auto last = s.find_first_of(" \t\r\n");
  if (last != std::string_view::npos) s = s.substr(0, last);
  T v{};
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

// The whitespace-separated words of `s`.
std::vector<std::string_view> words(std::string_view s) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  while (true) {
    pos = s.find_first_not_of(" \t\r\n", pos);
    if (pos == std::string_view::npos) break;
    const std::size_t end = std::min(s.find_first_of(" \t\r\n", pos), s.size());
    out.push_back(s.substr(pos, end - pos));
    pos = end;
  }
  return out;
}

// <proc>/stat: the aggregate "cpu" line, and the number of cpu<N> lines (the online CPUs).
void read_proc_stat(const fs::path& proc_root, NoiseSnapshot& s) {
  const fs::path path = proc_root / "stat";
  std::string why;
  const auto text = read_kernel_file(path, &why);
  if (!text) {
    s.machine.why = why;
    return;
  }
  std::size_t pos = 0;
  while (pos < text->size()) {
    std::size_t end = text->find('\n', pos);
    if (end == std::string::npos) end = text->size();
    const std::string_view line(text->data() + pos, end - pos);
    pos = end + 1;
    if (!line.starts_with("cpu")) continue;
    if (line.size() > 3 && line[3] >= '0' && line[3] <= '9') {
      ++s.online_cpus;
      continue;
    }
    const auto w = words(line);
    if (w.front() != "cpu") continue;
    // user nice system idle iowait irq softirq steal [guest guest_nice]
    if (w.size() < 9) {
      s.machine.why = path.string() + ": the cpu line has fewer than 8 numbers (no steal column)";
      return;
    }
    std::uint64_t v[8];
    for (std::size_t i = 0; i < 8; ++i) {
      const auto n = parse_number<std::uint64_t>(w[i + 1]);
      if (!n) {
        s.machine.why = path.string() + ": the cpu line has a non-number: '" + std::string(w[i + 1]) + "'";
        return;
      }
      v[i] = *n;
    }
    s.machine.value = CpuTicks{v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]};
  }
  if (!s.machine.value) s.machine.why = path.string() + ": no aggregate cpu line";
}

// utime + stime of <proc>/self/stat: fields 14 and 15, counted after the ')' that ends the name
// (which may itself hold spaces and parentheses).
Visible<std::uint64_t> read_self_ticks(const fs::path& proc_root) {
  Visible<std::uint64_t> out;
  const fs::path path = proc_root / "self" / "stat";
  const auto text = read_kernel_file(path, &out.why);
  if (!text) return out;
  const auto close = text->rfind(')');
  const auto w = close == std::string::npos ? std::vector<std::string_view>{}
                                            : words(std::string_view(*text).substr(close + 1));
  // After ')': state is field 3, so utime (14) and stime (15) are words 11 and 12.
  const auto utime = w.size() > 12 ? parse_number<std::uint64_t>(w[11]) : std::nullopt;
  const auto stime = w.size() > 12 ? parse_number<std::uint64_t>(w[12]) : std::nullopt;
  if (!utime || !stime) {
    out.why = path.string() + ": no utime and stime fields";
    return out;
  }
  out.value = *utime + *stime;
  return out;
}

Visible<double> read_load1(const fs::path& proc_root) {
  Visible<double> out;
  const fs::path path = proc_root / "loadavg";
  const auto text = read_kernel_file(path, &out.why);
  if (!text) return out;
  const auto w = words(*text);
  out.value = w.empty() ? std::nullopt : parse_number<double>(w.front());
  if (!out.value) out.why = path.string() + ": no 1-minute load average";
  return out;
}

// cpu<N> folders of the cpu root, by N.
std::vector<std::pair<int, fs::path>> cpu_dirs(const fs::path& cpu_root, std::string& why) {
  std::vector<std::pair<int, fs::path>> out;
  std::error_code ec;
  fs::directory_iterator it(cpu_root, ec);
  if (ec) {
    why = cpu_root.string() + ": " + errno_text(ec.value());
    return out;
  }
  for (const auto& entry : it) {
    const std::string name = entry.path().filename().string();
    if (!name.starts_with("cpu")) continue;
    const auto n = parse_number<int>(std::string_view(name).substr(3));
    if (n) out.emplace_back(*n, entry.path());
  }
  std::sort(out.begin(), out.end());
  if (out.empty()) why = cpu_root.string() + ": no cpu<N> folders";
  return out;
}

void read_sys_cpus(const fs::path& cpu_root, NoiseSnapshot& s) {
  std::string why;
  const auto cpus = cpu_dirs(cpu_root, why);
  if (cpus.empty()) {
    s.core_throttle.why = s.package_throttle.why = s.freq_ratio.why = why;
    return;
  }
  std::map<std::pair<int, int>, std::uint64_t> core;
  std::map<int, std::uint64_t> package;
  double ratio_sum = 0;
  int ratio_n = 0;
  for (const auto& [n, dir] : cpus) {
    const auto number = [](const fs::path& p, std::string* err) -> std::optional<std::uint64_t> {
      const auto text = read_kernel_file(p, err);
      if (!text) return std::nullopt;
      const auto v = parse_number<std::uint64_t>(*text);
      if (!v && err != nullptr) *err = p.string() + ": not a number";
      return v;
    };
    // Where this CPU's counters belong; unreadable topology counts the CPU as its own core.
    const int pkg = static_cast<int>(number(dir / "topology" / "physical_package_id", nullptr).value_or(0));
    const int core_id = static_cast<int>(number(dir / "topology" / "core_id", nullptr).value_or(1000000 + n));
    std::string err;
    if (const auto c = number(dir / "thermal_throttle" / "core_throttle_count", &err)) {
      auto& slot = core[{pkg, core_id}];
      slot = std::max(slot, *c);
    } else if (s.core_throttle.why.empty()) {
      s.core_throttle.why = err;
    }
    if (const auto p = number(dir / "thermal_throttle" / "package_throttle_count", &err)) {
      auto& slot = package[pkg];
      slot = std::max(slot, *p);
    } else if (s.package_throttle.why.empty()) {
      s.package_throttle.why = err;
    }
    std::string freq_err;
    const auto cur = number(dir / "cpufreq" / "scaling_cur_freq", &freq_err);
    const auto max = cur ? number(dir / "cpufreq" / "cpuinfo_max_freq", &freq_err) : std::nullopt;
    if (cur && max && *max > 0) {
      ratio_sum += static_cast<double>(*cur) / static_cast<double>(*max);
      ++ratio_n;
    } else if (s.freq_ratio.why.empty()) {
      s.freq_ratio.why = freq_err.empty() ? (dir / "cpufreq" / "cpuinfo_max_freq").string() + ": 0" : freq_err;
    }
  }
  // A reading counts when any CPU had it; the first CPU's error is kept only when none did.
  if (!core.empty()) s.core_throttle = {core, ""};
  if (!package.empty()) s.package_throttle = {package, ""};
  if (ratio_n > 0) s.freq_ratio = {ratio_sum / ratio_n, ""};
}

template <typename T>
std::string first_why(const Visible<T>& a, const Visible<T>& b) {
  return !a.why.empty() ? a.why : b.why;
}

std::uint64_t grown(std::uint64_t before, std::uint64_t after) { return after > before ? after - before : 0; }

// Sum of the growth of every counter present in both snapshots.
template <typename K>
std::uint64_t map_growth(const std::map<K, std::uint64_t>& before, const std::map<K, std::uint64_t>& after) {
  std::uint64_t sum = 0;
  for (const auto& [k, v] : after) {
    const auto it = before.find(k);
    if (it != before.end()) sum += grown(it->second, v);
  }
  return sum;
}

}  // namespace

NoiseSnapshot take_noise_snapshot(const NoiseSources& sources) {
  NoiseSnapshot s;
  s.ticks_per_s = sources.ticks_per_s > 0 ? sources.ticks_per_s : static_cast<double>(::sysconf(_SC_CLK_TCK));
  if (!(s.ticks_per_s > 0)) s.ticks_per_s = 100;  // USER_HZ on every Linux architecture
  s.self_ticks = read_self_ticks(sources.proc_root);
  read_proc_stat(sources.proc_root, s);
  s.load1 = read_load1(sources.proc_root);
  read_sys_cpus(sources.cpu_root, s);
  s.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  return s;
}

NoiseReading noise_between(const NoiseSnapshot& a, const NoiseSnapshot& b) {
  NoiseReading r;
  r.wall_s = b.wall_s - a.wall_s;
  r.online_cpus = b.online_cpus != 0 ? b.online_cpus : a.online_cpus;

  if (a.machine.value && b.machine.value) {
    const CpuTicks& x = *a.machine.value;
    const CpuTicks& y = *b.machine.value;
    const std::uint64_t total = grown(x.total(), y.total());
    if (total == 0) {
      r.steal_share.why = "/proc/stat: no CPU time passed between the two readings";
    } else {
      r.steal_share.value = static_cast<double>(grown(x.steal, y.steal)) / static_cast<double>(total);
    }
    const double capacity = r.wall_s * r.online_cpus * a.ticks_per_s;
    if (!a.self_ticks.value || !b.self_ticks.value) {
      r.other_cpu_share.why = first_why(a.self_ticks, b.self_ticks);
    } else if (!(capacity > 0)) {
      r.other_cpu_share.why = "no wall time or no online CPU between the two readings";
    } else {
      const double busy = static_cast<double>(grown(x.busy(), y.busy()));
      const double own = static_cast<double>(grown(*a.self_ticks.value, *b.self_ticks.value));
      // Both are tick counts: the difference can dip below zero by a tick or two.
      r.other_cpu_share.value = std::clamp((busy - own) / capacity, 0.0, 1.0);
    }
  } else {
    r.steal_share.why = r.other_cpu_share.why = first_why(a.machine, b.machine);
  }

  r.load1_start = a.load1;

  const bool core = a.core_throttle.value && b.core_throttle.value;
  const bool package = a.package_throttle.value && b.package_throttle.value;
  if (core || package) {
    std::uint64_t events = 0;
    if (core) events += map_growth(*a.core_throttle.value, *b.core_throttle.value);
    if (package) events += map_growth(*a.package_throttle.value, *b.package_throttle.value);
    r.throttle_events.value = static_cast<double>(events);
  } else {
    r.throttle_events.why = first_why(a.core_throttle, b.core_throttle);
  }

  if (a.freq_ratio.value && b.freq_ratio.value) {
    r.freq_ratio.value = (*a.freq_ratio.value + *b.freq_ratio.value) / 2;
  } else if (a.freq_ratio.value || b.freq_ratio.value) {
    r.freq_ratio.value = a.freq_ratio.value ? a.freq_ratio.value : b.freq_ratio.value;
  } else {
    r.freq_ratio.why = first_why(a.freq_ratio, b.freq_ratio);
  }
  return r;
}

}  // namespace zkc::harness
