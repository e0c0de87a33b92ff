// Noise you can see: what besides the run itself used this machine while it ran. A snapshot at the
// start and at the end of the measured part of a run (the engine takes them around the batch), and
// the delta between them as a NoiseReading:
//   steal share      /proc/stat "cpu" line: steal ticks / all ticks (the hypervisor ran other guests
//                    on this VM's CPUs);
//   other CPU share  machine busy ticks (user + nice + system + irq + softirq; not idle, iowait or
//                    steal) minus this process's own (utime + stime of /proc/self/stat), over
//                    wall x online CPUs: other processes' CPU time;
//   load at start    the 1-minute load average of /proc/loadavg;
//   throttle events  thermal_throttle/{core,package}_throttle_count deltas (one count per core and
//                    per package, SMT siblings and a package's CPUs report the same counter);
//   frequency ratio  scaling_cur_freq / cpuinfo_max_freq, mean over CPUs, of both snapshots.
// Every reading may be missing on a machine (a VM has no thermal_throttle or cpufreq files): it then
// carries why ("<path>: ENOENT (No such file or directory)"), which reports show as "not visible here".
// The roots are injectable so tests feed fixture files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace zkc::harness {

struct NoiseSources {
  std::filesystem::path proc_root = "/proc";                    // stat, loadavg, self/stat
  std::filesystem::path cpu_root = "/sys/devices/system/cpu";   // cpu<N>/{thermal_throttle,cpufreq,topology}
  double ticks_per_s = 0;  // USER_HZ of /proc/stat and /proc/self/stat; 0: sysconf(_SC_CLK_TCK)
};

// The aggregate "cpu" line of /proc/stat, in USER_HZ ticks. guest and guest_nice are left out: the
// kernel already counts them inside user and nice.
struct CpuTicks {
  std::uint64_t user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0;
  std::uint64_t total() const { return user + nice + system + idle + iowait + irq + softirq + steal; }
  // Running something on this machine: not idle, not waiting for I/O, not stolen by the hypervisor.
  std::uint64_t busy() const { return user + nice + system + irq + softirq; }
};

// A value, or why it is not visible here ("" when it is).
template <typename T>
struct Visible {
  std::optional<T> value;
  std::string why;
};

struct NoiseSnapshot {
  double wall_s = 0;        // steady clock, seconds
  double ticks_per_s = 100;
  Visible<CpuTicks> machine;
  unsigned online_cpus = 0;  // cpu<N> lines of /proc/stat
  Visible<std::uint64_t> self_ticks;  // utime + stime of this process
  Visible<double> load1;
  // Throttle counters, each counted once: per (package, core) and per package.
  Visible<std::map<std::pair<int, int>, std::uint64_t>> core_throttle;
  Visible<std::map<int, std::uint64_t>> package_throttle;
  Visible<double> freq_ratio;
};

NoiseSnapshot take_noise_snapshot(const NoiseSources& sources = {});

struct NoiseReading {
  double wall_s = 0;  // between the snapshots
  unsigned online_cpus = 0;
  Visible<double> steal_share;      // fraction of all CPU time of the machine
  Visible<double> other_cpu_share;  // fraction of wall x online CPUs, clamped to [0, 1]
  Visible<double> load1_start;
  Visible<double> throttle_events;  // core + package throttle events during the window
  Visible<double> freq_ratio;       // mean of the two snapshots' (whichever exist)
};

NoiseReading noise_between(const NoiseSnapshot& start, const NoiseSnapshot& end);

}  // namespace zkc::harness
