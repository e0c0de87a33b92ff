// stages.csv: one row per recorded stage span (harness/recorder/recorder.hpp), for waterfall plots and
// per-thread analysis: `proof,partition,stage,start_ms,end_ms,dur_ms,tid,worker`.
#pragma once

#include <filesystem>
#include <span>

#include "harness/recorder/recorder.hpp"

namespace zkc::harness {

inline constexpr const char* kStagesCsvHeader = "proof,partition,stage,start_ms,end_ms,dur_ms,tid,worker";

// Times in ms with 3 decimals; std::system_error naming the path on an I/O failure.
void write_stages_csv(const std::filesystem::path& path, std::span<const StageSpan> spans);

}  // namespace zkc::harness
