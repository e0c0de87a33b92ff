// sweep.csv: one row per collected run: point, arm, repeat, run (its folder under the sweep folder),
// the varied keys (dotted names), host (the machine that ran it), then every metric of its
// summary.csv (plain names). A metric a run did not measure is an empty field.
#pragma once

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace zkc::cli {

struct SweepCsvRow {
  std::string point;  // "c=1 j=2"
  std::string arm;
  int repeat = 0;
  std::string run;    // "runs/<folder>"
  std::vector<std::pair<std::string, std::string>> settings;  // the point's key, TOML literal
  std::string host;
};

// The name of the host column: a plain name without a dot, so readers tell it from keys and metrics.
inline constexpr const char* kSweepHostColumn = "host";

// Reads each row's <dir>/<run>/summary.csv; throws naming the file when one is damaged or when
// sweep.csv cannot be written.
void write_sweep_csv(const std::filesystem::path& dir, const std::vector<std::string>& varied_keys,
                     const std::vector<SweepCsvRow>& rows);

}  // namespace zkc::cli
