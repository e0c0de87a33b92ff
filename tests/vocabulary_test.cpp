// The files a run writes keep their vocabulary: a ci run's timeline.csv, stages.csv and summary.csv
// headers, the event and stage names and lane kinds they hold, and the summary's metrics with their
// units, against tests/fixtures/vocabulary/ci_run.txt (written from a run before the model layer took
// the names over). A rename anywhere shows here; a deliberate one updates the fixture in the same commit.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "harness/system/text_file.hpp"
#include "tests/support/run_binary.hpp"

namespace {

namespace fs = std::filesystem;

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::ifstream in(p);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(cell);  // the columns read here hold no quotes
    rows.push_back(cells);
  }
  return rows;
}

std::string join(const std::set<std::string>& s) {
  std::string out;
  for (const auto& x : s) out += (out.empty() ? "" : " ") + x;
  return out;
}

// The distinct values of column `col` (rows after the header).
std::set<std::string> column(const std::vector<std::vector<std::string>>& rows, std::size_t col) {
  std::set<std::string> out;
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (col < rows[i].size()) out.insert(rows[i][col]);
  return out;
}

// "gpu0.1" -> "gpu#.#", "synth-2" -> "synth-#": the lane's kind, not its index.
std::string lane_kind(std::string w) {
  std::string out;
  for (char c : w) {
    const bool digit = std::isdigit(static_cast<unsigned char>(c)) != 0;
    if (!digit) out += c;
    else if (out.empty() || out.back() != '#') out += '#';
  }
  return out;
}

std::string vocabulary_of(const fs::path& run) {
  const auto timeline = read_csv(run / "timeline.csv");
  const auto stages = read_csv(run / "stages.csv");
  const auto summary = read_csv(run / "summary.csv");
  std::set<std::string> lanes, metrics;
  for (const auto& w : column(stages, 7)) lanes.insert(lane_kind(w));
  for (std::size_t i = 1; i < summary.size(); ++i)
    if (summary[i].size() == 3) metrics.insert(summary[i][0] + ":" + summary[i][2]);
  std::string header_t, header_s, header_m;
  for (const auto& c : timeline.at(0)) header_t += (header_t.empty() ? "" : ",") + c;
  for (const auto& c : stages.at(0)) header_s += (header_s.empty() ? "" : ",") + c;
  for (const auto& c : summary.at(0)) header_m += (header_m.empty() ? "" : ",") + c;
  return "timeline.csv header: " + header_t + "\nevents: " + join(column(timeline, 1)) +
         "\nstages.csv header: " + header_s + "\nstages: " + join(column(stages, 2)) + "\nlanes: " + join(lanes) +
         "\nsummary.csv header: " + header_m + "\nmetrics: " + join(metrics) + "\n";
}

TEST(Vocabulary, ACiRunWritesTheSameHeadersEventsStagesLanesAndMetrics) {
  const fs::path root = fs::temp_directory_path() / ("zkc-vocabulary-" + std::to_string(getpid()));
  fs::remove_all(root);
  const auto r = zkc::test_support::run_zkcontend(std::string("run --config ") + ZKC_SOURCE_DIR +
                                                  "/configs/ci.toml -q --results " + root.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  fs::path run;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory()) run = e.path();
  ASSERT_FALSE(run.empty());
  const std::string got = vocabulary_of(run);
  fs::remove_all(root);

  const fs::path golden = fs::path(ZKC_SOURCE_DIR) / "tests/fixtures/vocabulary/ci_run.txt";
  const std::string want = zkc::harness::read_text_file(golden);
  EXPECT_EQ(got, want) << "a ci run's vocabulary changed; if on purpose, update " << golden;
}

}  // namespace
