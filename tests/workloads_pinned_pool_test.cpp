// The pinned a/b/c pool (memory.abc_buffers = pinned_pool): best-fit checkout, reuse and its counts,
// shrink largest first and never of a buffer checked out, the idle reaper, the pool as a partition's
// RegionSource (a checkin is never an munmap), and the mmap + mlock allocator's contract.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kernels/field/fr.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/memory/pinned_pool.hpp"

namespace zkc::workloads {
namespace {

using Kind = PinnedPoolEvent::Kind;

// Hands out exactly the bytes asked for and records what it allocated and freed, in order.
class FakeAllocator final : public PinnedAllocator {
 public:
  struct Log {
    std::mutex mutex;
    std::vector<std::size_t> allocated, freed;
  };
  explicit FakeAllocator(std::shared_ptr<Log> log) : log_(std::move(log)) {}
  RegionBlock allocate(std::size_t bytes, const std::string&) override {
    const std::lock_guard lock(log_->mutex);
    log_->allocated.push_back(bytes);
    return {std::malloc(bytes), bytes, false};
  }
  void free(const RegionBlock& b) override {
    const std::lock_guard lock(log_->mutex);
    log_->freed.push_back(b.bytes);
    std::free(b.data);
  }
  std::string_view name() const override { return "fake"; }

 private:
  std::shared_ptr<Log> log_;
};

struct PoolFixture {
  std::shared_ptr<FakeAllocator::Log> log = std::make_shared<FakeAllocator::Log>();
  std::unique_ptr<PinnedPool> pool;
  explicit PoolFixture(double idle_ms = 0) {
    pool = std::make_unique<PinnedPool>(std::make_unique<FakeAllocator>(log), PinnedPool::Options{idle_ms});
  }
};

TEST(PinnedPool, CheckoutTakesTheSmallestFreeBufferThatFits) {
  PoolFixture f;
  PinnedPool& pool = *f.pool;
  std::vector<RegionBlock> out;
  for (const std::size_t bytes : {300, 100, 200}) {
    const auto c = pool.checkout(bytes, "test");
    EXPECT_FALSE(c.reused);
    out.push_back(c.block);
  }
  for (const auto& b : out) pool.checkin(b);

  const auto mid = pool.checkout(150, "test");  // 200 fits best (300 fits too)
  EXPECT_TRUE(mid.reused);
  EXPECT_EQ(mid.block.bytes, 200u);
  EXPECT_FALSE(mid.block.zero_filled) << "a reused buffer holds the last partition's bytes";
  EXPECT_EQ(mid.free_buffers, 2u);
  const auto small = pool.checkout(100, "test");  // an exact fit
  EXPECT_EQ(small.block.bytes, 100u);
  const auto big = pool.checkout(400, "test");  // nothing fits: a new buffer
  EXPECT_FALSE(big.reused);
  EXPECT_EQ(big.block.bytes, 400u);
  EXPECT_EQ(f.log->allocated, (std::vector<std::size_t>{300, 100, 200, 400}));
  for (const auto& b : {mid.block, small.block, big.block}) pool.checkin(b);
}

TEST(PinnedPool, CountsAllocationsReusesAndCheckins) {
  PoolFixture f;
  PinnedPool& pool = *f.pool;
  // Three rounds of a/b/c, one partition at a time: three allocations, then reuses only.
  for (int round = 0; round < 3; ++round) {
    std::vector<RegionBlock> abc;
    for (int k = 0; k < 3; ++k) abc.push_back(pool.checkout(4096, "abc").block);
    for (const auto& b : abc) pool.checkin(b);
  }
  const PinnedPoolStats s = pool.stats();
  EXPECT_EQ(s.checkouts, 9u);
  EXPECT_EQ(s.allocations, 3u);
  EXPECT_EQ(s.reuses, 6u);
  EXPECT_EQ(s.checkins, 9u);
  EXPECT_EQ(s.shrinks, 0u);
  EXPECT_EQ(s.bytes_allocated, 3u * 4096);
  EXPECT_EQ(s.bytes_held, 3u * 4096);
  EXPECT_EQ(s.bytes_peak, 3u * 4096);
  EXPECT_EQ(s.bytes_free, 3u * 4096);
  EXPECT_EQ(s.buffers_free, 3u);
  EXPECT_TRUE(f.log->freed.empty()) << "a checkin frees nothing";
}

TEST(PinnedPool, ShrinkFreesTheLargestFreeBuffersFirstAndNeverOneCheckedOut) {
  PoolFixture f;
  PinnedPool& pool = *f.pool;
  std::vector<RegionBlock> blocks;
  for (const std::size_t bytes : {100, 300, 200, 500}) blocks.push_back(pool.checkout(bytes, "t").block);
  for (std::size_t i = 0; i < 3; ++i) pool.checkin(blocks[i]);  // 500 stays checked out
  std::vector<PinnedPoolEvent> seen;
  pool.set_observer([&seen](const PinnedPoolEvent& e) { seen.push_back(e); });

  EXPECT_EQ(pool.shrink(250), 300u);  // the largest free one covers it
  EXPECT_EQ(pool.shrink(250), 300u);  // then 200 and 100
  EXPECT_EQ(pool.shrink(1), 0u);      // nothing free is left; the checked-out 500 is not touched
  EXPECT_EQ(f.log->freed, (std::vector<std::size_t>{300, 200, 100}));
  const PinnedPoolStats s = pool.stats();
  EXPECT_EQ(s.shrinks, 3u);
  EXPECT_EQ(s.bytes_freed, 600u);
  EXPECT_EQ(s.bytes_held, 500u);
  EXPECT_EQ(s.buffers_free, 0u);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].kind, Kind::kShrink);
  EXPECT_EQ(seen[0].buffers, 1u);
  EXPECT_EQ(seen[1].buffers, 2u);
  EXPECT_EQ(seen[1].bytes, 300u);
  EXPECT_EQ(seen[1].free_buffers, 0u);
  pool.set_observer({});
  pool.checkin(blocks[3]);
}

TEST(PinnedPool, TheReaperFreesFreeBuffersOnceThePoolIsIdle) {
  PoolFixture f(20);  // 20 ms idle
  PinnedPool& pool = *f.pool;
  std::mutex m;
  std::vector<PinnedPoolEvent> seen;
  pool.set_observer([&](const PinnedPoolEvent& e) {
    const std::lock_guard lock(m);
    seen.push_back(e);
  });
  const RegionBlock a = pool.checkout(64, "t").block, b = pool.checkout(128, "t").block;
  pool.checkin(a);
  pool.checkin(b);
  // Liveness only: the reaper must act well within this; how soon is not checked.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (pool.stats().shrinks < 2 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(pool.stats().shrinks, 2u);
  EXPECT_EQ(pool.stats().bytes_held, 0u);
  pool.set_observer({});
  // Usually one shrink frees both; a machine slow enough to let the idle time pass between the two
  // checkins frees them in two.
  const std::lock_guard lock(m);
  std::uint64_t bytes = 0;
  for (const auto& e : seen) {
    EXPECT_EQ(e.kind, Kind::kShrink);
    bytes += e.bytes;
  }
  EXPECT_EQ(bytes, 192u);
  EXPECT_EQ(f.log->freed.size(), 2u);
}

TEST(PinnedPool, WithoutAnIdleTimeNothingIsEverFreedWhileThePoolLives) {
  PoolFixture f;
  f.pool->checkin(f.pool->checkout(64, "t").block);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(f.pool->stats().shrinks, 0u);
  f.pool.reset();  // the destructor frees the free list
  EXPECT_EQ(f.log->freed, (std::vector<std::size_t>{64}));
}

// A partition's a/b/c as HostArrays over the pool: released into the free list, not unmapped.
TEST(PinnedPoolSource, ReleaseIsACheckinAndNeverAnUnmap) {
  PoolFixture f;
  std::vector<PinnedPoolEvent> seen;
  for (int partition = 0; partition < 2; ++partition) {
    PinnedPoolSource source(*f.pool, [&seen](const PinnedPoolEvent& e) { seen.push_back(e); });
    HostArray<Fr> a(1000, "a", &source), b(1000, "b", &source), c(1000, "c", &source);
    a[999] = Fr::from_u64(7);  // the buffer is usable
    a.release();
    b.release();
    c.release();
    const RegionStats s = source.stats();
    EXPECT_EQ(s.acquired, 3u);
    EXPECT_EQ(s.fresh, partition == 0 ? 3u : 0u);
    EXPECT_EQ(s.recycled, partition == 0 ? 0u : 3u);
    EXPECT_EQ(s.released, 3u);
    EXPECT_EQ(s.release_calls, 0u) << "no munmap or madvise";
    EXPECT_EQ(source.name(), "pinned_pool");
  }
  ASSERT_EQ(seen.size(), 12u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const bool checkout = i % 6 < 3;
    EXPECT_EQ(seen[i].kind, checkout ? Kind::kCheckout : Kind::kCheckin) << i;
    if (checkout) {
      EXPECT_EQ(seen[i].reused, i >= 6) << i;
    }
  }
  EXPECT_TRUE(f.log->freed.empty());
  EXPECT_EQ(f.pool->stats().allocations, 3u);
  EXPECT_EQ(f.pool->stats().reuses, 3u);
}

// mmap + mlock: page-aligned, usable memory either way; a refused mlock is said once, with errno's
// name, and is no failure. (As root with CAP_IPC_LOCK the limit does not apply and note() stays empty.)
TEST(LockedMmapAllocator, LockedOrSaysWhyNotAndKeepsGoing) {
  rlimit saved{};
  ASSERT_EQ(::getrlimit(RLIMIT_MEMLOCK, &saved), 0);
  rlimit none = saved;
  none.rlim_cur = 0;
  ASSERT_EQ(::setrlimit(RLIMIT_MEMLOCK, &none), 0);
  LockedMmapAllocator alloc;
  const RegionBlock a = alloc.allocate(3 * 4096 + 1, "pinned a");
  const RegionBlock b = alloc.allocate(4096, "pinned b");
  ASSERT_EQ(::setrlimit(RLIMIT_MEMLOCK, &saved), 0);
  EXPECT_EQ(reinterpret_cast<std::uintptr_t>(a.data) % static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE)), 0u);
  EXPECT_EQ(a.bytes, 4u * static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)));
  std::memset(a.data, 0x5a, a.bytes);
  const std::string note = alloc.note();
  if (!note.empty()) {
    EXPECT_NE(note.find("mlock of"), std::string::npos) << note;
    EXPECT_NE(note.find("pinned a"), std::string::npos) << "the first refusal is the one kept: " << note;
    EXPECT_NE(note.find("RLIMIT_MEMLOCK"), std::string::npos) << note;
    EXPECT_TRUE(note.find("EPERM") != std::string::npos || note.find("ENOMEM") != std::string::npos ||
                note.find("EAGAIN") != std::string::npos)
        << note;
  }
  alloc.free(a);
  alloc.free(b);
  EXPECT_EQ(alloc.name(), "mmap+mlock");
}

}  // namespace
}  // namespace zkc::workloads
