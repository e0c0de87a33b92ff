// The model layer holds the project's vocabulary: stage and event names are spelled as string
// literals only in model/ (their declaration) and analysis/ingest/ (the mapping of the real prover's
// log onto them). Everywhere else producers and readers use the handles, so a renamed or new stage
// or event is one entry. Tests may spell names: they check the files against the format itself.
// kernels/ is not scanned: it sits below the model and knows no stages (its `spmv` is a function).
#include <gtest/gtest.h>

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "model/events.hpp"
#include "model/stages.hpp"

namespace zkc::model {
namespace {

namespace fs = std::filesystem;

std::set<std::string> vocabulary() {
  std::set<std::string> names;
  for (const StageKind& k : stage_kinds()) names.emplace(k.name);
  for (auto e = static_cast<std::size_t>(Event::kSynthStart); e <= static_cast<std::size_t>(Event::kPinnedShrink); ++e)
    names.emplace(name(static_cast<Event>(e)));
  for (const EventFamily& f : event_families()) names.emplace(f.stage);
  return names;
}

// Every "..." literal of a C++ source (comments skipped; raw strings are not used for names).
std::vector<std::pair<std::size_t, std::string>> literals(const std::string& src) {
  std::vector<std::pair<std::size_t, std::string>> out;
  std::size_t line = 1;
  for (std::size_t i = 0; i < src.size(); ++i) {
    const char c = src[i];
    if (c == '\n') ++line;
    if (c == '/' && i + 1 < src.size() && src[i + 1] == '/') {
      while (i < src.size() && src[i] != '\n') ++i;
      --i;
    } else if (c == '/' && i + 1 < src.size() && src[i + 1] == '*') {
      const std::size_t end = src.find("*/", i + 2);
      for (std::size_t j = i; j < std::min(end, src.size()); ++j) line += src[j] == '\n';
      i = end == std::string::npos ? src.size() : end + 1;
    } else if (c == '\'') {
      i += (i + 1 < src.size() && src[i + 1] == '\\') ? 3 : 2;  // a char literal ('"', '\'')
    } else if (c == '"') {
      std::string lit;
      for (++i; i < src.size() && src[i] != '"'; ++i) {
        if (src[i] == '\\') lit += src[i++];
        lit += src[i];
      }
      out.emplace_back(line, lit);
    }
  }
  return out;
}

// Literals of another vocabulary that happen to equal a stage name, each with what it names.
struct Homonym {
  std::string_view file, literal, what;
};
constexpr Homonym kHomonyms[] = {
    {"analysis/report/report_sections.cpp", "gpu", "the id of the report's GPU busy/idle section"},
    {"harness/topology/pin_plan.cpp", "synthesis", "the pinning pool of the synthesis threads (pinning.* keys)"},
    {"harness/topology/pin_plan.cpp", "dealloc", "the pinning pool of the dealloc threads (pinning.* keys)"},
};

bool homonym(const std::string& file, const std::string& literal) {
  for (const Homonym& h : kHomonyms)
    if (h.file == file && h.literal == literal) return true;
  return false;
}

TEST(ModelVocabulary, StageAndEventNamesAreSpelledOnlyInTheModelAndTheIngestMapping) {
  const std::set<std::string> names = vocabulary();
  ASSERT_GT(names.size(), 40u);
  const fs::path root = ZKC_SOURCE_DIR;
  std::vector<std::string> found;
  std::size_t files = 0;
  for (const char* dir : {"harness", "analysis", "workloads", "bench"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".cu" && ext != ".cuh")) continue;
      const std::string rel = fs::relative(e.path(), root).string();
      if (rel.starts_with("analysis/ingest/")) continue;
      ++files;
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      for (const auto& [line, lit] : literals(ss.str()))
        if (names.contains(lit) && !homonym(rel, lit)) found.push_back(rel + ":" + std::to_string(line) + ": \"" + lit + "\"");
    }
  }
  EXPECT_GT(files, 100u);
  std::string list;
  for (const auto& f : found) list += "\n  " + f;
  EXPECT_TRUE(found.empty()) << "stage or event names spelled outside model/ (use the model's handles):" << list;
}

TEST(ModelVocabulary, TheScannerFindsLiteralsAndSkipsComments) {
  const auto l = literals("a(\"spmv\"); // \"gpu\"\n/* \"GPU_END\" */ b('\"', \"x\\\"y\");\n");
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].second, "spmv");
  EXPECT_EQ(l[0].first, 1u);
  EXPECT_EQ(l[1].second, "x\\\"y");
  EXPECT_EQ(l[1].first, 2u);
}

}  // namespace
}  // namespace zkc::model
