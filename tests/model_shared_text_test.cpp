// SharedText, the text of a timeline event, and TextPool, which makes equal texts share one buffer:
// what keeps a long prover log's events near the size of the log (issue 29 row 17).
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "model/shared_text.hpp"
#include "model/timeline_event.hpp"

namespace zkc::model {
namespace {

TEST(SharedText, ReadsAsTheTextItWasMadeFrom) {
  const SharedText empty, a("worker=0,partition=3"), b(std::string("job-a"));
  EXPECT_TRUE(empty.empty());
  EXPECT_EQ(empty, "");
  EXPECT_EQ(a, "worker=0,partition=3");
  EXPECT_EQ(a.size(), 20u);
  EXPECT_NE(a, b);
  EXPECT_LT(b, std::string_view("job-b"));
  EXPECT_EQ(std::string(b) + "/x", "job-a/x");
  EXPECT_EQ(fmt::format("[{:>6}]", b), "[ job-a]");
  std::ostringstream out;
  out << a;
  EXPECT_EQ(out.str(), "worker=0,partition=3");
  std::map<std::string, int> by_job;
  by_job[b] = 1;  // converts where a std::string is wanted
  EXPECT_EQ(by_job.count("job-a"), 1u);
}

TEST(SharedText, CopiesShareTheBufferAndOutliveTheOriginal) {
  SharedText copy;
  {
    const SharedText original("partition=7,gpu_ms=12.5");
    copy = original;
    EXPECT_TRUE(copy.shares_buffer_with(original));
    EXPECT_EQ(copy.data(), original.data());
  }
  EXPECT_EQ(copy, "partition=7,gpu_ms=12.5");
  SharedText moved(std::move(copy));
  EXPECT_EQ(moved, "partition=7,gpu_ms=12.5");
  EXPECT_TRUE(copy.empty());  // NOLINT(bugprone-use-after-move): a moved-from text is empty
  moved = moved;              // self-assignment keeps the text
  EXPECT_EQ(moved, "partition=7,gpu_ms=12.5");
  const SharedText other("partition=7,gpu_ms=12.5");
  EXPECT_FALSE(other.shares_buffer_with(moved));  // equal text made twice is two buffers
  EXPECT_FALSE(SharedText().shares_buffer_with(SharedText()));
}

// Copies made and dropped on several threads at once (the recorder's events are copied out while
// workers record): the count is atomic, the last owner frees the buffer once (TSan, ASan).
TEST(SharedText, CopiesOnSeveralThreadsFreeTheBufferOnce) {
  const SharedText text("GPU_START");
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&text] {
      std::vector<SharedText> copies;
      for (int i = 0; i < 1000; ++i) copies.push_back(text);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(text, "GPU_START");
}

TEST(TextPool, EqualTextsShareOneBufferUpToTheBound) {
  TextPool pool(2);
  const SharedText a1 = pool.get("job-a"), a2 = pool.get(std::string("job-a")), b = pool.get("job-b");
  EXPECT_TRUE(a1.shares_buffer_with(a2));
  EXPECT_FALSE(a1.shares_buffer_with(b));
  EXPECT_EQ(pool.distinct(), 2u);
  // Full: a new text is still made, on its own, and the pool does not grow.
  const SharedText c1 = pool.get("job-c"), c2 = pool.get("job-c");
  EXPECT_EQ(c1, "job-c");
  EXPECT_FALSE(c1.shares_buffer_with(c2));
  EXPECT_EQ(pool.distinct(), 2u);
  EXPECT_TRUE(pool.get("job-b").shares_buffer_with(b));
  EXPECT_TRUE(pool.get("").empty());
}

TEST(TimelineEvent, BuildsFromTextAndComparesAsText) {
  TimelineEvent e{12.5, "GPU_END", std::string("job-1"), "worker=1,partition=3,gpu_ms=1800.25"};
  EXPECT_EQ(e.event, "GPU_END");
  EXPECT_EQ(detail_number(e.detail, "gpu_ms"), 1800.25);
  e.detail = "partition=4";
  EXPECT_EQ(detail_value(e.detail, "partition"), "4");
  const TimelineEvent copy = e;
  EXPECT_TRUE(copy.job_id.shares_buffer_with(e.job_id));
}

}  // namespace
}  // namespace zkc::model
