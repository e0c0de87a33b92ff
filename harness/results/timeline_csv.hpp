// timeline.csv: a run's timeline events, one per row, `offset_ms,event,job_id,detail` (offsets in ms
// with 3 decimals). The reader is strict so that a damaged file is noticed rather than half-analysed.
#pragma once

#include <filesystem>
#include <span>
#include <vector>

#include "model/timeline_event.hpp"

namespace zkc::harness {

using analysis::kTimelineCsvHeader;

// std::system_error naming the path on an I/O failure.
void write_timeline_csv(const std::filesystem::path& path, std::span<const analysis::TimelineEvent> events);
// std::system_error on an I/O failure; std::runtime_error naming file:line for a wrong header, a row
// without exactly 4 fields, an offset that is not a number or out of range (analysis::valid_offset_ms)
// or a file cut short.
std::vector<analysis::TimelineEvent> read_timeline_csv(const std::filesystem::path& path);

}  // namespace zkc::harness
