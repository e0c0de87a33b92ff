#include "harness/cli/kernels_command.hpp"

#include <fmt/core.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "harness/cli/app.hpp"
#include "harness/cli/finite_range.hpp"
#include "harness/kernels/self_check.hpp"
#include "harness/kernels/throughput.hpp"
#include "harness/system/host_info.hpp"
#include "kernels/cuda/device_info.hpp"
#include "kernels/field/limb_arith.hpp"

namespace zkc::cli {
namespace {

std::string human_time(double seconds) {
  if (seconds < 1e-6) return fmt::format("{:.1f} ns", seconds * 1e9);
  if (seconds < 1e-3) return fmt::format("{:.2f} us", seconds * 1e6);
  if (seconds < 1.0) return fmt::format("{:.1f} ms", seconds * 1e3);
  return fmt::format("{:.2f} s", seconds);
}

std::string human_rate(double per_second, const std::string& item) {
  if (per_second >= 1e9) return fmt::format("{:.2f} G{}/s", per_second / 1e9, item);
  if (per_second >= 1e6) return fmt::format("{:.2f} M{}/s", per_second / 1e6, item);
  if (per_second >= 1e3) return fmt::format("{:.2f} k{}/s", per_second / 1e3, item);
  return fmt::format("{:.2f} {}/s", per_second, item);
}

void print_header(unsigned threads) {
  const harness::HostInfo host = harness::read_host_info();
  fmt::print("zkcontend {} kernels\n", ZKC_VERSION);
  fmt::print("host: {}, {} CPUs online, {:.1f} GiB, Linux {}\n", host.cpu_model, host.online_cpus,
             static_cast<double>(host.total_memory_bytes) / (1u << 30), host.kernel_release);
  fmt::print("field multiplication: {}\n", ZKC_FIELD_ASM   ? "BMI2/ADX assembly (mulx, adcx, adox)"
                                          : ZKC_HAVE_ADX ? "BMI2/ADX intrinsics (unoptimized build: no asm)"
                                                         : "portable (unsigned __int128)");
  const gpu::Probe gpus = gpu::probe_devices();
  if (gpus.devices.empty()) {
    fmt::print("GPU: none ({})\n", gpus.status);
  } else {
    for (const auto& d : gpus.devices)
      fmt::print("GPU {}: {} (sm_{}{}, {} SMs, {:.1f} GiB)\n", d.index, d.name, d.compute_major, d.compute_minor,
                 d.multiprocessors, static_cast<double>(d.total_memory_bytes) / (1u << 30));
  }
  fmt::print("multi-threaded rows use {} threads\n\n", threads);
}

}  // namespace

void add_kernels_options(CLI::App& cmd, KernelsOptions& opts) {
  cmd.add_option("-t,--threads", opts.threads, "Threads for the multi-threaded rows (0 = all CPUs)")
      ->check(CLI::Range(0u, 4096u));
  cmd.add_option("--min-time", opts.min_time_s, "Seconds to spend on each throughput row")
      ->check(finite_range(0.01, 60.0));
  cmd.add_flag("--check-only", opts.check_only, "Run the self-check only");
}

int run_kernels(const KernelsOptions& opts) {
  const unsigned threads = opts.threads != 0 ? opts.threads : std::max(1u, std::thread::hardware_concurrency());
  print_header(threads);
  ThreadPool pool("kernels", threads);

  fmt::print("Self-check\n");
  bool all_passed = true;
  for (const auto& r : harness::run_kernel_self_checks(pool)) {
    fmt::print("  {:4}  {}{}\n", r.passed ? "ok" : "FAIL", r.name, r.passed ? "" : ": " + r.detail);
    all_passed = all_passed && r.passed;
  }
  if (!all_passed) {
    fmt::print(stderr, "zkcontend: kernel self-check failed; throughput not measured\n");
    return kExitFailure;
  }
  if (opts.check_only) return kExitOk;

  const bool tty = isatty(STDERR_FILENO) != 0;
  harness::ThroughputOptions topts;
  topts.min_time_s = opts.min_time_s;
  topts.on_row = [tty](const std::string& name) {
    if (tty) fmt::print(stderr, "\r\033[K  measuring {} ...", name);
  };
  fmt::print("\nThroughput (chains of dependent operations for field and point rows; --min-time {} s per row)\n",
             opts.min_time_s);
  std::fflush(stdout);
  const auto rows = harness::measure_kernel_throughput(topts, pool);
  if (tty) fmt::print(stderr, "\r\033[K");
  fmt::print("  {:<40} {:>12} {:>18}\n", "kernel", "time/call", "rate");
  for (const auto& r : rows) {
    fmt::print("  {:<40} {:>12} {:>18}\n", r.kernel, human_time(r.seconds_per_op),
               human_rate(r.items_per_op / r.seconds_per_op, r.item));
  }
  fmt::print("\nFor careful numbers (repetitions, statistics): build/bench/zkc_bench\n");
  return kExitOk;
}

}  // namespace zkc::cli
