#include "kernels/pool/thread_pool.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <set>
#include <stdexcept>
#include <vector>

namespace zkc {
namespace {

TEST(ThreadPool, ParallelForCoversEveryIndexOnce) {
  for (unsigned threads : {1u, 2u, 3u, 7u}) {
    ThreadPool pool("t", threads);
    for (std::size_t n : {0u, 1u, 7u, 8192u, 10001u}) {
      std::vector<std::atomic<int>> hits(n);
      pool.parallel_for(n, 97, [&](std::size_t b, std::size_t e) {
        ASSERT_LE(e - b, 97u);
        for (std::size_t i = b; i < e; ++i) hits[i].fetch_add(1);
      });
      for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(hits[i].load(), 1) << "n=" << n << " i=" << i;
    }
  }
}

TEST(ThreadPool, ReportsDistinctThreadIdsAndRunsStartHook) {
  std::atomic<unsigned> started{0};
  ThreadPool pool(ThreadPool::Options{"ids", 3, [&](unsigned) { started.fetch_add(1); }});
  ASSERT_EQ(pool.thread_ids().size(), 3u);
  std::set<pid_t> ids(pool.thread_ids().begin(), pool.thread_ids().end());
  EXPECT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids.count(gettid()), 0u);
  // Tasks observe the tids the pool reported.
  for (int i = 0; i < 20; ++i) {
    const pid_t tid = pool.submit([] { return static_cast<pid_t>(gettid()); }).get();
    EXPECT_EQ(ids.count(tid), 1u);
  }
  EXPECT_EQ(started.load(), 3u);
}

TEST(ThreadPool, MaxWorkersBoundsConcurrency) {
  ThreadPool pool("bound", 4);
  std::mutex m;
  std::set<unsigned> used;
  pool.for_each_task(64, [&](std::size_t, unsigned w) {
    std::lock_guard lock(m);
    used.insert(w);
  }, 2);
  EXPECT_LE(used.size(), 2u);
  EXPECT_GE(used.size(), 1u);
}

TEST(ThreadPool, RethrowsTaskException) {
  ThreadPool pool("err", 2);
  EXPECT_THROW(pool.parallel_for(100, 1, [](std::size_t b, std::size_t) {
    if (b == 37) throw std::runtime_error("boom");
  }), std::runtime_error);
  auto f = pool.submit([]() -> int { throw std::logic_error("x"); });
  EXPECT_THROW(f.get(), std::logic_error);
}

TEST(ThreadPool, NestedParallelForRunsInline) {
  ThreadPool pool("nest", 2);
  std::atomic<int> total{0};
  pool.parallel_for(4, 1, [&](std::size_t, std::size_t) {
    pool.parallel_for(10, 3, [&](std::size_t b, std::size_t e) { total += static_cast<int>(e - b); });
  });
  EXPECT_EQ(total.load(), 40);
}

TEST(ThreadPool, ZeroThreadsIsRejected) {
  EXPECT_THROW(ThreadPool("zero", 0), std::invalid_argument);
}

}  // namespace
}  // namespace zkc
