// VramModel accounting and OOM reports; SimGpu's stage order, modelled kernel time, device memory
// sequence and its release on every failure path.
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "kernels/field/fr.hpp"
#include "tests/support/random_fr.hpp"
#include "workloads/gpu/sim_gpu.hpp"
#include "workloads/gpu/vram_model.hpp"
#include "workloads/memory/host_array.hpp"
#include "workloads/prover/split_vectors.hpp"

namespace zkc::workloads {
namespace {

using test_support::random_fr_vector;
constexpr std::uint64_t kMiB = 1024 * 1024;

// ---- VramModel ----

TEST(VramModel, TracksUsedFreeAndPeak) {
  VramModel v(1000);
  v.allocate("x", 300);
  v.allocate("y", 500);
  EXPECT_EQ(v.used(), 800u);
  EXPECT_EQ(v.free(), 200u);
  EXPECT_EQ(v.peak(), 800u);
  v.release(500);
  v.allocate("z", 100);
  EXPECT_EQ(v.used(), 400u);
  EXPECT_EQ(v.peak(), 800u);
  v.allocate("exact fit", 600);
  EXPECT_EQ(v.free(), 0u);
  v.release(1000);
  EXPECT_EQ(v.used(), 0u);
  EXPECT_EQ(v.total(), 1000u);
}

TEST(VramModel, OutOfMemoryNamesTheAllocation) {
  VramModel v(64 * kMiB);
  v.set_device_index(3);
  v.allocate("d_abc", 40 * kMiB);
  try {
    v.allocate("d_tail", 30 * kMiB);
    FAIL() << "expected GpuOutOfMemory";
  } catch (const GpuOutOfMemory& e) {
    EXPECT_EQ(std::string(e.what()), "out of memory: d_tail needs 30.0 MiB, 24.0 MiB free of 64.0 MiB on device 3");
  }
  EXPECT_EQ(v.used(), 40 * kMiB) << "a failed allocation reserves nothing";
  EXPECT_EQ(v.peak(), 40 * kMiB);
}

TEST(VramModel, ReleasingMoreThanAllocatedIsALogicError) {
  VramModel v(100);
  v.allocate("x", 10);
  EXPECT_THROW(v.release(11), std::logic_error);
  EXPECT_EQ(v.used(), 10u);
}

TEST(VramModel, ThreadSafe) {
  VramModel v(1 << 20);
  auto churn = [&v] {
    for (int i = 0; i < 20'000; ++i) {
      v.allocate("churn", 7);
      v.release(7);
    }
  };
  std::thread t1(churn), t2(churn);
  t1.join();
  t2.join();
  EXPECT_EQ(v.used(), 0u);
  EXPECT_LE(v.peak(), 14u);
}

// ---- SimGpu ----

struct StageRecord {
  std::string name;
  SteadyTime start, end;
};

// A partition's GPU inputs: a, b, c of `constraints` elements and split vectors with some tail.
struct GpuInputs {
  static constexpr std::uint32_t kConstraints = 1000;
  static constexpr std::uint64_t kDomain = 1024;
  std::vector<Fr> a = random_fr_vector(kConstraints, 1), b = random_fr_vector(kConstraints, 2),
                  c = random_fr_vector(kConstraints, 3);
  SplitVectors split;

  GpuInputs() {
    PartitionShape s;
    s.aux = 1000;
    s.srs_a = 500;
    s.srs_b_g2 = 200;
    split = allocate_split_vectors(s);
    split.a_tail_count = 100;
    split.b_tail_count = 50;
  }
  GpuPartitionInput input() const { return {a, b, c, kDomain, &split}; }
  static std::uint64_t abc_bytes() { return 3 * kDomain * 32; }
  std::uint64_t batch_bytes() const { return split.one_bits.bytes() + split.tail_bits.bytes(); }
  std::uint64_t tail_bytes() const {
    return split.b_tail_count * (32 + sizeof(G1Affine) + sizeof(G2Affine)) + split.a_tail_count * (32 + sizeof(G1Affine));
  }
};

SimGpuParams params(std::uint64_t vram, std::uint64_t staging) {
  return {.index = 1, .vram_bytes = vram, .staging_bytes = staging, .ntt_msm_h_ms = 6, .batch_add_ms = 3,
          .tail_msm_ms = 2};
}

double ms(SteadyTime a, SteadyTime b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

TEST(SimGpu, RunsTheStagesInOrderWithTheirModelledTime) {
  const GpuInputs in;
  SimGpu gpu(params(1ull << 30, GpuInputs::abc_bytes()));
  EXPECT_EQ(gpu.backend(), "sim");
  EXPECT_EQ(gpu.index(), 1);
  std::vector<StageRecord> stages;
  int waits = 0;
  SteadyTime waited_at{};
  const GpuStageTimes times = gpu.prove_partition(
      in.input(),
      [&] {
        ++waits;
        waited_at = std::chrono::steady_clock::now();
        std::this_thread::sleep_for(std::chrono::milliseconds(4));
      },
      [&](model::Stage name, SteadyTime start, SteadyTime end) {
        stages.push_back({std::string(model::name(name)), start, end});
      });

  ASSERT_EQ(stages.size(), 5u);
  const char* expected[] = {"upload", "ntt_msm_h", "prep_wait", "batch_add", "tail_msm"};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(stages[i].name, expected[i]);
    EXPECT_LE(stages[i].start, stages[i].end);
    if (i > 0) {
      EXPECT_LE(stages[i - 1].end, stages[i].start) << "stages do not overlap";
    }
  }
  EXPECT_EQ(waits, 1);
  EXPECT_LE(stages[2].start, waited_at);
  EXPECT_LE(waited_at, stages[2].end);
  EXPECT_GE(ms(stages[1].start, stages[1].end), 6.0);
  EXPECT_GE(ms(stages[2].start, stages[2].end), 4.0);
  EXPECT_GE(ms(stages[3].start, stages[3].end), 3.0);
  EXPECT_GE(ms(stages[4].start, stages[4].end), 2.0);
  // The returned times are the reported stages' (sim has no device clock of its own).
  EXPECT_DOUBLE_EQ(times.upload_ms, ms(stages[0].start, stages[0].end));
  EXPECT_DOUBLE_EQ(times.ntt_msm_h_ms, ms(stages[1].start, stages[1].end));
  EXPECT_DOUBLE_EQ(times.batch_add_ms, ms(stages[3].start, stages[3].end));
  EXPECT_DOUBLE_EQ(times.tail_msm_ms, ms(stages[4].start, stages[4].end));
  EXPECT_GE(times.gpu_total_ms, ms(stages[0].start, stages[4].end));
  EXPECT_EQ(gpu.vram().used(), 0u);
  EXPECT_EQ(gpu.vram_peak_bytes(), std::max(GpuInputs::abc_bytes(), in.batch_bytes() + in.tail_bytes()));
}

TEST(SimGpu, NoStageCallbackOrZeroTimesAreFine) {
  const GpuInputs in;
  SimGpuParams p = params(1ull << 30, 4096);  // staging far smaller than the upload: copied in pieces
  p.ntt_msm_h_ms = p.batch_add_ms = p.tail_msm_ms = 0;
  SimGpu gpu(p);
  int waits = 0;
  gpu.prove_partition(in.input(), [&] { ++waits; }, {});
  EXPECT_EQ(waits, 1);
  EXPECT_EQ(gpu.vram().used(), 0u);
}

TEST(SimGpu, OutOfMemoryAtTheFirstAllocation) {
  const GpuInputs in;
  SimGpu gpu(params(GpuInputs::abc_bytes() - 1, GpuInputs::abc_bytes()));
  std::vector<std::string> stages;
  int waits = 0;
  try {
    gpu.prove_partition(in.input(), [&] { ++waits; },
                        [&](model::Stage name, SteadyTime, SteadyTime) { stages.emplace_back(model::name(name)); });
    FAIL() << "expected GpuOutOfMemory";
  } catch (const GpuOutOfMemory& e) {
    EXPECT_NE(std::string(e.what()).find("d_abc"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("on device 1"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(stages.empty());
  EXPECT_EQ(waits, 0);
  EXPECT_EQ(gpu.vram().used(), 0u);
}

TEST(SimGpu, OutOfMemoryLaterReleasesWhatWasAllocated) {
  GpuInputs in;
  in.split.a_tail_count = in.split.a_tail_scalars.size();  // a full tail outgrows d_abc
  in.split.b_tail_count = in.split.b_tail_scalars.size();
  ASSERT_GT(in.batch_bytes() + in.tail_bytes(), GpuInputs::abc_bytes()) << "the test needs d_tail not to fit";
  SimGpu gpu(params(in.batch_bytes() + in.tail_bytes() - 1, GpuInputs::abc_bytes()));
  std::vector<std::string> stages;
  try {
    gpu.prove_partition(in.input(), [] {},
                        [&](model::Stage name, SteadyTime, SteadyTime) { stages.emplace_back(model::name(name)); });
    FAIL() << "expected GpuOutOfMemory";
  } catch (const GpuOutOfMemory& e) {
    EXPECT_NE(std::string(e.what()).find("d_tail"), std::string::npos) << e.what();
  }
  EXPECT_EQ(stages, (std::vector<std::string>{"upload", "ntt_msm_h", "prep_wait", "batch_add"}));
  EXPECT_EQ(gpu.vram().used(), 0u) << "d_batch is released on the way out";
  EXPECT_EQ(gpu.vram_peak_bytes(), std::max(GpuInputs::abc_bytes(), in.batch_bytes()));
}

TEST(SimGpu, ThrowingPrepWaitReleasesDeviceMemory) {
  const GpuInputs in;
  SimGpu gpu(params(1ull << 30, GpuInputs::abc_bytes()));
  EXPECT_THROW(gpu.prove_partition(in.input(), [] { throw std::runtime_error("prep failed"); }, {}),
               std::runtime_error);
  EXPECT_EQ(gpu.vram().used(), 0u);
}

TEST(SimGpu, RejectsBadInputAndParams) {
  const GpuInputs in;
  SimGpu gpu(params(1ull << 30, 4096));
  GpuPartitionInput bad = in.input();
  bad.split = nullptr;
  EXPECT_THROW(gpu.prove_partition(bad, [] {}, {}), std::invalid_argument);
  bad = in.input();
  bad.domain_size = 512;
  EXPECT_THROW(gpu.prove_partition(bad, [] {}, {}), std::invalid_argument);
  bad = in.input();
  bad.c = bad.c.first(10);
  EXPECT_THROW(gpu.prove_partition(bad, [] {}, {}), std::invalid_argument);
  EXPECT_EQ(gpu.vram().used(), 0u);
  EXPECT_THROW(SimGpu(params(1 << 20, 0)), std::invalid_argument);
  SimGpuParams negative = params(1 << 20, 4096);
  negative.batch_add_ms = -1;
  EXPECT_THROW(SimGpu{negative}, std::invalid_argument);
}

TEST(SimGpu, RegisterHostFaultsInEveryPage) {
  const std::size_t page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  const HostRegion region(64 * page, "registered");
  const auto* base = static_cast<std::byte*>(region.data());
  std::vector<unsigned char> resident(64);
  ASSERT_EQ(::mincore(region.data(), region.mapped_bytes(), resident.data()), 0);
  std::size_t before = 0;
  for (unsigned char r : resident) before += r & 1;
  SimGpu gpu(params(1 << 20, 4096));
  // An unaligned span that starts mid-page and ends mid-page still covers pages 1..62.
  gpu.register_host(std::span<const std::byte>(base + page / 2, 62 * page));
  ASSERT_EQ(::mincore(region.data(), region.mapped_bytes(), resident.data()), 0);
  EXPECT_EQ(before, 0u) << "a fresh anonymous mapping has no resident pages";
  for (std::size_t i = 0; i <= 62; ++i) EXPECT_EQ(resident[i] & 1, 1) << "page " << i;
  EXPECT_EQ(resident[63] & 1, 0) << "the page past the span is not read";
  gpu.unregister_host(std::span<const std::byte>(base, region.bytes()));
}

}  // namespace
}  // namespace zkc::workloads
