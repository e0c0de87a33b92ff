// The shootdown self-test of `zkcontend probe --shootdown-test`: checks that the tlb:tlb_flush tracepoint
// and the TLB row of /proc/interrupts see the same shootdowns on this machine.
//
// The main thread (pinned to CPU a) mmaps a region, touches every page and munmaps it, in a loop, while a
// sibling thread of the process spins on CPU b. The sibling keeps the process's mm live on CPU b, so each
// munmap must invalidate CPU b's TLB: on x86 without INVLPGB the kernel sends an IPI (flush_tlb_multi).
//
// Compared pair: tlb_flush reason 4 (TLB_REMOTE_SEND_IPI) counted on the munmapping thread, against the
// /proc/interrupts TLB delta summed over every CPU except the munmapper's (our flushes never IPI the
// sending CPU, so IPIs counted there are other processes' and only add noise).
//   - reason 4 fires once per flush_tlb_multi call, in the sender, whatever the number of target CPUs;
//     the TLB row counts IPIs received, one per target CPU. With exactly one other CPU running the mm
//     (the pinned spinner) the two are one-to-one. A munmap while the spinner is off its CPU (preempted
//     by another task) needs no IPI and sends none: both sides miss it alike.
//   - reason 1 (TLB_REMOTE_SHOOTDOWN) fires on the receiving CPU, in whatever task runs there: it is
//     counted on the spinner thread and reported alongside, not compared (a flush that lands while the
//     spinner is switched out is charged to another task).
//   - /proc/interrupts is system-wide: other processes' shootdowns during the test add to it, so the
//     delta is an upper bound on ours; a quiet machine is needed for the 5% agreement.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace zkc::harness::counters {

struct ShootdownOptions {
  std::chrono::milliseconds duration{1000};
  std::size_t region_bytes = std::size_t{4} << 20;  // 1024 pages: many rounds per second, one flush each
  std::size_t max_iterations = 0;  // 0: until duration
};

struct ShootdownReasonCount {
  int reason = 0;
  std::string name;                        // counter name, e.g. "tlb_flush_remote_send_ipi"
  std::optional<std::uint64_t> munmapper;  // counted on the munmapping thread; nullopt: unavailable
  std::optional<std::uint64_t> spinner;    // counted on the spinning sibling thread
};

struct ShootdownReport {
  std::vector<ShootdownReasonCount> reasons;  // 0..5; all nullopt when the tracepoint is unavailable
  std::string tracepoint_why;                 // why the tracepoint counts are missing, if they are
  std::optional<std::uint64_t> interrupts_tlb_delta;             // /proc/interrupts TLB row, all CPUs
  std::optional<std::uint64_t> interrupts_tlb_delta_other_cpus;  // all CPUs but the munmapper's: compared
  std::optional<std::uint64_t> interrupts_tlb_delta_spinner_cpu;
  std::string interrupts_why;
  std::uint64_t iterations = 0;
  double seconds = 0.0;
  int munmapper_cpu = -1;
  int spinner_cpu = -1;  // -1: only one CPU available
  bool invlpgb = false;
  std::string compared;  // which pair is compared
  std::optional<double> relative_difference;  // |a - b| / max(a, b)
  bool agree_within_5pct = false;
  std::string verdict;
};

ShootdownReport run_shootdown_test(const ShootdownOptions& options = {});

}  // namespace zkc::harness::counters
