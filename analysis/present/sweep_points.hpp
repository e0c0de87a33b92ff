// Sweep point labels ("c=10 j=10", "" for a plain A/B): their keys, the isolation point, and the
// first-appearance order of points and arms that every report table follows.
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/stats/arm_stats.hpp"

#include "model/experiment.hpp"

namespace zkc::analysis {

// The label's items ("c=10", "j=10", "pw=6"), split at spaces and commas, empty ones dropped.
std::vector<std::string_view> point_items(std::string_view label);
// The number after `key=` in a space- or comma-separated label; nullopt when absent or not a number.
std::optional<double> point_value(std::string_view label, std::string_view key);
// A point label's concurrency ("c=4 j=2 ..." -> {4, 2}); nullopt when either is absent.
std::optional<model::Concurrency> concurrency_of(std::string_view label);
// model::is_isolation of the label's concurrency: the reference of the stage inflation table.
bool is_isolation_point(std::string_view label);
// How a point is named in a table: "c=1 j=1 (isolation)", "(all runs)" for "".
std::string point_title(std::string_view label);

// Distinct points and arms in order of first appearance.
std::vector<std::string> points_of(std::span<const ArmSummary> summaries);
std::vector<std::string> arms_of(std::span<const ArmSummary> summaries);
// The summary of (point, arm, metric), or nullptr.
const ArmSummary* find_summary(std::span<const ArmSummary> summaries, std::string_view point, std::string_view arm,
                               std::string_view metric);

}  // namespace zkc::analysis
