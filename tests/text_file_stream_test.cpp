// TextFileWriter: a results file made piece by piece keeps write_text_file's promise (every file that
// looks finished is whole) without being held whole in memory: a long log's timeline.csv is as large
// as the log (issue 29 row 17). Deterministic: what is on disk before and after commit, never timings.
#include <gtest/gtest.h>

#include <cerrno>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/system/text_file.hpp"
#include "harness/results/timeline_csv.hpp"
#include "tests/support/small_tmpfs.hpp"
#include "tests/support/temp_dir.hpp"

namespace zkc::harness {
namespace {

namespace fs = std::filesystem;
using zkc::test_support::TempDir;

std::vector<std::string> hidden_entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.path().filename().string().starts_with(".")) out.push_back(e.path().filename().string());
  return out;
}

TEST(TextFileWriter, PiecesGoToTheTemporaryAsTheyComeAndTheFileAppearsWholeAtCommit) {
  TempDir tmp;
  const fs::path f = tmp.path() / "timeline.csv";
  write_text_file(f, "previous\n");
  const std::string piece = std::string(999, 'x') + '\n';
  const std::size_t pieces = 3 * kTextFileChunk / piece.size() + 1;
  std::string expected;
  TextFileWriter out(f);
  ASSERT_FALSE(out.temp_path().empty());
  EXPECT_EQ(fs::path(out.temp_path()).parent_path(), tmp.path());
  for (std::size_t i = 0; i < pieces; ++i) {
    out.write(piece);
    expected += piece;
  }
  // Written as it came: at most about one chunk waits in memory; the final name still holds the
  // previous file, whole.
  EXPECT_GE(fs::file_size(out.temp_path()), expected.size() - kTextFileChunk);
  EXPECT_EQ(read_text_file(f), "previous\n");
  out.commit();
  EXPECT_EQ(read_text_file(f), expected);
  EXPECT_TRUE(hidden_entries(tmp.path()).empty());
  EXPECT_EQ(fs::status(f).permissions() & fs::perms::others_read, fs::perms::others_read);
  EXPECT_THROW(out.write("more"), std::logic_error);
}

TEST(TextFileWriter, AWriterDroppedBeforeCommitLeavesThePreviousFileAndNoTemporary) {
  TempDir tmp;
  const fs::path f = tmp.path() / "timeline.csv";
  write_text_file(f, "previous\n");
  {
    TextFileWriter out(f);
    out.write(std::string(2 * kTextFileChunk, 'y'));  // on disk already, in the temporary
    EXPECT_TRUE(fs::exists(out.temp_path()));
  }  // the producer threw, say
  EXPECT_EQ(read_text_file(f), "previous\n");
  EXPECT_TRUE(hidden_entries(tmp.path()).empty());
  {
    TextFileWriter out(tmp.path() / "never.csv");
    out.write("cut");
  }
  EXPECT_FALSE(fs::exists(tmp.path() / "never.csv"));
  // Not a regular file: written in place, as write_text_file does.
  TextFileWriter null("/dev/null");
  EXPECT_TRUE(null.temp_path().empty());
  null.write("discarded");
  EXPECT_NO_THROW(null.commit());
}

TEST(TextFileWriter, FullDiskMidStreamLeavesThePreviousFileWhole) {
  zkc::test_support::SmallTmpfs disk(64);
  if (!disk.available()) GTEST_SKIP() << disk.why();
  const fs::path f = disk.path() / "timeline.csv";
  write_text_file(f, "previous\n");
  try {
    TextFileWriter out(f);
    for (int i = 0; i < 256; ++i) out.write(std::string(1024, 'z'));  // 256 KiB on a 64 KiB disk
    out.commit();
    FAIL() << "256 KiB fitted on a 64 KiB tmpfs";
  } catch (const WriteError& e) {
    EXPECT_EQ(e.code().value(), ENOSPC) << e.what();
    EXPECT_NE(std::string(e.what()).find(f.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text_file(f), "previous\n");
  EXPECT_TRUE(hidden_entries(disk.path()).empty());
}

// More rows than one chunk holds: streamed through several writes, read back exactly.
TEST(TimelineCsv, ALongTimelineIsStreamedAndReadsBackWhole) {
  TempDir tmp;
  std::vector<analysis::TimelineEvent> events;
  const analysis::SharedText job("0b6f4c1e-8f55-4d2b-9a44-3c1d2e5f6a7b"), name("GPU_END");
  for (int i = 0; i < 40000; ++i)
    events.push_back({i * 0.5, name, job, "worker=" + std::to_string(i % 4) + ",partition=" + std::to_string(i % 10)});
  const fs::path f = tmp.path() / "timeline.csv";
  write_timeline_csv(f, events);
  ASSERT_GT(fs::file_size(f), kTextFileChunk);
  const std::vector<analysis::TimelineEvent> back = read_timeline_csv(f);
  ASSERT_EQ(back.size(), events.size());
  for (std::size_t i = 0; i < events.size(); i += 997) {
    EXPECT_EQ(back[i].offset_ms, events[i].offset_ms);
    EXPECT_EQ(back[i].job_id, events[i].job_id);
    EXPECT_EQ(back[i].detail, events[i].detail);
  }
  EXPECT_TRUE(hidden_entries(tmp.path()).empty());
}

}  // namespace
}  // namespace zkc::harness
