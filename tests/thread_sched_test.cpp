// read_thread_sched on fixture task directories (no timing), and on this very thread.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/counters/thread_sched.hpp"

namespace zkc::harness::counters {
namespace {

namespace fs = std::filesystem;

fs::path task_dir(const std::string& name, const std::string& schedstat, const std::string& status) {
  const fs::path d = fs::temp_directory_path() / ("zkc-sched-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  if (!schedstat.empty()) std::ofstream(d / "schedstat") << schedstat;
  if (!status.empty()) std::ofstream(d / "status") << status;
  return d;
}

const char* kStatus = "Name:\tsynth-0\nState:\tR (running)\nvoluntary_ctxt_switches:\t12\nnonvoluntary_ctxt_switches:\t345\n";

TEST(ThreadSched, ReadsTheFiveColumnsInDeclaredOrder) {
  const auto d = task_dir("ok", "6119036 1683811 7\n", kStatus);
  const auto r = read_thread_sched(d);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (SchedReading{6119036, 1683811, 7, 12, 345}));
  EXPECT_EQ(kSchedColumns[1].name, "sched_run_queue_ns");
  fs::remove_all(d);
}

TEST(ThreadSched, MissingOrMalformedFilesSayWhy) {
  std::string why;
  const auto none = task_dir("none", "", kStatus);
  EXPECT_FALSE(read_thread_sched(none, &why));
  EXPECT_NE(why.find("schedstat cannot be read"), std::string::npos) << why;
  const auto bad = task_dir("bad", "12 x\n", kStatus);
  EXPECT_FALSE(read_thread_sched(bad, &why));
  EXPECT_NE(why.find("expected three numbers"), std::string::npos) << why;
  const auto no_switches = task_dir("nosw", "1 2 3\n", "Name:\tx\n");
  EXPECT_FALSE(read_thread_sched(no_switches, &why));
  EXPECT_NE(why.find("ctxt_switches"), std::string::npos) << why;
  for (const auto& d : {none, bad, no_switches}) fs::remove_all(d);
}

TEST(ThreadSched, ThisThreadsOwnReadingGrowsWithItsWork) {
  std::string why;
  const auto a = read_thread_sched("/proc/thread-self", &why);
  if (!a) GTEST_SKIP() << why;
  volatile double x = 1;
  for (int i = 0; i < 20'000'000; ++i) x = x * 1.0000001 + 1e-9;
  const auto b = read_thread_sched("/proc/thread-self");
  ASSERT_TRUE(b);
  EXPECT_GT((*b)[0], (*a)[0]);  // on-CPU time is cumulative and this thread ran
  for (std::size_t i = 0; i < a->size(); ++i) EXPECT_GE((*b)[i], (*a)[i]) << kSchedColumns[i].name;
}

}  // namespace
}  // namespace zkc::harness::counters
