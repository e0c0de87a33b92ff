#include "harness/engine/engine.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stop_token>
#include <thread>
#include <future>
#include <memory>
#include <optional>
#include <utility>

#include "harness/counters/counter_catalog.hpp"
#include "harness/counters/thread_sched.hpp"
#include "harness/engine/stage_counters.hpp"
#include "harness/engine/thread_placer.hpp"
#include "harness/recorder/machine_share.hpp"
#include "kernels/pool/thread_pool.hpp"
#include "kernels/cuda/cuda_kernels.hpp"
#include "workloads/gpu/cuda_gpu.hpp"
#include "workloads/gpu/sim_gpu.hpp"
#include "workloads/pce/shared_pce.hpp"
#include "workloads/srs/pinned_srs.hpp"

namespace zkc::harness {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::unique_ptr<workloads::GpuResources>> make_gpus(const RunPlan& plan, const workloads::PinnedSrs& srs) {
  const auto bytes = workloads::shape_bytes(plan.shape);
  std::vector<std::unique_ptr<workloads::GpuResources>> gpus;
  for (unsigned d = 0; d < plan.devices; ++d) {
    if (plan.backend == GpuBackendKind::kCuda) {
      workloads::CudaGpuParams c;
      c.index = static_cast<int>(d);
      c.srs = &srs;
      // Trimming the pool after a partition would hand a kept d_b back (the real code stopped trimming).
      c.trim_after_partition = plan.cuda_trim && !plan.keep_device_buffers;
      c.keep_device_buffers = plan.keep_device_buffers;
      gpus.push_back(std::make_unique<workloads::GpuResources>(std::make_unique<workloads::CudaGpu>(c)));
      continue;
    }
    workloads::SimGpuParams p;
    p.index = static_cast<int>(d);
    p.vram_bytes = plan.vram_bytes;
    p.staging_bytes = bytes.gpu_staging;
    p.ntt_msm_h_ms = plan.ntt_msm_h_ms;
    p.batch_add_ms = plan.batch_add_ms;
    p.tail_msm_ms = plan.tail_msm_ms;
    p.register_ns_per_byte = plan.register_ms * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, bytes.abc));
    p.unpinned_upload_ns_per_byte =
        plan.unpinned_upload_ms * 1e6 / static_cast<double>(std::max<std::uint64_t>(1, bytes.abc));
    // The first d_b (b and c over the domain) grows the pool by all of it: that growth costs d_b_first_alloc_ms.
    p.keep_device_buffers = plan.keep_device_buffers;
    p.pool_growth_ns_per_byte =
        plan.d_b_first_alloc_ms * 1e6 / (2.0 * static_cast<double>(plan.shape.domain_size()) * sizeof(Fr));
    gpus.push_back(std::make_unique<workloads::GpuResources>(std::make_unique<workloads::SimGpu>(p)));
  }
  return gpus;
}

// The real prover keeps its SRS page-locked for DMA: with the cuda backend, so does this one. A
// registration that fails leaves the SRS pageable and says why in *note.
std::vector<cuda::HostRegistration> pin_srs(const RunPlan& plan, const workloads::PinnedSrs& srs, std::string* note) {
  std::vector<cuda::HostRegistration> pins;
  if (plan.backend != GpuBackendKind::kCuda) return pins;
  try {
    for (const auto bytes : {std::as_bytes(srs.h()), std::as_bytes(srs.l()), std::as_bytes(srs.a()),
                             std::as_bytes(srs.b_g1()), std::as_bytes(srs.b_g2())}) {
      pins.emplace_back(bytes.data(), bytes.size());
    }
  } catch (const std::exception& e) {
    pins.clear();
    *note += (note->empty() ? "" : "; ") + std::string("cudaHostRegister of the SRS: ") + e.what();
  }
  return pins;
}

void keep_smaps_peak(const std::optional<SmapsRollup>& r, EngineResult& out) {
  if (r && (!out.smaps_peak || r->anon_huge_pages > out.smaps_peak->anon_huge_pages)) out.smaps_peak = r;
}

// Waits for the batch, reporting progress every ~250 ms and reading the THP footprint on the way.
PipelineTotals wait_for_batch(std::future<PipelineTotals>& done, const Pipeline& pipeline, const Recorder& recorder,
                              const EngineCallbacks& cb, EngineResult& out) {
  // smaps_rollup walks every page table under the mmap lock: once a second, not every tick.
  auto next_smaps = Clock::now() + std::chrono::seconds(1);
  while (done.wait_for(std::chrono::milliseconds(250)) != std::future_status::ready) {
    if (cb.on_tick) cb.on_tick(pipeline.progress(), recorder.now_ms() / 1000.0);
    if (out.smaps_after_setup && Clock::now() >= next_smaps) {
      next_smaps += std::chrono::seconds(1);
      keep_smaps_peak(read_smaps_rollup(), out);
    }
  }
  return done.get();
}

// Each pool's counter totals over the batch, and per counter the smallest share of it on the PMU.
void record_pool_counters(const std::pair<counters::CounterSnapshot, counters::CounterSnapshot>& before,
                          const PoolCounters& synthesis, const PoolCounters& groth16, EngineResult& out) {
  const auto synthesis_after = synthesis.snapshot();
  const auto groth16_after = groth16.snapshot();
  out.synthesis_pool_counters = stage_deltas(before.first, synthesis_after).deltas;
  out.groth16_pool_counters = stage_deltas(before.second, groth16_after).deltas;
  const auto a = counters::delta(before.first, synthesis_after);
  const auto b = counters::delta(before.second, groth16_after);
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    out.running_fraction.push_back(a[i].valid && b[i].valid
                                       ? std::optional(std::min(a[i].running_fraction, b[i].running_fraction))
                                       : std::nullopt);
  }
}

// The counter columns' names, the sampled rows, and what the sampler could not read.
void record_counter_rows(const RunPlan& plan, const counters::PreparedCounters* prepared,
                         const counters::CounterSampler& sampler, EngineResult& out) {
  if (prepared != nullptr) {
    for (const auto& spec : prepared->specs()) out.counter_names.push_back(spec.name);
    for (const auto& c : counters::kSchedColumns) out.counter_names.emplace_back(c.name);
    out.counter_names.emplace_back(InterruptsTlbReader::kColumn);
  }
  out.counter_rows = sampler.rows();
  out.counter_status = plan.counters ? sampler.status() : "counters.enabled = false";
  if (std::string why; plan.counters && !counters::read_thread_sched("/proc/thread-self", &why)) {
    out.counter_status += (out.counter_status.empty() ? "" : "; ") + why + ": the sched_* and *_switches columns are empty";
  }
}

void record_placement(const topology::PlacementRecorder& placement, const ThreadPlacer& placer, EngineResult& out) {
  out.placement = placement.rows();
  out.placement_by_pool = placement.by_pool();
  out.placement_errors = placement.errors();
  out.bindings = placer.bindings();
}

}  // namespace

EngineResult run_engine(const RunPlan& plan, const EngineCallbacks& cb) {
  const auto step = [&](const std::string& s) {
    if (cb.on_setup_step) cb.on_setup_step(s);
  };
  const auto t0 = Clock::now();
  step(fmt::format("starting pools: synthesis {} threads, groth16 {} threads", plan.synthesis_threads,
                   plan.gpu_threads));
  // Threads bind themselves per the pin plan as they start and are sampled where they run.
  const topology::Topology topo = topology::Topology::load(plan.topology_source);
  topology::PlacementRecorder placement;
  ThreadPlacer placer(topo, plan.pin_plan, placement);

  // Tier 1/2 counters are resolved once (tracepoint ids, libpfm4 encodings); every thread of the run
  // opens its own group from them, pool workers as they start.
  std::optional<counters::PreparedCounters> prepared;
  if (plan.counters) prepared.emplace(counters::default_catalog());
  const counters::PreparedCounters* prepared_ptr = prepared ? &*prepared : nullptr;
  const InterruptsTlbReader tlb_reader;
  const InterruptsTlbReader* tlb_ptr = plan.counters ? &tlb_reader : nullptr;
  PoolCounters synthesis_counters(prepared_ptr, plan.synthesis_threads, tlb_ptr);
  PoolCounters groth16_counters(prepared_ptr, plan.gpu_threads, tlb_ptr);
  ThreadPool synthesis_pool(ThreadPool::Options{"synth-pool", plan.synthesis_threads, [&](unsigned i) {
                                                  placer.on_thread_start(topology::PoolKind::kSynthesis,
                                                                         fmt::format("synth-pool-{}", i));
                                                  synthesis_counters.open_on_worker(i);
                                                }});
  ThreadPool groth16_pool(ThreadPool::Options{"groth16", plan.gpu_threads, [&](unsigned i) {
                                                placer.on_thread_start(topology::PoolKind::kGroth16,
                                                                       fmt::format("groth16-{}", i));
                                                groth16_counters.open_on_worker(i);
                                              }});
  synthesis_counters.wait_ready();
  groth16_counters.wait_ready();

  step(fmt::format("building the shared PCE ({} constraints, {} + {} + {} nonzeros)", plan.shape.constraints,
                   plan.shape.nnz_a, plan.shape.nnz_b, plan.shape.nnz_c));
  const workloads::SharedPce pce = workloads::build_shared_pce(plan.shape, plan.pce, &synthesis_pool);
  std::string thp_note = workloads::advise_pce_pages(pce, plan.memory.thp);
  step("building the pinned SRS");
  const workloads::PinnedSrs srs = workloads::PinnedSrs::build(plan.shape, plan.seed, &synthesis_pool);
  std::string srs_pin_note = srs.pin_note();
  const std::vector<cuda::HostRegistration> srs_pins = pin_srs(plan, srs, &srs_pin_note);
  auto gpus = make_gpus(plan, srs);
  if (plan.memory.arena) step(fmt::format("mapping {} arena slots", plan.memory.arena_slots));
  PartitionMemory memory(plan.memory);

  EngineResult out;
  out.smaps_after_setup = read_smaps_rollup("/proc", &out.smaps_note);
  out.setup_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  out.pce_bytes = static_cast<double>(pce.bytes());
  out.srs_bytes = static_cast<double>(srs.bytes());
  out.srs_pinned = srs.pinned();
  out.srs_pin_note = srs_pin_note;
  out.gpu_backend = std::string(gpus.front()->device->backend());

  counters::CounterSampler sampler;
  const NoiseSnapshot noise_start = take_noise_snapshot();
  Recorder recorder;  // the clock starts here
  const auto pool_watch = memory.watch_pinned_pool(recorder);  // the pinned pool's shrinks, on the timeline
  if (plan.counters) sampler.start(std::chrono::milliseconds(plan.counter_interval_ms), recorder.origin());
  const auto pools_before = std::pair{synthesis_counters.snapshot(), groth16_counters.snapshot()};
  Pipeline pipeline(PipelineResources{plan, pce, srs, synthesis_pool, groth16_pool, gpus, recorder, prepared_ptr,
                                      tlb_ptr, &synthesis_counters, &groth16_counters, &placer, memory});
  // Where every registered thread runs, sampled with the counters' period.
  std::jthread placement_sampler([&](std::stop_token stop) {
    std::mutex m;
    std::condition_variable_any cv;
    std::unique_lock lock(m);
    // wait_for returns at once after a stop request, so the loop must test the token itself.
    while (!stop.stop_requested()) {
      cv.wait_for(lock, stop, std::chrono::milliseconds(plan.counter_interval_ms), [] { return false; });
      if (!stop.stop_requested()) placement.sample_all(false);
    }
  });
  auto done = std::async(std::launch::async, [&] { return pipeline.run(); });
  out.totals = wait_for_batch(done, pipeline, recorder, cb, out);
  out.noise = noise_between(noise_start, take_noise_snapshot());
  sampler.stop();
  placement_sampler.request_stop();
  placement_sampler.join();
  placement.sample_all();
  record_placement(placement, placer, out);
  out.numa_note = pipeline.numa_note();
  if (thp_note.empty()) thp_note = pipeline.thp_note();
  out.thp_note = thp_note;
  out.memory = memory.stats();
  if (out.smaps_after_setup) {
    out.smaps_end = read_smaps_rollup("/proc", &out.smaps_note);
    keep_smaps_peak(out.smaps_end, out);
  }
  record_pool_counters(pools_before, synthesis_counters, groth16_counters, out);
  record_counter_rows(plan, prepared_ptr, sampler, out);
  out.events = recorder.events();
  out.spans = recorder.spans();
  share_machine_counts(out.spans);
  for (const auto& g : gpus) out.vram_peak_bytes = std::max(out.vram_peak_bytes, g->device->vram_peak_bytes());
  return out;
}

}  // namespace zkc::harness
