// attribution.csv, the terminal/report table of the attribution and the arms-by-cause table: one
// computation (attribution.hpp), three views, so `explain`, `ab` and the report say the same.
#pragma once

#include <string>
#include <vector>

#include "analysis/explain/attribution.hpp"
#include "analysis/present/table.hpp"

namespace zkc::analysis {

// One row per point x arm x stage: point, arm, stage, reference, rows of each side, isolation_ms,
// loaded_ms, inflation_ms, the kParts columns, the widths, then `<evidence>_isolation` and
// `<evidence>_loaded` for every kEvidence column (empty where not measured). Per-row means, in ms.
std::string attribution_csv(const std::vector<Attribution>& rows);

// The rows whose stage takes at least `min_ms` per row loaded or moved by that much (the rest are
// listed by count in a footnote): isolation, loaded, inflation and each part with its share of the
// inflation, and the evidence that changed.
Table attribution_table(const std::vector<Attribution>& rows, double min_ms = 1.0);

Table causes_table(const std::vector<ArmCause>& causes, const std::string& baseline);

}  // namespace zkc::analysis
