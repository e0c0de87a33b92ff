// Release cost of the memory.release methods (issue 7): free N MiB in chunks of K MiB, through the
// method's RegionSource, while T sibling threads of this process keep other CPUs busy in its address
// space. A sibling's CPU holds this mm's TLB entries, so munmap / MADV_DONTNEED / MADV_FREE must send
// it a shootdown IPI; reuse sends none.
//
// Per iteration the chunks are acquired and every page touched with the clock paused; only the
// release calls are timed. Counters:
//   us_per_call         release time / release() calls, over all iterations
//   shootdowns_per_GiB  the /proc/interrupts TLB row (summed over CPUs, machine-wide) across the
//                       release calls, per GiB released; NaN when the row is unavailable
//
// Arguments: method (0 munmap, 1 madv_dontneed, 2 madv_free, 3 reuse), N MiB, K MiB, T siblings
// (0 .. hardware_concurrency() - 1). A fixed, small iteration count keeps a full run short; one
// unmeasured round first puts every method in its steady state (free lists filled, pages mapped).
#include <benchmark/benchmark.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "harness/engine/stage_counters.hpp"
#include "workloads/memory/memory_options.hpp"
#include "workloads/memory/region_source.hpp"

namespace {

using zkc::workloads::MmapSource;
using zkc::workloads::RecyclingSource;
using zkc::workloads::RegionBlock;
using zkc::workloads::RegionSource;
using zkc::workloads::ReleaseMethod;

constexpr std::size_t kMiB = std::size_t{1} << 20;
constexpr ReleaseMethod kMethods[] = {ReleaseMethod::kMunmap, ReleaseMethod::kMadvDontneed, ReleaseMethod::kMadvFree,
                                      ReleaseMethod::kReuse};
constexpr std::int64_t kTotalMiB = 256;
constexpr std::int64_t kChunkMiB[] = {1, 16, 64};
constexpr benchmark::IterationCount kIterations = 3;

std::size_t page_bytes() { return static_cast<std::size_t>(::sysconf(_SC_PAGESIZE)); }

std::unique_ptr<RegionSource> make_source(ReleaseMethod method) {
  if (method == ReleaseMethod::kMunmap) return std::make_unique<MmapSource>();
  return std::make_unique<RecyclingSource>(method);
}

// One write per page: every page resident (or re-dirtied) and in this CPU's TLB.
void touch(const RegionBlock& b) {
  auto* p = static_cast<volatile unsigned char*>(b.data);
  const std::size_t page = page_bytes();
  for (std::size_t off = 0; off < b.bytes; off += page) p[off] = static_cast<unsigned char>(off);
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
    }
  }
  return cpus;
}

void pin(pthread_t thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  ::pthread_setaffinity_np(thread, sizeof(set), &set);  // best effort: a refused pin still measures
}

// Pins the calling thread to the first allowed CPU for the benchmark and restores its mask after,
// so "other CPUs" for the siblings are well defined.
class MainPin {
 public:
  explicit MainPin(const std::vector<int>& cpus) {
    CPU_ZERO(&saved_);
    saved_ok_ = ::pthread_getaffinity_np(::pthread_self(), sizeof(saved_), &saved_) == 0;
    if (!cpus.empty()) pin(::pthread_self(), cpus.front());
  }
  ~MainPin() {
    if (saved_ok_) ::pthread_setaffinity_np(::pthread_self(), sizeof(saved_), &saved_);
  }
  MainPin(const MainPin&) = delete;
  MainPin& operator=(const MainPin&) = delete;

 private:
  cpu_set_t saved_;
  bool saved_ok_ = false;
};

// T threads of this process, each on its own CPU other than the timing thread's (wrapping when there
// are fewer), writing their own 1 MiB page by page until stopped: running in this mm, never idle.
class Siblings {
 public:
  Siblings(unsigned count, const std::vector<int>& cpus) {
    for (unsigned i = 0; i < count; ++i) {
      threads_.emplace_back([this] {
        std::vector<unsigned char> own(kMiB);
        const std::size_t page = page_bytes();
        unsigned char v = 0;
        while (!stop_.load(std::memory_order_relaxed)) {
          for (std::size_t off = 0; off < own.size(); off += page) own[off] = ++v;
          benchmark::DoNotOptimize(own.data());
        }
      });
      if (cpus.size() > 1) pin(threads_.back().native_handle(), cpus[1 + i % (cpus.size() - 1)]);
    }
  }
  ~Siblings() {
    stop_.store(true, std::memory_order_relaxed);
    for (auto& t : threads_) t.join();
  }
  Siblings(const Siblings&) = delete;
  Siblings& operator=(const Siblings&) = delete;

 private:
  std::atomic<bool> stop_{false};
  std::vector<std::thread> threads_;
};

void BM_Release(benchmark::State& state) {
  const ReleaseMethod method = kMethods[state.range(0)];
  const std::size_t total = static_cast<std::size_t>(state.range(1)) * kMiB;
  const std::size_t chunk = static_cast<std::size_t>(state.range(2)) * kMiB;
  const auto sibling_count = static_cast<unsigned>(state.range(3));
  const std::vector<int> cpus = allowed_cpus();
  const zkc::harness::InterruptsTlbReader tlb;

  auto source = make_source(method);
  std::vector<RegionBlock> blocks(total / chunk);
  const MainPin main_pin(cpus);
  const Siblings siblings(sibling_count, cpus);

  // Unmeasured round: free lists filled, so every timed round sees the method's steady state.
  for (auto& b : blocks) touch(b = source->acquire(chunk, "release bench chunk"));
  for (const auto& b : blocks) source->release(b, "release bench chunk");

  double release_ns = 0;
  std::uint64_t calls = 0, ipis = 0;
  bool tlb_ok = true;
  for (auto _ : state) {
    state.PauseTiming();
    for (auto& b : blocks) touch(b = source->acquire(chunk, "release bench chunk"));
    const auto ipis_before = tlb.read();
    state.ResumeTiming();
    const auto t0 = std::chrono::steady_clock::now();
    for (const auto& b : blocks) source->release(b, "release bench chunk");
    const auto t1 = std::chrono::steady_clock::now();
    state.PauseTiming();
    const auto ipis_after = tlb.read();
    release_ns += std::chrono::duration<double, std::nano>(t1 - t0).count();
    calls += blocks.size();
    if (ipis_before && ipis_after && *ipis_after >= *ipis_before) {
      ipis += *ipis_after - *ipis_before;
    } else {
      tlb_ok = false;
    }
    state.ResumeTiming();
  }

  const double gib = static_cast<double>(state.iterations()) * static_cast<double>(total) / static_cast<double>(std::size_t{1} << 30);
  state.counters["us_per_call"] = calls == 0 ? 0.0 : release_ns / 1e3 / static_cast<double>(calls);
  if (tlb_ok) {
    state.counters["shootdowns_per_GiB"] = static_cast<double>(ipis) / gib;
    state.SetLabel(std::string(zkc::workloads::to_string(method)));
  } else {
    state.counters["shootdowns_per_GiB"] = std::numeric_limits<double>::quiet_NaN();
    state.SetLabel(std::string(zkc::workloads::to_string(method)) + ": no /proc/interrupts TLB row");
  }
}

void release_args(benchmark::internal::Benchmark* b) {
  const unsigned cpus = std::max(1u, std::thread::hardware_concurrency());
  for (std::int64_t m = 0; m < static_cast<std::int64_t>(std::size(kMethods)); ++m) {
    for (const std::int64_t k : kChunkMiB) {
      for (std::int64_t t = 0; t < static_cast<std::int64_t>(cpus); ++t) b->Args({m, kTotalMiB, k, t});
    }
  }
}

BENCHMARK(BM_Release)
    ->ArgNames({"method", "MiB", "chunk_MiB", "siblings"})
    ->Apply(release_args)
    ->Iterations(kIterations)
    ->Unit(benchmark::kMillisecond);

}  // namespace
