// The CUDA kernels and CudaGpu on a real device, against the CPU references: NTTs (2^10 .. 2^20)
// against kernels/ntt, the G1 MSM against zkc::msm, batch addition against a naive sum, and one
// partition through CudaGpu (stage order, event times, results, VRAM released, out-of-memory as an
// exception). Every test skips, printing why, when there is no device or the build has no CUDA;
// CudaWithoutDevice checks the opposite case: without a device every entry point fails cleanly.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <iostream>
#include <random>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "kernels/cuda/cuda_kernels.hpp"
#include "kernels/cuda/device_info.hpp"
#include "kernels/curve/g1.hpp"
#include "kernels/curve/point_gen.hpp"
#include "kernels/field/fr.hpp"
#include "kernels/msm/pippenger.hpp"
#include "kernels/ntt/ntt.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "tests/support/random_fr.hpp"
#include "workloads/gpu/cuda_gpu.hpp"
#include "workloads/gpu/vram_model.hpp"
#include "workloads/prover/prep_msm.hpp"
#include "workloads/prover/split_vectors.hpp"
#include "workloads/shape/partition_shape.hpp"
#include "workloads/srs/pinned_srs.hpp"
#include "workloads/synthesis/synthesis_steps.hpp"
#include "workloads/synthesis/witness_gen.hpp"

namespace zkc {
namespace {

using test_support::random_fr_vector;

// Empty when device 0 is usable; otherwise why not (no CUDA in this build, no device, no driver).
std::string no_device_reason() {
  const gpu::Probe p = gpu::probe_devices();
  if (!p.devices.empty()) return {};
  return p.status;
}

#define ZKC_REQUIRE_CUDA_DEVICE()                                       \
  do {                                                                  \
    if (const std::string why = no_device_reason(); !why.empty()) {     \
      GTEST_SKIP() << why;                                              \
    }                                                                   \
  } while (0)

unsigned cpu_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

template <class T>
cuda::DeviceBuffer upload(std::span<const T> host, const cuda::Stream& stream) {
  cuda::DeviceBuffer d(host.size_bytes(), stream);
  cuda::copy_to_device(d.data(), host.data(), host.size_bytes(), stream);
  return d;
}

template <class T>
std::vector<T> download(const cuda::DeviceBuffer& d, std::size_t count, const cuda::Stream& stream) {
  std::vector<T> out(count);
  cuda::copy_to_host(out.data(), d.data(), count * sizeof(T), stream);
  stream.synchronize();
  return out;
}

// n points: up to 2^14 distinct ones repeated, with a few identities.
std::vector<G1Affine> make_points(std::size_t n, std::uint64_t seed, ThreadPool& pool) {
  const auto distinct = generate_points<G1Params>(std::min<std::size_t>(n, 1 << 14), seed, &pool);
  std::vector<G1Affine> pts(n);
  for (std::size_t i = 0; i < n; ++i) pts[i] = distinct[i % distinct.size()];
  for (std::size_t i = 7; i < n; i += 1001) pts[i] = G1Affine::identity();
  return pts;
}

std::vector<Scalar256> make_scalars(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<Scalar256> s(n);
  for (std::size_t i = 0; i < n; ++i) s[i] = i % 10 == 3 ? Scalar256{} : Fr::random(rng).to_canonical();
  return s;
}

// ---- Kernels ----

enum class Op { kForward, kInverse, kCosetForward, kCosetInverse };

TEST(CudaNtt, MatchesTheCpuNttFrom2To10To2To20) {
  ZKC_REQUIRE_CUDA_DEVICE();
  ThreadPool pool("ntt-ref", cpu_threads());
  cuda::Stream stream(0);
  for (unsigned log_n = 10; log_n <= 20; log_n += 2) {
    const NttDomain cpu_domain(log_n);
    const cuda::DeviceNttDomain dev_domain(log_n, stream);
    for (const Op op : {Op::kForward, Op::kInverse, Op::kCosetForward, Op::kCosetInverse}) {
      std::vector<Fr> want = random_fr_vector(cpu_domain.size(), 500 + log_n * 4 + static_cast<unsigned>(op));
      cuda::DeviceBuffer d = upload(std::span<const Fr>(want), stream);
      switch (op) {
        case Op::kForward:
          ntt_forward(cpu_domain, want, &pool);
          cuda::ntt_forward(dev_domain, d.as<Fr>(), stream);
          break;
        case Op::kInverse:
          ntt_inverse(cpu_domain, want, &pool);
          cuda::ntt_inverse(dev_domain, d.as<Fr>(), stream);
          break;
        case Op::kCosetForward:
          coset_ntt_forward(cpu_domain, want, &pool);
          cuda::coset_ntt_forward(dev_domain, d.as<Fr>(), stream);
          break;
        case Op::kCosetInverse:
          coset_ntt_inverse(cpu_domain, want, &pool);
          cuda::coset_ntt_inverse(dev_domain, d.as<Fr>(), stream);
          break;
      }
      EXPECT_EQ(download<Fr>(d, want.size(), stream), want) << "log_n " << log_n << " op " << static_cast<int>(op);
    }
  }
}

TEST(CudaNtt, QuotientAndCanonicalScalarsMatchTheCpu) {
  ZKC_REQUIRE_CUDA_DEVICE();
  constexpr unsigned kLog = 12;
  const std::size_t n = std::size_t{1} << kLog;
  cuda::Stream stream(0);
  const NttDomain cpu_domain(kLog);
  const cuda::DeviceNttDomain dev_domain(kLog, stream);
  std::vector<Fr> a = random_fr_vector(n, 1), b = random_fr_vector(n, 2), c(n);
  for (std::size_t i = 0; i < n; ++i) c[i] = a[i] * b[i];  // A B - C is then divisible by Z
  cuda::DeviceBuffer da = upload(std::span<const Fr>(a), stream), db = upload(std::span<const Fr>(b), stream),
                     dc = upload(std::span<const Fr>(c), stream);
  for (auto* v : {&a, &b, &c}) {
    ntt_inverse(cpu_domain, *v);
    coset_ntt_forward(cpu_domain, *v);
  }
  for (auto* d : {&da, &db, &dc}) {
    cuda::ntt_inverse(dev_domain, d->as<Fr>(), stream);
    cuda::coset_ntt_forward(dev_domain, d->as<Fr>(), stream);
  }
  const Fr z_inv = (default_coset_shift().pow(static_cast<std::uint64_t>(n)) - Fr::one()).inverse();
  EXPECT_EQ(dev_domain.vanishing_inverse(), z_inv);
  for (std::size_t i = 0; i < n; ++i) a[i] = (a[i] * b[i] - c[i]) * z_inv;
  coset_ntt_inverse(cpu_domain, a);
  cuda::ntt_h_pointwise(dev_domain, da.as<Fr>(), db.as<const Fr>(), dc.as<const Fr>(), stream);
  cuda::coset_ntt_inverse(dev_domain, da.as<Fr>(), stream);
  EXPECT_EQ(download<Fr>(da, n, stream), a);
  EXPECT_TRUE(a[n - 1].is_zero()) << "deg h <= n - 2";

  cuda::fr_to_canonical(da.as<Fr>(), n, stream);
  const auto canonical = download<Scalar256>(da, n, stream);
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(canonical[i], a[i].to_canonical()) << i;
}

TEST(CudaMsm, MatchesTheCpuPippenger) {
  ZKC_REQUIRE_CUDA_DEVICE();
  ThreadPool pool("msm-ref", cpu_threads());
  cuda::Stream stream(0);
  for (std::size_t n : {std::size_t{1}, std::size_t{100}, std::size_t{1} << 12, std::size_t{1} << 16}) {
    const auto pts = make_points(n, 40 + n, pool);
    const auto sc = make_scalars(n, 50 + n);
    cuda::DeviceBuffer dp = upload(std::span<const G1Affine>(pts), stream);
    cuda::DeviceBuffer ds = upload(std::span<const Scalar256>(sc), stream);
    const G1Jacobian got = cuda::msm_g1(dp.as<const G1Affine>(), ds.as<const Scalar256>(), n, stream);
    EXPECT_EQ(got, msm<G1Params>(pts, sc, pool)) << "n " << n;
    EXPECT_TRUE(got.is_on_curve());
  }
}

TEST(CudaMsm, EdgeCases) {
  ZKC_REQUIRE_CUDA_DEVICE();
  ThreadPool pool("msm-ref", cpu_threads());
  cuda::Stream stream(0);
  const auto pts = make_points(3000, 9, pool);
  cuda::DeviceBuffer dp = upload(std::span<const G1Affine>(pts), stream);
  // All scalars equal: one bucket per window holds every point (runs across many segments).
  for (const Scalar256& s : {Scalar256{}, Scalar256{5, 0, 0, 0}, Fr::from_u64(3).inverse().to_canonical()}) {
    const std::vector<Scalar256> same(pts.size(), s);
    cuda::DeviceBuffer ds = upload(std::span<const Scalar256>(same), stream);
    EXPECT_EQ(cuda::msm_g1(dp.as<const G1Affine>(), ds.as<const Scalar256>(), pts.size(), stream),
              msm<G1Params>(pts, same, pool));
  }
  EXPECT_TRUE(cuda::msm_g1(nullptr, nullptr, 0, stream).is_identity());
  EXPECT_THROW(cuda::msm_g1(nullptr, nullptr, 5, stream), std::invalid_argument);
}

TEST(CudaBatchAdd, MatchesANaiveSum) {
  ZKC_REQUIRE_CUDA_DEVICE();
  ThreadPool pool("points", cpu_threads());
  cuda::Stream stream(0);
  std::mt19937_64 rng(3);
  for (std::size_t n : {std::size_t{1}, std::size_t{65}, std::size_t{5000}, std::size_t{1} << 18}) {
    const auto pts = make_points(n, 60 + n, pool);
    std::vector<std::uint64_t> bits((n + 63) / 64);
    for (auto& w : bits) w = rng() & rng();
    bits.at(0) |= 1;
    G1Jacobian want;
    for (std::size_t i = 0; i < n; ++i) {
      if ((bits[i / 64] >> (i % 64)) & 1) want.add_mixed_inplace(pts[i]);
    }
    cuda::DeviceBuffer dp = upload(std::span<const G1Affine>(pts), stream);
    cuda::DeviceBuffer db = upload(std::span<const std::uint64_t>(bits), stream);
    EXPECT_EQ(cuda::batch_add_g1(dp.as<const G1Affine>(), db.as<const std::uint64_t>(), n, stream), want) << n;
  }
}

TEST(CudaResources, FailuresAreCudaErrorsNamingTheCall) {
  ZKC_REQUIRE_CUDA_DEVICE();
  cuda::Stream stream(0);
  try {
    cuda::DeviceBuffer huge(std::size_t{1} << 60, stream);
    FAIL() << "a 1 EiB allocation succeeded";
  } catch (const cuda::CudaError& e) {
    EXPECT_TRUE(e.out_of_memory()) << e.what();
    EXPECT_NE(std::string(e.what()).find("cudaMallocAsync"), std::string::npos) << e.what();
  }
  EXPECT_THROW(cuda::set_device(1 << 20), cuda::CudaError);
  const cuda::DeviceMemInfo info = cuda::mem_info(0);
  EXPECT_GT(info.total_bytes, 0u);
  EXPECT_LE(info.free_bytes, info.total_bytes);
}

// ---- CudaGpu: one partition ----

using workloads::CudaGpu;
using workloads::CudaGpuParams;
using workloads::GpuOutOfMemory;
using workloads::GpuPartitionInput;
using workloads::GpuStageTimes;
using workloads::PartitionShape;
using workloads::PinnedSrs;
using workloads::SplitVectors;
using workloads::SteadyTime;

// A small partition's inputs: a, b, c, the witness and densities prep_msm reads, the SRS.
struct PartitionInputs {
  PartitionShape shape = workloads::scale_shape(workloads::FullScaleShape{}, 1e-4);
  std::vector<Fr> a, b, c, inputs, aux;
  std::vector<std::uint64_t> a_density, b_density;
  PinnedSrs srs = PinnedSrs::build(shape, 21, nullptr);
  SplitVectors split = workloads::allocate_split_vectors(shape);

  PartitionInputs()
      : a(random_fr_vector(shape.constraints, 1)),
        b(random_fr_vector(shape.constraints, 2)),
        c(random_fr_vector(shape.constraints, 3)),
        inputs(shape.inputs),
        aux(shape.aux),
        a_density(workloads::density_words(shape.aux)),
        b_density(workloads::density_words(shape.aux)) {
    workloads::generate_witness(workloads::WitnessParams{}, 3, inputs, aux);
    workloads::build_density(shape, a_density, b_density);
  }
  GpuPartitionInput input() const { return {a, b, c, shape.domain_size(), &split}; }
  void prep() { workloads::prep_msm(shape, srs, aux, a_density, b_density, split); }
};

TEST(CudaGpu, ProvesAPartitionInStageOrderAndMatchesTheCpu) {
  ZKC_REQUIRE_CUDA_DEVICE();
  PartitionInputs p;
  const cuda::DeviceMemInfo before = cuda::mem_info(0);
  CudaGpu gpu(CudaGpuParams{0, &p.srs, true, 0, std::size_t{1} << 12});  // small chunks: several per MSM
  EXPECT_EQ(gpu.backend(), "cuda");
  for (const auto* v : {&p.a, &p.b, &p.c}) gpu.register_host(std::as_bytes(std::span<const Fr>(*v)));

  std::vector<std::string> stages;
  int waits = 0;
  const GpuStageTimes t = gpu.prove_partition(
      p.input(),
      [&] {
        ++waits;
        p.prep();
      },
      [&](model::Stage stage, SteadyTime start, SteadyTime end) {
        EXPECT_LE(start, end) << model::name(stage);
        stages.emplace_back(model::name(stage));
      });
  for (const auto* v : {&p.a, &p.b, &p.c}) gpu.unregister_host(std::as_bytes(std::span<const Fr>(*v)));

  EXPECT_EQ(stages, (std::vector<std::string>{"upload", "ntt_msm_h", "prep_wait", "batch_add", "tail_msm"}));
  EXPECT_EQ(waits, 1);
  EXPECT_GT(t.upload_ms, 0);
  EXPECT_GT(t.ntt_msm_h_ms, 0);
  EXPECT_GT(t.batch_add_ms, 0);
  EXPECT_GT(t.tail_msm_ms, 0);
  // Disjoint intervals of the total (each rounded to float ms by cudaEventElapsedTime).
  EXPECT_GE(t.gpu_total_ms + 0.01, t.upload_ms + t.ntt_msm_h_ms + t.batch_add_ms + t.tail_msm_ms);
  EXPECT_EQ(gpu.vram_in_use_bytes(), 0u);
  EXPECT_GE(gpu.vram_peak_bytes(), 3 * p.shape.domain_size() * sizeof(Fr));
  // Trimmed after the partition: the device's free memory is back (other processes aside).
  const cuda::DeviceMemInfo after = cuda::mem_info(0);
  EXPECT_GE(after.free_bytes + (std::uint64_t{64} << 20), before.free_bytes);

  // The same quantities on the CPU.
  ThreadPool pool("ref", cpu_threads());
  const std::size_t n = p.shape.domain_size();
  const NttDomain domain(p.shape.domain_log2);
  std::vector<Fr> a(n), b(n), c(n);
  std::copy(p.a.begin(), p.a.end(), a.begin());
  std::copy(p.b.begin(), p.b.end(), b.begin());
  std::copy(p.c.begin(), p.c.end(), c.begin());
  for (auto* v : {&a, &b, &c}) {
    ntt_inverse(domain, *v, &pool);
    coset_ntt_forward(domain, *v, &pool);
  }
  const Fr z_inv = (default_coset_shift().pow(static_cast<std::uint64_t>(n)) - Fr::one()).inverse();
  for (std::size_t i = 0; i < n; ++i) a[i] = (a[i] * b[i] - c[i]) * z_inv;
  coset_ntt_inverse(domain, a, &pool);
  const std::size_t h_count = std::min<std::size_t>(n - 1, p.srs.h().size());
  std::vector<Scalar256> h(h_count);
  for (std::size_t i = 0; i < h_count; ++i) h[i] = a[i].to_canonical();
  const workloads::CudaPartitionResult r = gpu.last_result();
  EXPECT_EQ(r.h, msm<G1Params>(p.srs.h().first(h_count), h, pool));

  G1Jacobian l_ones;
  for (std::size_t j = 0; j < std::min<std::size_t>(p.srs.l().size(), p.aux.size()); ++j) {
    if (p.aux[j].is_one()) l_ones.add_mixed_inplace(p.srs.l()[j]);
  }
  EXPECT_FALSE(l_ones.is_identity()) << "the witness has ones";
  EXPECT_EQ(r.l_ones, l_ones);
  const SplitVectors& s = p.split;
  ASSERT_GT(s.a_tail_count, 0u);
  ASSERT_GT(s.b_tail_count, 0u);
  EXPECT_EQ(r.a_tail, msm<G1Params>(std::span<const G1Affine>(s.a_tail_bases.data(), s.a_tail_count),
                                    std::span<const Scalar256>(s.a_tail_scalars.data(), s.a_tail_count), pool));
  EXPECT_EQ(r.b_g1_tail, msm<G1Params>(std::span<const G1Affine>(s.b_g1_tail_bases.data(), s.b_tail_count),
                                       std::span<const Scalar256>(s.b_tail_scalars.data(), s.b_tail_count), pool));
}

TEST(CudaGpu, OutOfMemoryThrowsAndReleasesEverything) {
  ZKC_REQUIRE_CUDA_DEVICE();
  PartitionInputs p;
  const std::uint64_t abc = 3 * p.shape.domain_size() * sizeof(Fr);
  // Too small for d_abc, then just big enough for d_abc alone (the NTT tables do not fit beside it).
  for (const std::uint64_t limit : {abc / 2, abc + 4096}) {
    CudaGpu gpu(CudaGpuParams{0, &p.srs, false, limit});
    int waits = 0;
    try {
      gpu.prove_partition(p.input(), [&] { ++waits; }, nullptr);
      FAIL() << "expected GpuOutOfMemory with a " << limit << "-byte device";
    } catch (const GpuOutOfMemory& e) {
      const std::string what = e.what();
      EXPECT_EQ(what.rfind("out of memory: ", 0), 0u) << what;
      EXPECT_NE(what.find(limit < abc ? "d_abc needs" : "d_ntt_tables needs"), std::string::npos) << what;
      EXPECT_NE(what.find("on device 0"), std::string::npos) << what;
    }
    EXPECT_EQ(waits, 0);
    EXPECT_EQ(gpu.vram_in_use_bytes(), 0u) << "nothing stays allocated after the failure";
  }
}

TEST(CudaGpu, RegistrationsAreTracked) {
  ZKC_REQUIRE_CUDA_DEVICE();
  PartitionInputs p;
  CudaGpu gpu(CudaGpuParams{0, &p.srs});
  const auto region = std::as_bytes(std::span<const Fr>(p.a));
  gpu.register_host(region);
  EXPECT_THROW(gpu.register_host(region), std::exception);  // the same range twice
  gpu.unregister_host(region);
  EXPECT_THROW(gpu.unregister_host(region), std::logic_error);
  EXPECT_NO_THROW(gpu.register_host({}));
}

// ---- Without a device ----

TEST(CudaWithoutDevice, EveryEntryPointFailsWithAReason) {
  if (no_device_reason().empty()) GTEST_SKIP() << "a CUDA device is present; this checks the no-device path";
  std::cout << "no device: " << no_device_reason() << "\n";
  const PartitionShape shape = workloads::scale_shape(workloads::FullScaleShape{}, 1e-5);
  const PinnedSrs srs = PinnedSrs::build(shape, 1, nullptr);
  // The runtime error (no driver, no device) or the no-CUDA build's: an exception, never a crash.
  EXPECT_THROW(CudaGpu(CudaGpuParams{0, &srs}), std::runtime_error);
  EXPECT_THROW(cuda::Stream(0), std::runtime_error);
  EXPECT_THROW(cuda::mem_info(0), std::runtime_error);
  EXPECT_THROW(cuda::DeviceBuffer(64), std::runtime_error);
  EXPECT_THROW(CudaGpu(CudaGpuParams{0, nullptr}), std::invalid_argument);
}

}  // namespace
}  // namespace zkc
