// The probes behind model.machine.* = 0: this machine's cores and L3 (hwloc), its DRAM copy bandwidth
// (a streaming memcpy on every hardware thread, ~0.3 s) and its TLB shootdown cost (an munmap loop with
// and without a thread of the process spinning on another CPU, ~0.3 s; bytes per shootdown from the
// TLB row of /proc/interrupts).
#include <pthread.h>
#include <sched.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <chrono>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "harness/counters/proc_interrupts.hpp"
#include "harness/topology/topology.hpp"
#include "harness/vtime/machine_params.hpp"

namespace zkc::harness::vtime {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::size_t kMiB = std::size_t{1} << 20;
// Assumed where this machine cannot show it: Linux's mmu_gather frees about 10k 4 KiB pages per TLB
// flush (~40 MiB), which matches the seed's "thousands of TLB shootdowns" for ~167 GiB freed a partition.
constexpr double kAssumedBytesPerShootdown = 40.0 * kMiB;
// Assumed with a single CPU (no IPI to time): a shootdown IPI's round trip on x86 is ~1-3 us.
constexpr double kAssumedShootdownUs = 2.0;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// Memory of `bytes` (anonymous, private), or nullptr.
struct Mapping {
  explicit Mapping(std::size_t n) : bytes(n) {
    void* p = ::mmap(nullptr, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    data = p == MAP_FAILED ? nullptr : static_cast<unsigned char*>(p);
  }
  ~Mapping() {
    if (data != nullptr) ::munmap(data, bytes);
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  std::size_t bytes;
  unsigned char* data;
};

// Every thread copies its own half-slice into the other half, as often as ~0.3 s allows; bytes moved
// count the read and the write. The best of the rounds (all threads started together) is kept.
std::optional<double> copy_bandwidth_gbps(unsigned threads, std::size_t total) {
  const std::size_t half = std::max<std::size_t>(total / threads / 2 / 4096 * 4096, 4096);
  Mapping mem(2 * half * threads);
  if (mem.data == nullptr) return std::nullopt;
  constexpr int kRounds = 4;
  std::barrier sync(static_cast<std::ptrdiff_t>(threads));
  std::vector<std::thread> pool;
  std::vector<double> slowest(kRounds, 0);
  std::mutex m;
  for (unsigned t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      unsigned char* src = mem.data + 2 * half * t;
      std::memset(src, int(t + 1), 2 * half);  // first touch by its own thread
      for (int r = 0; r < kRounds; ++r) {
        sync.arrive_and_wait();
        const auto t0 = Clock::now();
        std::memcpy(src + half, src, half);
        std::memcpy(src, src + half, half);
        const double s = seconds_since(t0);
        const std::lock_guard lock(m);
        slowest[static_cast<std::size_t>(r)] = std::max(slowest[static_cast<std::size_t>(r)], s);
      }
    });
  }
  for (auto& th : pool) th.join();
  const double best = *std::min_element(slowest.begin(), slowest.end());
  if (best <= 0) return std::nullopt;
  return 4.0 * double(half) * threads / best / 1e9;
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(static_cast<unsigned>(c), &set)) out.push_back(c);
  return out;
}

bool pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
}

// Seconds per mmap + touch + munmap of `bytes`, the best of `rounds` rounds of `n`.
double munmap_round_s(std::size_t bytes, int rounds, int n) {
  double best = 1e9;
  for (int r = 0; r < rounds; ++r) {
    const auto t0 = Clock::now();
    for (int i = 0; i < n; ++i) {
      Mapping m(bytes);
      if (m.data == nullptr) return -1;
      for (std::size_t off = 0; off < bytes; off += 4096) m.data[off] = 1;
    }
    best = std::min(best, seconds_since(t0) / n);
  }
  return best;
}

// The TLB IPIs `cpu` received while `work` ran, or nullopt when /proc/interrupts has no TLB row.
template <class F>
std::optional<std::uint64_t> tlb_ipis_on(int cpu, F&& work) {
  const auto read = [&]() -> std::optional<std::uint64_t> {
    try {
      const auto table = counters::read_proc_interrupts();
      const auto row = counters::tlb_shootdowns_per_cpu(table);
      if (!row) return std::nullopt;
      for (std::size_t i = 0; i < table.cpus.size() && i < row->size(); ++i)
        if (table.cpus[i] == cpu) return (*row)[i];
    } catch (const std::exception&) {
    }
    return std::nullopt;
  };
  const auto before = read();
  work();
  const auto after = read();
  if (!before || !after) return std::nullopt;
  return *after - *before;
}

// shootdown_us and bytes_per_shootdown: with a thread spinning on a second CPU, every munmap must
// invalidate that CPU's TLB by IPI; the extra time per munmap over the same loop without it is one
// shootdown's round trip (the stall the receiving CPU takes is within it).
void probe_shootdowns(MachineParams& m) {
  const std::vector<int> cpus = allowed_cpus();
  if (cpus.size() < 2) {
    m.shootdown_us = {kAssumedShootdownUs, "assumed: 2 us (one CPU allowed here: no IPI to time)"};
    m.bytes_per_shootdown = {kAssumedBytesPerShootdown, "assumed: 40 MiB (one CPU allowed here)"};
    return;
  }
  cpu_set_t original;
  const bool restore = pthread_getaffinity_np(pthread_self(), sizeof original, &original) == 0;
  pin(cpus[0]);
  constexpr std::size_t kRegion = kMiB;
  const double alone = munmap_round_s(kRegion, 5, 40);
  std::atomic<bool> stop{false}, ready{false};
  std::thread spinner([&] {
    pin(cpus[1]);
    ready.store(true);
    while (!stop.load(std::memory_order_relaxed)) {
#if defined(__x86_64__) || defined(__i386__)
      __builtin_ia32_pause();
#endif
    }
  });
  while (!ready.load()) std::this_thread::yield();
  const double beside = munmap_round_s(kRegion, 5, 40);
  constexpr std::size_t kBig = 64 * kMiB;
  const auto ipis = tlb_ipis_on(cpus[1], [&] { munmap_round_s(kBig, 1, 4); });
  stop.store(true);
  spinner.join();
  if (restore) pthread_setaffinity_np(pthread_self(), sizeof original, &original);
  const double us = (beside - alone) * 1e6;
  m.shootdown_us = {std::max(us, 0.1),
                    fmt::format("measured: 1 MiB mmap+touch+munmap {:.1f} us with a thread spinning on CPU {} against "
                                "{:.1f} us without{}",
                                beside * 1e6, cpus[1], alone * 1e6, us < 0.1 ? " (floor 0.1 us)" : "")};
  if (ipis && *ipis > 0) {
    m.bytes_per_shootdown = {4.0 * double(kBig) / double(*ipis),
                             fmt::format("measured: 4 x 64 MiB unmapped, {} TLB IPIs on CPU {} (/proc/interrupts)",
                                         *ipis, cpus[1])};
  } else {
    m.bytes_per_shootdown = {kAssumedBytesPerShootdown,
                             fmt::format("assumed: 40 MiB, Linux's mmu_gather batch ({})",
                                         ipis ? "no TLB IPIs counted here: flushed without IPIs (a VM's "
                                                "paravirtual flush, or INVLPGB)"
                                              : "no TLB row in /proc/interrupts")};
  }
}

}  // namespace

MachineParams probe_this_machine() {
  MachineParams m;
  const auto topo = topology::Topology::load({});
  const topology::TopologyInfo& info = topo.info();
  m.cores = {double(std::max(1u, info.pus)), fmt::format("measured: hwloc, {} PUs on {} cores", info.pus, info.cores)};
  const std::uint64_t l3 = info.l3.empty() ? 0 : info.l3.front().size_bytes;
  const long sys_l3 = sysconf(_SC_LEVEL3_CACHE_SIZE);
  const double l3_bytes = l3 > 0 ? double(l3) : sys_l3 > 0 ? double(sys_l3) : 0.0;
  m.l3_bytes = {l3_bytes, l3 > 0 ? "measured: hwloc L3 size"
                          : sys_l3 > 0 ? "measured: sysconf(_SC_LEVEL3_CACHE_SIZE) (hwloc shows no L3)"
                                       : "measured: no L3 (the L3 mechanism then has no effect)"};
  m.l3_domains = {double(std::max<std::size_t>(1, info.l3.size())),
                  fmt::format("measured: hwloc, {} L3 domain(s)", info.l3.size())};
  m.l3_miss_penalty = {kSeedL3MissPenalty,
                       "assumed: 0.6, the seed's prep_msm inflation 1.7 s -> 2.7 s under L3 eviction"};
  const auto threads = static_cast<unsigned>(m.cores.value);
  // Twice the L3 in all: a streaming copy then finds nothing of its last pass in cache (LRU).
  const double total = std::clamp(2.0 * l3_bytes * m.l3_domains.value, 128.0 * kMiB, 1024.0 * kMiB);
  const auto t0 = Clock::now();
  const auto bw = copy_bandwidth_gbps(threads, static_cast<std::size_t>(total));
  m.mem_bw_gbps = bw ? Parameter{*bw, fmt::format("measured: memcpy on {} threads over {:.0f} MiB, best of 4 "
                                                  "({:.2f} s)",
                                                  threads, total / kMiB, seconds_since(t0))}
                     : Parameter{0, "measured: nothing (the probe's memory could not be mapped)"};
  probe_shootdowns(m);
  return m;
}

}  // namespace zkc::harness::vtime
