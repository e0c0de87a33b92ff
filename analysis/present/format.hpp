// Number and duration text shared by the report's charts and tables, so one value reads the same in
// the waterfall tooltip, the inflation table and report.md.
#pragma once

#include <string>

namespace zkc::analysis {

// "0.42 ms", "850 ms", "4.90 s", "38.0 s", "123 s"; "n/a" for NaN or infinity.
std::string duration_text(double ms);
// The same with its sign always written: "+12.0 ms", "-0.40 ms" (a change).
std::string signed_duration_text(double ms);
// Signed percent with one decimal: "+22.4%", "-8.1%"; "n/a" when not finite.
std::string percent_text(double pct);
// Counts and rates of any magnitude in 3 significant digits with k/M/G suffixes: "512", "1.23k",
// "4.50M"; "n/a" when not finite (NaN means "not measured" in summary rows).
std::string count_text(double value);

}  // namespace zkc::analysis
