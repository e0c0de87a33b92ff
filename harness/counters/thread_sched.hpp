// Scheduler accounting of one thread, available without perf_event: /proc/<task>/schedstat (time on
// the CPU, time waiting on a run queue, timeslices) and the thread's voluntary and involuntary context
// switches from /proc/<task>/status. A thread reads its own (/proc/thread-self) at the same stage
// boundaries as its counters, so a stage row says how long it ran and how long it waited for a CPU:
// the run-queue wait is what CPU starvation costs a stage (zkcontend explain splits inflation by it).
#pragma once

#include "model/counter_columns.hpp"

#include <array>
#include <string_view>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace zkc::harness::counters {

// The columns, declared once; stages.csv and the attribution read this list.
struct SchedColumn {
  std::string_view name;
  std::string_view unit;
};
inline constexpr std::array<SchedColumn, 5> kSchedColumns = {{
    {model::counter::kSchedOnCpuNs, "ns"},
    {model::counter::kSchedRunQueueNs, "ns"},
    {model::counter::kSchedTimeslices, "count"},
    {model::counter::kVoluntarySwitches, "count"},
    {model::counter::kInvoluntarySwitches, "count"},
}};

using SchedReading = std::array<std::uint64_t, kSchedColumns.size()>;

// Reads `task` (a /proc/<pid>/task/<tid> or /proc/thread-self directory); nullopt when either file is
// missing or malformed, with the reason in *why when given.
std::optional<SchedReading> read_thread_sched(const std::filesystem::path& task = "/proc/thread-self",
                                              std::string* why = nullptr);

}  // namespace zkc::harness::counters
