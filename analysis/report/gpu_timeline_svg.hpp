// GPU busy/idle timeline of one run: the union of GPU_START..GPU_END intervals (the GPU util
// definition) as busy bars, the holes between them, those of at least `min_gap_ms` highlighted and
// the longest annotated. Same frame as the waterfall, so it lines up under it.
#pragma once

#include <string>

#include "model/run_data.hpp"

namespace zkc::analysis {

// A complete <svg class="gpu-timeline"> element.
std::string gpu_timeline_svg(const RunData& run, double min_gap_ms = 1.0);

}  // namespace zkc::analysis
