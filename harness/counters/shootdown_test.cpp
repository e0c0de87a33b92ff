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

using TlbRow = std::vector<std::pair<int, std::uint64_t>>;

// The two CPUs of the test: a = where the main thread runs now (if allowed), b = another allowed CPU
// (-1 when there is none); and the affinity to restore afterwards.
struct CpuPair {
  int a = -1, b = -1;
  cpu_set_t original;
  bool have_affinity = false;
};

CpuPair choose_cpus() {
  CpuPair cpus;
  CPU_ZERO(&cpus.original);
  cpus.have_affinity = pthread_getaffinity_np(pthread_self(), sizeof cpus.original, &cpus.original) == 0;
  std::vector<int> allowed;
  for (int c = 0; c < CPU_SETSIZE; ++c) {
    if (cpus.have_affinity && CPU_ISSET(static_cast<unsigned>(c), &cpus.original)) allowed.push_back(c);
  }
  const int now = sched_getcpu();
  cpus.a = std::find(allowed.begin(), allowed.end(), now) != allowed.end() ? now
           : allowed.empty()                                                ? now
                                                                            : allowed.front();
  for (const int c : allowed) {
    if (c != cpus.a) {
      cpus.b = c;
      break;
    }
  }
  return cpus;
}

// The spinner: pinned to its CPU, counts its own tlb_flush events (reason 1 lands here), spins until
// stopped. Started only when there is a second CPU (cpu >= 0).
class Spinner {
 public:
  Spinner(const PreparedCounters& prepared, int cpu) {
    if (cpu < 0) return;
    thread_ = std::thread([this, &prepared, cpu] {
      pin_to(pthread_self(), cpu, &pin_why_);
      const ThreadCounterGroup group(prepared);
      const CounterSnapshot before = group.snapshot();
      ready_.store(true, std::memory_order_release);
      // A user-space spin keeps the process's mm loaded on the CPU without ever sleeping.
      while (!stop_.load(std::memory_order_relaxed)) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
      }
      values_ = delta(before, group.snapshot());
    });
    while (!ready_.load(std::memory_order_acquire)) std::this_thread::yield();
  }
  Spinner(const Spinner&) = delete;
  Spinner& operator=(const Spinner&) = delete;
  ~Spinner() { stop(); }

  void stop() {
    stop_.store(true, std::memory_order_relaxed);
    if (thread_.joinable()) thread_.join();
  }
  // After stop(): the spinner's counts, and why its pinning failed if it did.
  const std::vector<CounterValue>& values() const { return values_; }
  const std::string& pin_why() const { return pin_why_; }

 private:
  std::atomic<bool> ready_{false};
  std::atomic<bool> stop_{false};
  std::vector<CounterValue> values_;
  std::string pin_why_;
  std::thread thread_;
};

// Why the first counter that cannot be opened is missing, or "".
std::string tracepoint_why(const ThreadCounterGroup& group) {
  for (const auto& s : group.statuses()) {
    if (s.availability != Availability::kAvailable) {
      return fmt::format("{}: {} ({}{}{})", s.name, to_string(s.availability), s.detail, s.hint.empty() ? "" : "; ",
                         s.hint);
    }
  }
  return "";
}

// The mmap/touch/munmap loop, counted in report->iterations and timed in report->seconds; returns
// what stopped it early, or "".
std::string munmap_loop(const ShootdownOptions& options, ShootdownReport* report) {
  const long page = sysconf(_SC_PAGESIZE) > 0 ? sysconf(_SC_PAGESIZE) : 4096;
  const auto start = std::chrono::steady_clock::now();
  const auto deadline = start + options.duration;
  std::string loop_error;
  while (std::chrono::steady_clock::now() < deadline &&
         (options.max_iterations == 0 || report->iterations < options.max_iterations)) {
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
    ++report->iterations;
  }
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return loop_error;
}

void record_reasons(const std::vector<CounterValue>& munmapper, const std::vector<CounterValue>& spinner,
                    ShootdownReport* report) {
  for (std::size_t i = 0; i < std::size(kTlbFlushReasons); ++i) {
    report->reasons.push_back(ShootdownReasonCount{kTlbFlushReasons[i].reason,
                                                   std::string(kTlbFlushReasons[i].column), count_of(munmapper, i),
                                                   count_of(spinner, i)});
  }
}

void record_interrupts(const std::optional<TlbRow>& before, const std::optional<TlbRow>& after,
                       ShootdownReport* report) {
  if (!before || !after) return;
  report->interrupts_why.clear();
  report->interrupts_tlb_delta = total(*after) - total(*before);
  const auto a0 = of_cpu(*before, report->munmapper_cpu);
  const auto a1 = of_cpu(*after, report->munmapper_cpu);
  report->interrupts_tlb_delta_other_cpus = *report->interrupts_tlb_delta - (a0 && a1 ? *a1 - *a0 : 0);
  const auto b0 = of_cpu(*before, report->spinner_cpu);
  const auto b1 = of_cpu(*after, report->spinner_cpu);
  if (b0 && b1) report->interrupts_tlb_delta_spinner_cpu = *b1 - *b0;
}

// Compares the IPI rounds sent with the TLB IPIs received and says what the outcome means, appended
// to report->verdict (which may already hold the loop's and the pinning's errors).
void write_verdict(ShootdownReport* report) {
  std::string& v = report->verdict;
  const std::optional<std::uint64_t> sent = report->reasons[kSendIpiReason].munmapper;
  if (report->spinner_cpu < 0) {
    v += "only one CPU is available to this process: no other CPU runs its mm, so no shootdown IPIs are expected "
         "and the comparison means nothing here";
    return;
  }
  if (!sent) {
    v += fmt::format("tlb:tlb_flush unavailable (see tracepoint_why): only /proc/interrupts measured, {} TLB IPIs "
                     "received", report->interrupts_tlb_delta ? std::to_string(*report->interrupts_tlb_delta) : "no");
    return;
  }
  if (!report->interrupts_tlb_delta_other_cpus) {
    v += fmt::format("/proc/interrupts TLB row unavailable ({}): only the tracepoint measured", report->interrupts_why);
    return;
  }
  const std::uint64_t received = *report->interrupts_tlb_delta_other_cpus;
  const auto a = static_cast<double>(*sent);
  const auto b = static_cast<double>(received);
  if (*sent == 0 && received == 0) {
    report->relative_difference = 0.0;
    report->agree_within_5pct = true;
    v += report->invlpgb ? "no shootdown IPIs on either side: consistent with INVLPGB broadcast invalidation (the "
                           "flushes happen, without IPIs)"
                         : "no shootdown IPIs on either side although munmap ran with a sibling on another CPU: "
                           "unexpected without INVLPGB";
    return;
  }
  const double diff = std::fabs(a - b) / std::max(a, b);
  report->relative_difference = diff;
  report->agree_within_5pct = diff <= 0.05;
  if (report->agree_within_5pct) {
    v += fmt::format("agree: {} IPI rounds sent, {} TLB IPIs received ({:.1f}% apart)", *sent, received, 100.0 * diff);
  } else if (b > a) {
    v += fmt::format("disagree: {} TLB IPIs received vs {} rounds sent ({:.1f}% apart): other processes' "
                     "shootdowns during the test (a busy machine), or rounds that targeted several CPUs",
                     received, *sent, 100.0 * diff);
  } else {
    v += fmt::format("disagree: {} rounds sent vs {} TLB IPIs received ({:.1f}% apart): some flushes reached "
                     "the other CPU without an IPI (paravirtual TLB flush of a preempted vCPU, or INVLPGB)",
                     *sent, received, 100.0 * diff);
  }
  if (*sent < report->iterations) {
    v += fmt::format("; {} of {} munmaps sent no IPI (the spinner was off its CPU: the machine is busy)",
                     report->iterations - *sent, report->iterations);
  }
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

  const CpuPair cpus = choose_cpus();
  std::string pin_why;
  if (cpus.a >= 0 && !pin_to(pthread_self(), cpus.a, &pin_why)) report.verdict = pin_why + "; ";
  report.munmapper_cpu = cpus.a;
  report.spinner_cpu = cpus.b;

  Spinner spinner(prepared, cpus.b);
  const ThreadCounterGroup group(prepared);
  report.tracepoint_why = tracepoint_why(group);
  const CounterSnapshot before = group.snapshot();
  const auto irq_before = read_tlb_row(&report.interrupts_why);
  const std::string loop_error = munmap_loop(options, &report);
  const auto irq_after = read_tlb_row(&report.interrupts_why);
  const std::vector<CounterValue> munmapper_values = delta(before, group.snapshot());
  spinner.stop();
  if (cpus.have_affinity) pthread_setaffinity_np(pthread_self(), sizeof cpus.original, &cpus.original);

  record_reasons(munmapper_values, spinner.values(), &report);
  record_interrupts(irq_before, irq_after, &report);
  if (!loop_error.empty()) report.verdict += loop_error + "; ";
  if (!spinner.pin_why().empty()) report.verdict += "spinner: " + spinner.pin_why() + "; ";
  write_verdict(&report);
  return report;
}

}  // namespace zkc::harness::counters
