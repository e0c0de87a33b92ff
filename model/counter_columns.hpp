// The counter columns of stages.csv that readers name: what harness/counters writes and
// analysis/explain attributes, declared once here because analysis cannot see the harness. The
// harness's catalogs (counter_catalog, thread_sched, stage_counters) take these names.
#pragma once

#include <string_view>

namespace zkc::model::counter {

// /proc/<tid>/schedstat and /proc/<tid>/status (harness/counters/thread_sched).
inline constexpr std::string_view kSchedOnCpuNs = "sched_on_cpu_ns";
inline constexpr std::string_view kSchedRunQueueNs = "sched_run_queue_ns";
inline constexpr std::string_view kSchedTimeslices = "sched_timeslices";
inline constexpr std::string_view kVoluntarySwitches = "voluntary_switches";
inline constexpr std::string_view kInvoluntarySwitches = "involuntary_switches";
// perf_event software and hardware events (harness/counters/counter_catalog).
inline constexpr std::string_view kPageFaults = "page_faults";
inline constexpr std::string_view kCpuMigrations = "cpu_migrations";
inline constexpr std::string_view kCycles = "cycles";
inline constexpr std::string_view kInstructions = "instructions";
inline constexpr std::string_view kDtlbMisses = "dtlb_misses";
inline constexpr std::string_view kL3Misses = "l3_misses";
// tlb:tlb_flush with reason 1, and the machine-wide TLB IPI row of /proc/interrupts.
inline constexpr std::string_view kTlbFlushRemoteShootdown = "tlb_flush_remote_shootdown";
inline constexpr std::string_view kTlbIpisMachine = "tlb_ipis_machine";

}  // namespace zkc::model::counter
