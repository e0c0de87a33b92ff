// Where large buffers come from and what releasing them does: the arena slot pool (leases, waiting,
// page recycling), the release methods measured by the kernel's own accounting (VmRSS, LazyFree),
// the recycling free lists and their counts, HostArray over a source, page advice, and that every
// pipeline stage's output is independent of the stale bytes a recycled buffer starts with.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <future>
#include <memory>
#include <span>
#include <stdexcept>
#include <utility>
#include <vector>

#include "kernels/curve/g1.hpp"
#include "kernels/curve/g2.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "tests/support/proc_memory.hpp"
#include "workloads/memory/arena_slots.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/memory/page_advice.hpp"
#include "workloads/memory/region_source.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/prover/prep_msm.hpp"
#include "workloads/prover/split_vectors.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/srs/pinned_srs.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc::workloads {
namespace {

using namespace std::chrono_literals;
using test_support::lazy_free_kib;
using test_support::vm_rss_kib;
using test_support::vma_of;

std::size_t page() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }
std::uintptr_t addr(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr std::size_t kBlock = 64 * kMiB;             // touched entirely by the RSS tests ...
constexpr std::uint64_t kMarginKib = 48 * 1024;       // ... whose drops are asserted with this margin
constexpr std::uint64_t kNoiseKib = 4 * 1024;         // what "RSS stays" tolerates

bool all_equal(const void* p, std::size_t n, unsigned char value) {
  const auto* b = static_cast<const unsigned char*>(p);
  return std::all_of(b, b + n, [value](unsigned char x) { return x == value; });
}

ArenaOptions slot_options(std::size_t slab = 4 * kMiB) {
  ArenaOptions o;
  o.slab_bytes = slab;
  o.max_threads = 2;
  o.binding = SlabBinding::kPhase;  // the engine's binding
  return o;
}

// ---- ArenaSlotPool ----

TEST(ArenaSlotPool, ALeaseBeginsTheSlotsPhaseAndItsDestructionReturnsTheSlot) {
  ArenaSlotPool pool(2, slot_options());
  EXPECT_EQ(pool.free_slots(), 2u);
  bool waited = true;
  auto first = pool.acquire(&waited);
  ASSERT_NE(first, nullptr);
  EXPECT_FALSE(waited);
  EXPECT_EQ(first->slot(), 0u) << "slot 0 is handed out first";
  EXPECT_TRUE(pool.arena(0).phase_active());
  EXPECT_FALSE(pool.arena(1).phase_active());
  EXPECT_EQ(pool.free_slots(), 1u);
  auto second = pool.acquire();
  EXPECT_EQ(second->slot(), 1u);
  EXPECT_EQ(pool.free_slots(), 0u);
  first.reset();
  EXPECT_FALSE(pool.arena(0).phase_active()) << "the lease's end ends the phase";
  EXPECT_EQ(pool.free_slots(), 1u);
  second.reset();
  EXPECT_EQ(pool.free_slots(), 2u);
  EXPECT_EQ(pool.stats().leases, 2u);
  EXPECT_EQ(pool.stats().waits, 0u);
  EXPECT_EQ(pool.stats().slots, 2u);
}

TEST(ArenaSlotPool, AcquireWaitsForAFreeSlot) {
  ArenaSlotPool pool(1, slot_options());
  auto held = pool.acquire();
  auto waiter = std::async(std::launch::async, [&pool] {
    bool waited = false;
    auto lease = pool.acquire(&waited);
    return std::make_pair(std::move(lease), waited);
  });
  // The only timing in these tests: the waiter must still be blocked while the slot is held.
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);
  held.reset();
  auto [lease, waited] = waiter.get();
  ASSERT_NE(lease, nullptr);
  EXPECT_TRUE(waited);
  EXPECT_EQ(lease->slot(), 0u);
  EXPECT_EQ(pool.stats().waits, 1u);
  EXPECT_EQ(pool.stats().leases, 2u);
}

TEST(ArenaSlotPool, CancelWakesAWaiterWithNullptr) {
  ArenaSlotPool pool(1, slot_options());
  auto held = pool.acquire();
  auto waiter = std::async(std::launch::async, [&pool] { return pool.acquire(); });
  EXPECT_EQ(waiter.wait_for(100ms), std::future_status::timeout);
  pool.cancel();
  EXPECT_EQ(waiter.get(), nullptr);
  held.reset();
  EXPECT_EQ(pool.acquire(), nullptr) << "after cancel() even a free slot is not handed out";
}

TEST(ArenaSlotPool, LeaseBlocksArePageAlignedAndComeFromTheSlotsArena) {
  ArenaOptions o = slot_options();
  o.min_arena_bytes = 64 * 1024;
  ArenaSlotPool pool(1, o);
  auto lease = pool.acquire();
  const RegionBlock big = lease->acquire(100'000, "big");
  EXPECT_EQ(addr(big.data) % page(), 0u);
  EXPECT_EQ(big.bytes, (100'000 + page() - 1) / page() * page());
  EXPECT_FALSE(big.zero_filled) << "arena pages hold earlier partitions' bytes";
  EXPECT_TRUE(pool.arena(lease->slot()).contains(big.data));
  const RegionBlock next = lease->acquire(5000, "page-rounded but below min_arena_bytes");
  EXPECT_EQ(next.bytes, 2 * page());
  EXPECT_EQ(addr(next.data) % page(), 0u);
  EXPECT_FALSE(pool.arena(lease->slot()).contains(next.data)) << "routed to the system allocator";
  EXPECT_EQ(pool.stats().arena_blocks, 1u);
  EXPECT_EQ(pool.stats().system_blocks, 1u);
  lease->release(next, "small");
  lease->release(big, "big");
  EXPECT_EQ(pool.stats().released, 2u);
  EXPECT_EQ(pool.stats().bytes_released, big.bytes + next.bytes);
  const RegionStats r = lease->stats();
  EXPECT_EQ(r.recycled, 1u);
  EXPECT_EQ(r.fresh, 1u);
  EXPECT_EQ(r.acquired, 2u);
}

TEST(ArenaSlotPool, ReleasedArenaPagesStayForTheSlotsNextLease) {
  ArenaSlotPool pool(1, slot_options(2 * kBlock));
  void* first = nullptr;
  std::uint64_t touched_kib = 0;
  {
    auto lease = pool.acquire();
    const RegionBlock b = lease->acquire(kBlock, "partition 1");
    std::memset(b.data, 0x5C, kBlock);
    first = b.data;
    touched_kib = vm_rss_kib();
    lease->release(b, "partition 1");
  }
  EXPECT_GE(vm_rss_kib() + kNoiseKib, touched_kib) << "no munmap, no madvise: the pages stay";
  auto lease = pool.acquire();
  const RegionBlock again = lease->acquire(kBlock, "partition 2");
  EXPECT_EQ(again.data, first) << "the next lease of the slot bumps over the same pages";
  EXPECT_TRUE(all_equal(again.data, kBlock, 0x5C)) << "and gets the same (resident, stale) bytes";
}

TEST(ArenaSlotPool, ZeroSlotsThrows) { EXPECT_THROW(ArenaSlotPool(0, slot_options()), std::invalid_argument); }

// ---- release methods, as the kernel counts them ----

TEST(ReleaseMethods, MunmapDropsRss) {
  MmapSource source;
  const RegionBlock b = source.acquire(kBlock, "munmap block");
  std::memset(b.data, 0xA5, b.bytes);
  const std::uint64_t before = vm_rss_kib();
  source.release(b, "munmap block");
  EXPECT_GE(before - std::min(before, vm_rss_kib()), kMarginKib);
  EXPECT_EQ(source.stats().release_calls, 1u);
}

TEST(ReleaseMethods, MadvDontneedDropsRssAndRecyclesZeroFilledPages) {
  RecyclingSource source(ReleaseMethod::kMadvDontneed);
  const RegionBlock b = source.acquire(kBlock, "dontneed block");
  std::memset(b.data, 0xA5, b.bytes);
  const std::uint64_t before = vm_rss_kib();
  source.release(b, "dontneed block");
  EXPECT_GE(before - std::min(before, vm_rss_kib()), kMarginKib);
  const RegionBlock again = source.acquire(kBlock, "dontneed block");
  EXPECT_EQ(again.data, b.data);
  EXPECT_TRUE(again.zero_filled);
  EXPECT_TRUE(all_equal(again.data, again.bytes, 0)) << "MADV_DONTNEED'd anonymous pages read back as zeros";
  source.release(again, "dontneed block");
}

TEST(ReleaseMethods, MadvFreeMarksPagesLazyFreeAndRecyclesThemUnzeroed) {
  if (!lazy_free_kib().has_value()) GTEST_SKIP() << "/proc/self/smaps_rollup has no LazyFree line";
  RecyclingSource source(ReleaseMethod::kMadvFree);
  const RegionBlock b = source.acquire(kBlock, "free block");
  std::memset(b.data, 0xA5, b.bytes);
  const std::uint64_t before = *lazy_free_kib();
  source.release(b, "free block");
  const std::uint64_t after = lazy_free_kib().value_or(0);
  EXPECT_GE(after - std::min(after, before), kMarginKib) << "the pages wait for reclaim, not gone";
  const RegionBlock again = source.acquire(kBlock, "free block");
  EXPECT_EQ(again.data, b.data);
  EXPECT_FALSE(again.zero_filled) << "until reclaim runs the old bytes may still be there";
  source.release(again, "free block");
}

TEST(ReleaseMethods, ReuseKeepsThePagesAndTheBytes) {
  RecyclingSource source(ReleaseMethod::kReuse);
  const RegionBlock b = source.acquire(kBlock, "reuse block");
  std::memset(b.data, 0x3C, b.bytes);
  const std::uint64_t before = vm_rss_kib();
  source.release(b, "reuse block");
  EXPECT_GE(vm_rss_kib() + kNoiseKib, before) << "RSS must not drop";
  const RegionBlock again = source.acquire(kBlock, "reuse block");
  EXPECT_EQ(again.data, b.data);
  EXPECT_FALSE(again.zero_filled);
  EXPECT_TRUE(all_equal(again.data, again.bytes, 0x3C)) << "the old bytes are still there";
  EXPECT_EQ(source.stats().release_calls, 0u) << "reuse makes no system call";
  source.release(again, "reuse block");
}

// ---- RecyclingSource's free lists ----

TEST(RecyclingSource, DifferentSizesNeverShareAFreeList) {
  RecyclingSource source(ReleaseMethod::kReuse);
  const RegionBlock two_pages = source.acquire(2 * page(), "two pages");
  source.release(two_pages, "two pages");
  const RegionBlock one_page = source.acquire(page(), "one page");
  EXPECT_NE(one_page.data, two_pages.data);
  const RegionBlock three_pages = source.acquire(3 * page(), "three pages");
  EXPECT_NE(three_pages.data, two_pages.data);
  EXPECT_EQ(source.stats().recycled, 0u);
  // Sizes are page-rounded first: any request of two pages' worth takes the cached block.
  const RegionBlock rounded = source.acquire(page() + 1, "two pages, rounded");
  EXPECT_EQ(rounded.data, two_pages.data);
  EXPECT_EQ(rounded.bytes, 2 * page());
  EXPECT_EQ(source.stats().recycled, 1u);
  source.release(one_page, "one page");
  source.release(three_pages, "three pages");
  source.release(rounded, "two pages");
}

TEST(RecyclingSource, StatsCountExactly) {
  RecyclingSource source(ReleaseMethod::kMadvDontneed);
  const std::size_t p = page();
  const RegionBlock a = source.acquire(p, "a");
  const RegionBlock b = source.acquire(3 * p, "b");
  const RegionBlock c = source.acquire(3 * p - 100, "c");
  source.release(a, "a");
  source.release(b, "b");
  RegionStats s = source.stats();
  EXPECT_EQ(s.acquired, 3u);
  EXPECT_EQ(s.fresh, 3u);
  EXPECT_EQ(s.recycled, 0u);
  EXPECT_EQ(s.released, 2u);
  EXPECT_EQ(s.release_calls, 2u);
  EXPECT_EQ(s.bytes_released, 4 * p);
  EXPECT_EQ(s.bytes_cached, 4 * p);
  const RegionBlock b2 = source.acquire(3 * p, "b again");
  source.release(c, "c");
  s = source.stats();
  EXPECT_EQ(s.acquired, 4u);
  EXPECT_EQ(s.fresh, 3u);
  EXPECT_EQ(s.recycled, 1u);
  EXPECT_EQ(s.released, 3u);
  EXPECT_EQ(s.release_calls, 3u);
  EXPECT_EQ(s.bytes_released, 7 * p);
  EXPECT_EQ(s.bytes_cached, 4 * p) << "a and c are cached; b2 is out";
  source.release(b2, "b again");
  EXPECT_EQ(source.stats().bytes_cached, 7 * p);
}

TEST(RecyclingSource, MunmapIsNotARecyclingMethod) {
  EXPECT_THROW(RecyclingSource{ReleaseMethod::kMunmap}, std::invalid_argument);
}

TEST(HostArraySource, ReturnsItsBlockOnReleaseAndOnDestruction) {
  RecyclingSource source(ReleaseMethod::kReuse);
  void* first = nullptr;
  {
    HostArray<std::uint64_t> a(1000, "released", &source);
    EXPECT_TRUE(a.region().zero_filled());
    first = a.data();
    a.release();
    EXPECT_EQ(source.stats().released, 1u);
  }
  EXPECT_EQ(source.stats().released, 1u) << "released once, not again by the destructor";
  {
    HostArray<std::uint64_t> b(1000, "destroyed", &source);
    EXPECT_EQ(b.data(), first);
    EXPECT_FALSE(b.region().zero_filled());
  }
  EXPECT_EQ(source.stats().released, 2u);
  EXPECT_EQ(source.stats().bytes_cached, 2 * page());
}

// ---- page advice ----

TEST(PageAdvice, InnerPagesRoundInward) {
  const RegionBlock m = map_region(4 * page(), "inner pages");
  auto* base = static_cast<std::byte*>(m.data);
  PageRange r = inner_pages(base + 1, 3 * page());
  EXPECT_EQ(r.data, base + page());
  EXPECT_EQ(r.bytes, 2 * page());
  r = inner_pages(base, 3 * page());
  EXPECT_EQ(r.data, base);
  EXPECT_EQ(r.bytes, 3 * page());
  r = inner_pages(base + 1, 3 * page() - 2);
  EXPECT_EQ(r.data, base + page());
  EXPECT_EQ(r.bytes, page());
  EXPECT_EQ(inner_pages(base + 1, page()).bytes, 0u);
  EXPECT_EQ(inner_pages(nullptr, page()).bytes, 0u);
  unmap_region(m.data, m.bytes, "inner pages");
}

TEST(PageAdvice, ABufferWithoutAWholePageIsANoOp) {
  const RegionBlock m = map_region(2 * page(), "no whole page");
  auto* base = static_cast<std::byte*>(m.data);
  // Straddles the page boundary without covering either page: madvise would need rounding outward.
  EXPECT_EQ(advise_thp(base + 100, page(), ThpAdvice::kAlways), "");
  EXPECT_EQ(advise_thp(base + 100, page(), ThpAdvice::kNever), "");
  const auto vma = vma_of(base);
  ASSERT_TRUE(vma.has_value());
  EXPECT_FALSE(vma->flags.contains("hg"));
  EXPECT_FALSE(vma->flags.contains("nh"));
  unmap_region(m.data, m.bytes, "no whole page");
}

// ---- stage outputs never depend on stale bytes ----

struct StageOutputs {
  std::vector<Fr> aux, a, b, c;
  std::vector<std::uint64_t> a_density, b_density, one_bits, tail_bits;
  std::size_t a_tail_count = 0, b_tail_count = 0;
  std::vector<Scalar256> a_tail_scalars, b_tail_scalars;
  std::vector<G1Affine> a_tail_bases, b_g1_tail_bases;
  std::vector<G2Affine> b_g2_tail_bases;
};

template <class T>
std::vector<T> head(const HostArray<T>& array, std::size_t n) {
  return {array.data(), array.data() + n};
}

class StaleBytes : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    shape_ = new PartitionShape(scale_shape(FullScaleShape{}, 1e-4));
    pce_ = new SharedPce(build_shared_pce(*shape_, PceParams{}, nullptr));
    srs_ = new PinnedSrs(PinnedSrs::build(*shape_, 21, nullptr));
  }
  static void TearDownTestSuite() {
    delete srs_;
    delete pce_;
    delete shape_;
  }

  // Every per-partition buffer of the synthesis and prep stages, from `source` (nullptr: fresh maps).
  struct Buffers {
    HostArray<Fr> inputs, aux, unified, a, b, c;
    HostArray<std::uint64_t> a_density, b_density;
    SplitVectors split;
    Buffers(const PartitionShape& s, RegionSource* source)
        : inputs(s.inputs, "inputs", source), aux(s.aux, "aux", source),
          unified(s.witness_len(), "unified", source), a(s.constraints, "a", source),
          b(s.constraints, "b", source), c(s.constraints, "c", source),
          a_density(density_words(s.aux), "a_density", source),
          b_density(density_words(s.aux), "b_density", source), split(allocate_split_vectors(s, source)) {}
    std::vector<const HostRegion*> regions() const {
      return {&inputs.region(), &aux.region(), &unified.region(), &a.region(), &b.region(), &c.region(),
              &a_density.region(), &b_density.region(), &split.one_bits.region(), &split.tail_bits.region(),
              &split.a_tail_scalars.region(), &split.a_tail_bases.region(), &split.b_tail_scalars.region(),
              &split.b_g1_tail_bases.region(), &split.b_g2_tail_bases.region()};
    }
  };

  StageOutputs run_stages(RegionSource* source) {
    Buffers buf(*shape_, source);
    if (source != nullptr) {
      // The point of the test: every buffer really starts with the garbage left in it.
      for (const HostRegion* r : buf.regions()) {
        EXPECT_FALSE(r->zero_filled()) << r->what();
        EXPECT_TRUE(all_equal(r->data(), r->mapped_bytes(), 0xA5)) << r->what();
      }
    }
    generate_witness(WitnessParams{}, 7, buf.inputs.span(), buf.aux.span());
    unify_witness(buf.inputs.span(), buf.aux.span(), buf.unified.span());
    evaluate_products(*pce_, buf.unified.span(), buf.a.span(), buf.b.span(), buf.c.span(), pool_, ThrottleCheck{});
    build_density(*shape_, buf.a_density.span(), buf.b_density.span());
    prep_msm(*shape_, *srs_, buf.aux.span(), buf.a_density.span(), buf.b_density.span(), buf.split);
    const SplitVectors& v = buf.split;
    StageOutputs out;
    out.aux = head(buf.aux, buf.aux.size());
    out.a = head(buf.a, buf.a.size());
    out.b = head(buf.b, buf.b.size());
    out.c = head(buf.c, buf.c.size());
    out.a_density = head(buf.a_density, buf.a_density.size());
    out.b_density = head(buf.b_density, buf.b_density.size());
    out.one_bits = head(v.one_bits, v.one_bits.size());
    out.tail_bits = head(v.tail_bits, v.tail_bits.size());
    out.a_tail_count = v.a_tail_count;
    out.b_tail_count = v.b_tail_count;
    out.a_tail_scalars = head(v.a_tail_scalars, v.a_tail_count);
    out.a_tail_bases = head(v.a_tail_bases, v.a_tail_count);
    out.b_tail_scalars = head(v.b_tail_scalars, v.b_tail_count);
    out.b_g1_tail_bases = head(v.b_g1_tail_bases, v.b_tail_count);
    out.b_g2_tail_bases = head(v.b_g2_tail_bases, v.b_tail_count);
    return out;
  }

  static PartitionShape* shape_;
  static SharedPce* pce_;
  static PinnedSrs* srs_;
  ThreadPool pool_{"stale-bytes", 2};
};
PartitionShape* StaleBytes::shape_ = nullptr;
SharedPce* StaleBytes::pce_ = nullptr;
PinnedSrs* StaleBytes::srs_ = nullptr;

TEST_F(StaleBytes, StageOutputsAreIdenticalInFreshAndGarbageFilledBuffers) {
  const StageOutputs fresh = run_stages(nullptr);
  RecyclingSource dirty(ReleaseMethod::kReuse);
  std::size_t buffers = 0;
  {
    // The same buffers once, filled with garbage and given back: the run below recycles every one.
    const Buffers garbage(*shape_, &dirty);
    for (const HostRegion* r : garbage.regions()) std::memset(r->data(), 0xA5, r->mapped_bytes());
    buffers = garbage.regions().size();
  }
  ASSERT_EQ(dirty.stats().released, buffers);
  const StageOutputs recycled = run_stages(&dirty);
  ASSERT_EQ(dirty.stats().recycled, buffers) << "every buffer of the second run was a dirty one";
  ASSERT_GT(fresh.a_tail_count, 0u);
  ASSERT_GT(fresh.b_tail_count, 0u);
  EXPECT_TRUE(recycled.aux == fresh.aux);
  EXPECT_TRUE(recycled.a == fresh.a);
  EXPECT_TRUE(recycled.b == fresh.b);
  EXPECT_TRUE(recycled.c == fresh.c);
  EXPECT_EQ(recycled.a_density, fresh.a_density);
  EXPECT_EQ(recycled.b_density, fresh.b_density);
  EXPECT_EQ(recycled.one_bits, fresh.one_bits);
  EXPECT_EQ(recycled.tail_bits, fresh.tail_bits);
  EXPECT_EQ(recycled.a_tail_count, fresh.a_tail_count);
  EXPECT_EQ(recycled.b_tail_count, fresh.b_tail_count);
  EXPECT_TRUE(recycled.a_tail_scalars == fresh.a_tail_scalars);
  EXPECT_TRUE(recycled.b_tail_scalars == fresh.b_tail_scalars);
  EXPECT_TRUE(recycled.a_tail_bases == fresh.a_tail_bases);
  EXPECT_TRUE(recycled.b_g1_tail_bases == fresh.b_g1_tail_bases);
  EXPECT_TRUE(recycled.b_g2_tail_bases == fresh.b_g2_tail_bases);
}

}  // namespace
}  // namespace zkc::workloads
