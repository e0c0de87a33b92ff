#include "harness/counters/shootdown_test.hpp"

#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <exception>
#include <iterator>
#include <string>
#include <thread>

#include "harness/counters/counter_catalog.hpp"
#include "harness/counters/perf_counters.hpp"
#include "harness/counters/perf_syscalls.hpp"
#include "harness/counters/proc_interrupts.hpp"
#include "harness/system/proc_readers.hpp"

namespace zkc::harness::counters {
namespace {

constexpr int kSendIpiReason = 4;

// TLB row per CPU number, or nullopt and *why.
std::optional<std::vector<std::pair<int, std::uint64_t>>> read_tlb_row(std::string* why) {
  try {
    const InterruptsTable table = read_proc_interrupts();
    const auto counts = tlb_shootdowns_per_cpu(table);
    if (!counts) {
      *why = "/proc/interrupts has no TLB row";
      return std::nullopt;
    }
    std::vector<std::pair<int, std::uint64_t>> out;
    for (std::size_t i = 0; i < counts->size() && i < table.cpus.size(); ++i) {
      out.emplace_back(table.cpus[i], (*counts)[i]);
    }
    return out;
  } catch (const std::exception& e) {
    *why = e.what();
    return std::nullopt;
  }
}

std::uint64_t total(const std::vector<std::pair<int, std::uint64_t>>& row) {
  std::uint64_t s = 0;
  for (const auto& [cpu, n] : row) s += n;
  return s;
}

std::optional<std::uint64_t> of_cpu(const std::vector<std::pair<int, std::uint64_t>>& row, int cpu) {
  for (const auto& [c, n] : row) {
    if (c == cpu) return n;
  }
  return std::nullopt;
}

bool pin_to(pthread_t thread, int cpu, std::string* why) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  const int err = pthread_setaffinity_np(thread, sizeof set, &set);
  if (err != 0) *why = fmt::format("pthread_setaffinity_np(CPU {}): {}", cpu, errno_text(err));
  return err == 0;
}

std::optional<std::uint64_t> count_of(const std::vector<CounterValue>& values, std::size_t i) {
  if (i >= values.size() || !values[i].valid) return std::nullopt;
  return static_cast<std::uint64_t>(std::llround(values[i].value));
}

}  // namespace

ShootdownReport run_shootdown_test(const ShootdownOptions& options) {
  ShootdownReport report;
  report.invlpgb = cpu_has_flag("invlpgb").value_or(false);
  report.compared =
      "tlb_flush reason 4 (remote send IPI) on the munmapping thread vs the /proc/interrupts TLB delta of every CPU "
      "but the munmapper's: one IPI round per flush and one target CPU (the spinner) make them one-to-one";

  // Only the tlb_flush counters: one per reason, in kTlbFlushReasons order.
  std::vector<CounterSpec> specs;
  for (auto& s : default_catalog()) {
    if (s.kind == CounterSpec::Kind::kTracepoint) specs.push_back(std::move(s));
  }
  const PreparedCounters prepared(std::move(specs));

  // CPUs: a = where the main thread runs now (if allowed), b = another allowed CPU.
  cpu_set_t original;
  CPU_ZERO(&original);
  const bool have_affinity = pthread_getaffinity_np(pthread_self(), sizeof original, &original) == 0;
  std::vector<int> allowed;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (have_affinity && CPU_ISSET(static_cast<unsigned>(c), &original)) allowed.push_back(c);
  }
  const int now = sched_getcpu();
  const int cpu_a = std::find(allowed.begin(), allowed.end(), now) != allowed.end() ? now
                    : allowed.empty()                                                ? now
                                                                                     : allowed.front();
  int cpu_b = -1;
  for (const int c : allowed) {
    if (c != cpu_a) {
      cpu_b = c;
      break;
    }
  }
  std::string pin_why;
  if (cpu_a >= 0 && !pin_to(pthread_self(), cpu_a, &pin_why)) report.verdict = pin_why + "; ";
  report.munmapper_cpu = cpu_a;
  report.spinner_cpu = cpu_b;

  // The spinner: pinned to b, counts its own tlb_flush events (reason 1 lands here), spins until told.
  std::atomic<bool> ready{false};
  std::atomic<bool> stop{false};
  std::vector<CounterValue> spinner_values;
  std::string spinner_pin_why;
  std::thread spinner;
  if (cpu_b >= 0) {
    spinner = std::thread([&] {
      pin_to(pthread_self(), cpu_b, &spinner_pin_why);
      const ThreadCounterGroup group(prepared);
      const CounterSnapshot before = group.snapshot();
      ready.store(true, std::memory_order_release);
      // A user-space spin keeps the process's mm loaded on CPU b without ever sleeping.
      while (!stop.load(std::memory_order_relaxed)) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      }
      spinner_values = delta(before, group.snapshot());
    });
    while (!ready.load(std::memory_order_acquire)) std::this_thread::yield();
  }

  const ThreadCounterGroup group(prepared);
  for (const auto& s : group.statuses()) {
    if (s.availability != Availability::kAvailable) {
      report.tracepoint_why = fmt::format("{}: {} ({}{}{})", s.name, to_string(s.availability), s.detail,
                                          s.hint.empty() ? "" : "; ", s.hint);
      break;
    }
  }
  const CounterSnapshot before = group.snapshot();
  const auto irq_before = read_tlb_row(&report.interrupts_why);

  const long page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options.duration;
  std::string loop_error;
  while (std::chrono::steady_clock::now() < deadline &&
         (options.max_iterations == 0 || report.iterations < options.max_iterations)) {
    void* p = ::mmap(nullptr, options.region_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) {
      loop_error = fmt::format("mmap of {} bytes: {}", options.region_bytes, errno_text(errno));
      break;
    }
    // Touching every page fills the TLB entries (and page tables) that munmap must then invalidate.
    auto* bytes = static_cast<volatile unsigned char*>(p);
    for (std::size_t off = 0; off < options.region_bytes; off += static_cast<std::size_t>(page)) bytes[off] = 1;
    if (::munmap(p, options.region_bytes) != 0) {
      loop_error = fmt::format("munmap: {}", errno_text(errno));
      break;
    }
    ++report.iterations;
  }
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const auto irq_after = read_tlb_row(&report.interrupts_why);
  const std::vector<CounterValue> munmapper_values = delta(before, group.snapshot());
  stop.store(true, std::memory_order_relaxed);
  if (spinner.joinable()) spinner.join();
  if (have_affinity) pthread_setaffinity_np(pthread_self(), sizeof original, &original);

  for (std::size_t i = 0; i < std::size(kTlbFlushReasons); ++i) {
    report.reasons.push_back(ShootdownReasonCount{kTlbFlushReasons[i].reason, std::string(kTlbFlushReasons[i].column),
                                                  count_of(munmapper_values, i), count_of(spinner_values, i)});
  }
  if (irq_before && irq_after) {
    report.interrupts_why.clear();
    report.interrupts_tlb_delta = total(*irq_after) - total(*irq_before);
    const auto a0 = of_cpu(*irq_before, cpu_a);
    const auto a1 = of_cpu(*irq_after, cpu_a);
    report.interrupts_tlb_delta_other_cpus = *report.interrupts_tlb_delta - (a0 && a1 ? *a1 - *a0 : 0);
    const auto b0 = of_cpu(*irq_before, cpu_b);
    const auto b1 = of_cpu(*irq_after, cpu_b);
    if (b0 && b1) report.interrupts_tlb_delta_spinner_cpu = *b1 - *b0;
  }

  // The verdict.
  std::string& v = report.verdict;
  if (!loop_error.empty()) v += loop_error + "; ";
  if (!spinner_pin_why.empty()) v += "spinner: " + spinner_pin_why + "; ";
  const std::optional<std::uint64_t> sent = report.reasons[kSendIpiReason].munmapper;
  if (cpu_b < 0) {
    v += "only one CPU is available to this process: no other CPU runs its mm, so no shootdown IPIs are expected "
         "and the comparison means nothing here";
    return report;
  }
  if (!sent) {
    v += fmt::format("tlb:tlb_flush unavailable (see tracepoint_why): only /proc/interrupts measured, {} TLB IPIs "
                     "received", report.interrupts_tlb_delta ? std::to_string(*report.interrupts_tlb_delta) : "no");
    return report;
  }
  if (!report.interrupts_tlb_delta_other_cpus) {
    v += fmt::format("/proc/interrupts TLB row unavailable ({}): only the tracepoint measured", report.interrupts_why);
    return report;
  }
  const std::uint64_t received = *report.interrupts_tlb_delta_other_cpus;
  const auto a = static_cast<double>(*sent);
  const auto b = static_cast<double>(received);
  if (*sent == 0 && received == 0) {
    report.relative_difference = 0.0;
    report.agree_within_5pct = true;
    v += report.invlpgb ? "no shootdown IPIs on either side: consistent with INVLPGB broadcast invalidation (the "
                          "flushes happen, without IPIs)"
                        : "no shootdown IPIs on either side although munmap ran with a sibling on another CPU: "
                          "unexpected without INVLPGB";
    return report;
  }
  report.relative_difference = std::fabs(a - b) / std::max(a, b);
  report.agree_within_5pct = *report.relative_difference <= 0.05;
  if (report.agree_within_5pct) {
    v += fmt::format("agree: {} IPI rounds sent, {} TLB IPIs received ({:.1f}% apart)", *sent, received,
                     100.0 * *report.relative_difference);
  } else if (b > a) {
    v += fmt::format("disagree: {} TLB IPIs received vs {} rounds sent ({:.1f}% apart): other processes' "
                     "shootdowns during the test (a busy machine), or rounds that targeted several CPUs",
                     received, *sent, 100.0 * *report.relative_difference);
  } else {
    v += fmt::format("disagree: {} rounds sent vs {} TLB IPIs received ({:.1f}% apart): some flushes reached "
                     "the other CPU without an IPI (paravirtual TLB flush of a preempted vCPU, or INVLPGB)",
                     *sent, received, 100.0 * *report.relative_difference);
  }
  if (*sent < report.iterations) {
    v += fmt::format("; {} of {} munmaps sent no IPI (the spinner was off its CPU: the machine is busy)",
                     report.iterations - *sent, report.iterations);
  }
  return report;
}

}  // namespace zkc::harness::counters
