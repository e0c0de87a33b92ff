// The results folder's run directories and files: a run directory is all-or-nothing (committed
// under its run id, or nothing left), a taken name never costs a run its results, stale temporary
// folders of dead processes go; a text file is replaced whole, even on a full disk.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "harness/results/run_directory.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/small_tmpfs.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/test_files.hpp"

namespace zkc::harness {
namespace {

namespace fs = std::filesystem;

using zkc::test_support::TempDir;

using zkc::test_support::read_file;
using zkc::test_support::write_file;

std::vector<std::string> entries(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  return names;
}

// ---- run directory ----

TEST(RunDirectory, CommitRenamesTempDirToRunId) {
  TempDir tmp;
  const fs::path root = tmp.path() / "results" / "nested";  // created with parents
  fs::path written;
  {
    RunDirectory dir = RunDirectory::create(root, "run-1");
    EXPECT_TRUE(fs::is_directory(dir.path()));
    EXPECT_EQ(dir.path().filename().string().rfind(".tmp-run-1-", 0), 0u) << dir.path();
    write_file(dir.path() / "a.txt", "hello");
    EXPECT_FALSE(fs::exists(root / "run-1"));
    EXPECT_EQ(dir.commit(), root / "run-1");
    EXPECT_TRUE(dir.committed());
    EXPECT_EQ(dir.path(), root / "run-1");
    written = dir.path() / "a.txt";
  }
  EXPECT_EQ(read_file(written), "hello");  // the destructor keeps a committed run
  EXPECT_EQ(entries(root), std::vector<std::string>{"run-1"});
}

TEST(RunDirectory, UncommittedRunLeavesNothing) {
  TempDir tmp;
  {
    RunDirectory dir = RunDirectory::create(tmp.path(), "run-2");
    write_file(dir.path() / "sub" / "half.csv", "x");
  }
  EXPECT_TRUE(entries(tmp.path()).empty());
  try {
    RunDirectory dir = RunDirectory::create(tmp.path(), "run-3");
    throw std::runtime_error("run failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_TRUE(entries(tmp.path()).empty());
}

TEST(RunDirectory, ATakenNameNeverCostsTheRunItsResults) {
  TempDir tmp;
  // Taken before create (another run with this id finished while this one ran: the command checked
  // the name only when it started).
  fs::create_directories(tmp.path() / "taken");
  write_file(tmp.path() / "taken" / "summary.csv", "theirs\n");
  {
    RunDirectory dir = RunDirectory::create(tmp.path(), "taken");
    write_file(dir.path() / "summary.csv", "ours\n");
    EXPECT_EQ(dir.commit(), tmp.path() / "taken-2");
    EXPECT_TRUE(dir.renamed());
  }
  EXPECT_EQ(read_file(tmp.path() / "taken" / "summary.csv"), "theirs\n");
  EXPECT_EQ(read_file(tmp.path() / "taken-2" / "summary.csv"), "ours\n");
  // Taken between create and commit (an empty directory: plain rename(2) would replace it): the
  // finished run is not lost, it lands beside it under the next free name.
  RunDirectory dir = RunDirectory::create(tmp.path(), "late");
  fs::create_directories(tmp.path() / "late");
  write_file(dir.path() / "summary.csv", "x\n");
  EXPECT_EQ(dir.commit(), tmp.path() / "late-2");
  EXPECT_TRUE(dir.renamed());
  EXPECT_TRUE(fs::is_empty(tmp.path() / "late"));
  EXPECT_EQ(read_file(tmp.path() / "late-2" / "summary.csv"), "x\n");
}

// Two runs started together with one id (the default id has one-second resolution): both pass the
// check at the start, both finish, and both are kept under distinct names.
TEST(RunDirectory, TwoRunsWithOneIdAreBothKept) {
  TempDir tmp;
  const std::string id = "20250101-120000-c4j2";
  RunDirectory a = RunDirectory::create(tmp.path(), id);
  // The other run is another process (its own temporary folder), started in the same second and
  // finishing first.
  const pid_t child = ::fork();
  if (child == 0) {
    int code = 1;
    try {
      RunDirectory b = RunDirectory::create(tmp.path(), id);
      write_file(b.path() / "who", "b");
      code = b.commit() == tmp.path() / id && !b.renamed() ? 0 : 2;
    } catch (...) {
      code = 3;
    }
    ::_exit(code);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);
  write_file(a.path() / "who", "a");
  EXPECT_EQ(a.commit(), tmp.path() / (id + "-2"));
  EXPECT_TRUE(a.renamed());
  EXPECT_EQ(read_file(tmp.path() / id / "who"), "b");
  EXPECT_EQ(read_file(tmp.path() / (id + "-2") / "who"), "a");
  EXPECT_EQ(entries(tmp.path()).size(), 2u);  // no temporary folder left
}

TEST(RunDirectory, ClaimFolderIsExclusive) {
  TempDir tmp;
  EXPECT_EQ(claim_folder(tmp.path(), "x-ab", true), tmp.path() / "x-ab");
  EXPECT_EQ(claim_folder(tmp.path(), "x-ab", true), tmp.path() / "x-ab-2");  // same default id, same second
  try {
    claim_folder(tmp.path(), "x-ab", false);  // an explicit id is never silently changed
    FAIL() << "expected EEXIST";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EEXIST);
    EXPECT_NE(std::string(e.what()).find("x-ab"), std::string::npos) << e.what();
  }
  EXPECT_THROW(claim_folder(tmp.path(), ".tmp-x", true), std::invalid_argument);
}

TEST(RunDirectory, StaleTempDirsOfDeadProcessesGoLiveOnesStay) {
  TempDir tmp;
  const fs::path live = tmp.path() / (".tmp-run-a-" + std::to_string(::getpid()));
  const fs::path dead = tmp.path() / ".tmp-run-b-2147483647";  // above any pid_max: no such process
  const fs::path no_pid = tmp.path() / ".tmp-run-c";
  for (const auto& d : {live, dead, no_pid}) fs::create_directories(d / "sub");
  fs::create_directories(tmp.path() / "done");
  EXPECT_EQ(remove_stale_temp_dirs(tmp.path()), 2u);
  EXPECT_TRUE(fs::exists(live));
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_FALSE(fs::exists(no_pid));
  EXPECT_TRUE(fs::exists(tmp.path() / "done"));
  EXPECT_EQ(remove_stale_temp_dirs(tmp.path() / "absent"), 0u);
}

// A sweep shard removes only its own runs' leftovers: another machine's run in progress in a shared
// folder has a pid that is dead here.
TEST(RunDirectory, StaleTempDirsLimitedToOwnRunIds) {
  TempDir tmp;
  const fs::path own = tmp.path() / ".tmp-abc-I1-r0-2147483647";
  const fs::path other = tmp.path() / ".tmp-abc-I1-r1-2147483647";
  const fs::path own_live = tmp.path() / (".tmp-abc-I1-r0-" + std::to_string(::getpid()));
  for (const auto& d : {own, other, own_live}) fs::create_directories(d);
  std::vector<std::string> asked;
  const auto mine = [&](std::string_view id) {
    asked.emplace_back(id);
    return id == "abc-I1-r0";
  };
  EXPECT_EQ(remove_stale_temp_dirs(tmp.path(), mine), 1u);
  EXPECT_FALSE(fs::exists(own));
  EXPECT_TRUE(fs::exists(other));
  EXPECT_TRUE(fs::exists(own_live)) << "a live process's run is never removed";
  std::sort(asked.begin(), asked.end());
  EXPECT_EQ(asked, (std::vector<std::string>{"abc-I1-r0", "abc-I1-r1"}));
}

TEST(RunId, PlainNamesNeverStartWithADot) {
  EXPECT_TRUE(is_plain_run_id("run-1.b_c"));
  EXPECT_FALSE(is_plain_run_id(".tmp-x"));  // `.tmp-` marks unfinished runs
  EXPECT_FALSE(is_plain_run_id(".hidden"));
  EXPECT_FALSE(is_plain_run_id("."));
  EXPECT_FALSE(is_plain_run_id(".."));
  EXPECT_FALSE(is_plain_run_id(""));
  EXPECT_FALSE(is_plain_run_id("a/b"));
  EXPECT_THROW(RunDirectory::create(fs::temp_directory_path(), ".tmp-x"), std::invalid_argument);
}

// ---- whole files ----

std::vector<std::string> hidden_entries(const fs::path& dir) {
  std::vector<std::string> out;
  for (const auto& name : entries(dir))
    if (name.starts_with(".")) out.push_back(name);
  return out;
}

TEST(TextFile, ReplacesWholeAndLeavesNoTemporary) {
  TempDir tmp;
  const fs::path f = tmp.path() / "report.html";
  write_text_file(f, "old");
  write_text_file(f, "new content");
  EXPECT_EQ(read_text_file(f), "new content");
  EXPECT_TRUE(hidden_entries(tmp.path()).empty());
  EXPECT_EQ(fs::status(f).permissions() & fs::perms::others_read, fs::perms::others_read);
  // A link to a regular file is replaced, never written through (issue 29 row 16: a planted link in a
  // shared results folder must not overwrite its target).
  fs::create_symlink(f, tmp.path() / "link.html");
  write_text_file(tmp.path() / "link.html", "via link");
  EXPECT_FALSE(fs::is_symlink(tmp.path() / "link.html"));
  EXPECT_EQ(read_text_file(tmp.path() / "link.html"), "via link");
  EXPECT_EQ(read_text_file(f), "new content");
  // Not a regular file: written in place (there is nothing to rename over /dev/null).
  EXPECT_NO_THROW(write_text_file("/dev/null", "discarded"));
  fs::create_symlink("/dev/null", tmp.path() / "out");  // as /dev/stdout links to a pipe or a terminal
  EXPECT_NO_THROW(write_text_file(tmp.path() / "out", "discarded"));
  EXPECT_TRUE(fs::is_symlink(tmp.path() / "out"));
}

TEST(TextFile, UnwritableFolderIsAWriteErrorNamingThePath) {
  try {
    write_text_file("/nonexistent-zkc/summary.csv", "x");
    FAIL() << "expected an error";
  } catch (const WriteError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-zkc/summary.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
}

// Fault injection: a full disk. The write fails with the errno text, the previous file is untouched
// and nothing cut or temporary is left (before temp + rename the file was cut at the disk's end).
TEST(TextFile, FullDiskLeavesThePreviousFileWhole) {
  zkc::test_support::SmallTmpfs disk(64);
  if (!disk.available()) GTEST_SKIP() << disk.why();
  const fs::path f = disk.path() / "trace.json";
  write_text_file(f, "{\"previous\": true}\n");
  const std::string big(256 * 1024, 'x');
  try {
    write_text_file(f, big);
    FAIL() << "a 256 KiB file fitted on a 64 KiB tmpfs";
  } catch (const WriteError& e) {
    EXPECT_EQ(e.code().value(), ENOSPC) << e.what();
    EXPECT_NE(std::string(e.what()).find(f.string()), std::string::npos) << e.what();
  }
  EXPECT_EQ(read_text_file(f), "{\"previous\": true}\n");
  EXPECT_TRUE(hidden_entries(disk.path()).empty()) << hidden_entries(disk.path()).front();
  // And a file that never existed does not appear at all.
  EXPECT_THROW(write_text_file(disk.path() / "report.html", big), WriteError);
  EXPECT_FALSE(fs::exists(disk.path() / "report.html"));
}

TEST(RunDirectory, UncreatableRootNamesPath) {
  TempDir tmp;
  write_file(tmp.path() / "file", "not a directory");
  try {
    RunDirectory::create(tmp.path() / "file" / "results", "r");
    FAIL() << "expected an error";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find((tmp.path() / "file").string()), std::string::npos) << e.what();
  }
  EXPECT_THROW(RunDirectory::create(tmp.path(), "../escape"), std::invalid_argument);
  EXPECT_THROW(RunDirectory::create(tmp.path(), ""), std::invalid_argument);
}

TEST(RunDirectory, MoveTransfersOwnership) {
  TempDir tmp;
  RunDirectory a = RunDirectory::create(tmp.path(), "moved");
  const fs::path temp = a.path();
  RunDirectory b = std::move(a);
  EXPECT_TRUE(fs::is_directory(temp));
  b.commit();
  EXPECT_TRUE(fs::is_directory(tmp.path() / "moved"));
}

TEST(RunId, TimestampAndSanitizedLabel) {
  const std::string id = make_run_id("c=20 j/15");
  ASSERT_EQ(id.size(), 15u + 1 + 9) << id;
  for (std::size_t i = 0; i < 15; ++i) EXPECT_TRUE(i == 8 ? id[i] == '-' : std::isdigit(static_cast<unsigned char>(id[i]))) << id;
  EXPECT_EQ(id.substr(15), "-c_20_j_15");
  EXPECT_EQ(sanitize_label("a.b_c-D9"), "a.b_c-D9");
  EXPECT_EQ(make_run_id("").size(), 15u);
}

}  // namespace
}  // namespace zkc::harness
