// stages.csv: one row per recorded stage span (harness/recorder/recorder.hpp), for waterfall plots and
// per-thread analysis: `proof,partition,stage,start_ms,end_ms,dur_ms,tid,worker`.
#pragma once

#include <filesystem>
#include <span>
#include <string>

#include "harness/recorder/recorder.hpp"

namespace zkc::harness {

inline constexpr const char* kStagesCsvHeader = "proof,partition,stage,start_ms,end_ms,dur_ms,tid,worker";

// Times in ms with 3 decimals, then one column per counter name (the span's counter deltas, in the
// same order; empty where a span has none or the counter is unavailable). std::system_error naming
// the path on an I/O failure.
void write_stages_csv(const std::filesystem::path& path, std::span<const StageSpan> spans,
                      std::span<const std::string> counter_names = {});

}  // namespace zkc::harness
