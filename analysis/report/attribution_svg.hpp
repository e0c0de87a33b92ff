// `explain`'s stacked bars: per stage, the isolation time, then each part of the inflation (run queue,
// pipeline waits, on-CPU growth, remainder) stacked onto it, rises to the right and drops to the left,
// so the bar ends where the loaded time is. One chart per (point, arm).
#pragma once

#include <string>
#include <vector>

#include "analysis/explain/attribution.hpp"

namespace zkc::analysis {

// A complete <svg class="attribution-chart"> of `rows` (one point and arm); stages whose loaded time
// and inflation are both under `min_ms` left out, as in attribution_table.
std::string attribution_svg(const std::vector<Attribution>& rows, double min_ms = 1.0);

}  // namespace zkc::analysis
