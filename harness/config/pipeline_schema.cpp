#include "harness/config/pipeline_schema.hpp"

#include <cstdint>

#include "harness/config/toggles.hpp"

namespace zkc::config {
namespace {

using VT = ValueType;

void add_workload(ConfigSchema& s) {
  s.add({.key = "workload.scale", .type = VT::kFloat, .default_value = 0.0005, .min = 0.0, .max = 1.0,
         .unit = "fraction",
         .doc = "Every size shrinks from the full-scale numbers by this factor (1 = the seed system); "
                "0 = sized from this machine's cores and memory."});
  s.add({.key = "workload.partitions", .type = VT::kInt, .default_value = std::int64_t{10}, .min = 0.0, .max = 64.0,
         .unit = "partitions",
         .doc = "Partitions per proof (P); 0 = pw, so that pw / P is the seed's 10 / 10 (in isolation all of a "
                "proof's partitions synthesize together)."});
  s.add({.key = "workload.balance", .type = VT::kEnum, .default_value = std::string("seed"),
         .choices = {"seed", "uniform"},
         .doc = "seed: each stage sized by the balance fit so the pipeline keeps the seed system's shape "
                "(balance.*); uniform: every size and the simulated GPU times scaled by workload.scale alone "
                "(for the real machine at full scale)."});
  s.add({.key = "workload.seed", .type = VT::kInt, .default_value = std::int64_t{1}, .min = 0.0, .max = 4.0e18,
         .doc = "Seed of the matrices, SRS points and witnesses."});
  const auto full = [&](const char* key, std::int64_t v, const char* unit, const char* doc) {
    s.add({.key = key, .type = VT::kInt, .default_value = v, .min = 1.0, .max = 1.0e12, .unit = unit, .doc = doc});
  };
  full("workload.full.constraints", 130'278'869, "constraints", "Constraints of one partition at full scale.");
  full("workload.full.aux", 130'169'893, "variables", "Aux (private) variables at full scale.");
  s.add({.key = "workload.full.inputs", .type = VT::kInt, .default_value = std::int64_t{328}, .min = 1.0,
         .max = 1.0e6, .unit = "variables", .doc = "Public inputs, the constant one included; never scaled."});
  full("workload.full.nnz_a", 309'405'051, "nonzeros", "Nonzeros of A at full scale.");
  full("workload.full.nnz_b", 130'327'340, "nonzeros", "Nonzeros of B at full scale.");
  full("workload.full.nnz_c", 282'656'500, "nonzeros", "Nonzeros of C at full scale.");
  s.add({.key = "workload.full.domain_log2", .type = VT::kInt, .default_value = std::int64_t{27}, .min = 1.0,
         .max = 40.0, .unit = "log2", .doc = "FFT domain at full scale (2^27)."});
  full("workload.full.srs_h", (std::int64_t{1} << 27) - 1, "G1 points", "SRS H section.");
  full("workload.full.srs_l", 130'169'893, "G1 points", "SRS L section.");
  full("workload.full.srs_a", 129'750'000, "G1 points", "SRS A section (A density).");
  full("workload.full.srs_b_g1", 33'110'000, "G1 points", "SRS B_G1 section.");
  full("workload.full.srs_b_g2", 33'110'000, "G2 points", "SRS B_G2 section (B density; b_g2_msm's bases).");
  s.add({.key = "workload.local_fraction", .type = VT::kFloat, .default_value = 0.9, .min = 0.0, .max = 1.0,
         .unit = "fraction", .doc = "Share of matrix nonzeros near the row's diagonal (the rest gather at random)."});
  s.add({.key = "workload.local_window", .type = VT::kInt, .default_value = std::int64_t{4096}, .min = 0.0,
         .max = 1.0e9, .unit = "columns", .doc = "Half-width of the near-diagonal column window."});
  s.add({.key = "workload.nnz_spread", .type = VT::kFloat, .default_value = 0.5, .min = 0.0, .max = 10.0,
         .unit = "fraction", .doc = "Relative spread of row lengths."});
  s.add({.key = "workload.one_fraction", .type = VT::kFloat, .default_value = 0.25, .min = 0.0, .max = 1.0,
         .unit = "fraction", .doc = "Share of aux values equal to 1 (batch_add's inputs)."});
  s.add({.key = "workload.tail_fraction", .type = VT::kFloat, .default_value = 0.25, .min = 0.0, .max = 1.0,
         .unit = "fraction",
         .doc = "Share of aux values neither 0 nor 1: the tail that prep_msm copies and b_g2_msm sums."});
}

void add_balance(ConfigSchema& s) {
  const auto ratio = [&](const char* key, double v, double max, const char* doc) {
    s.add({.key = key, .type = VT::kFloat, .default_value = v, .min = 1e-3, .max = max, .unit = "ratio", .doc = doc});
  };
  ratio("balance.rho", 0.51, 100.0,
        "Target pw x gpu_total / (devices x synthesis) in isolation: synthesis supply over GPU lock service "
        "(seed: 10 x 1.8 s / 35 s; < 1 = synthesis-bound).");
  ratio("balance.prep_over_gpu_total", 0.94, 100.0, "Target prep_msm / gpu_total (seed: 1.7 s / 1.8 s).");
  ratio("balance.b_g2_over_gpu_total", 0.25, 100.0,
        "Target b_g2_msm / gpu_total at the configured gt (seed: 0.45 s / 1.8 s).");
  ratio("balance.witness_share", 0.75, 0.99, "Target witness generation / synthesis (seed: about 75%).");
  ratio("balance.direct_over_pce", 1.42, 100.0,
        "Synthesis with synthesis.path = direct / with pce, the witness generation the same: the direct path's "
        "constraint evaluation is sized to it (curio cuzk-project.md, Phase 5 Wave 1: 10 circuits in 50.4 s on the "
        "old path, 35.5 s with PCE). A direct run's rho and witness share targets are the PCE ones / this.");
  const auto seed_ms = [&](const char* key, double v, const char* doc, double min = 0.0) {
    s.add({.key = key, .type = VT::kFloat, .default_value = v, .min = min, .max = 1.0e7, .unit = "ms", .doc = doc});
  };
  seed_ms("balance.gpu_total_ms", 1800.0,
          "The seed's gpu_total, of which the three kernels below are shares; the rest is the wait for prep under "
          "the lock. Only the ratios matter.",
          1e-3);
  seed_ms("balance.ntt_msm_h_ms", 690.0, "The seed's ntt_msm_h within balance.gpu_total_ms.");
  seed_ms("balance.batch_add_ms", 650.0, "The seed's batch_add within balance.gpu_total_ms.");
  seed_ms("balance.tail_msm_ms", 83.0, "The seed's tail_msm within balance.gpu_total_ms.");
  s.add({.key = "balance.anchor", .type = VT::kEnum, .default_value = std::string("fit"), .choices = {"fit", "device"},
         .doc = "fit: the simulated device's times follow synthesis through balance.rho; device: gpu.*_ms (x scale x "
                "time_factor) are a real device's times (the cuda backend always; zkcontend calibrate's fragment), "
                "and synthesis is sized to them."});
  s.add({.key = "balance.cache", .type = VT::kBool, .default_value = true,
         .doc = "Reuse the fit of this machine, build and profile from the fit cache ($ZKC_FIT_CACHE, else "
                "$XDG_CACHE_HOME/zkcontend or ~/.cache/zkcontend); false = measure again."});
}

void add_batch_and_synthesis(ConfigSchema& s) {
  s.add({.key = "batch.count", .type = VT::kInt, .default_value = std::int64_t{1}, .min = 1.0, .max = 100000.0,
         .unit = "proofs", .doc = "Proofs in the batch (c; CLI -c)."});
  s.add({.key = "batch.concurrency", .type = VT::kInt, .default_value = std::int64_t{1}, .min = 1.0,
         .max = 10000.0, .unit = "proofs", .doc = "Most proofs in flight at once (j; CLI -j)."});
  s.add({.key = "synthesis.partition_workers", .type = VT::kInt, .default_value = std::int64_t{2}, .min = 0.0,
         .max = 1024.0, .unit = "syntheses",
         .doc = "Partitions synthesized at once (pw); 0 = from the core count, clamp(cores / 8, 2, 10)."});
  s.add({.key = "synthesis.threads", .type = VT::kInt, .default_value = std::int64_t{0}, .min = 0.0, .max = 4096.0,
         .unit = "threads", .doc = "Synthesis pool (SpMV) size; 0 = all online CPUs."});
  s.add({.key = "synthesis.chunk_rows", .type = VT::kInt, .default_value = std::int64_t{8192}, .min = 1.0,
         .max = 16777216.0, .unit = "rows", .doc = "SpMV work unit, as the real prover's 8192-row chunks."});
  s.add({.key = "synthesis.witness_muls_per_var", .type = VT::kInt, .default_value = std::int64_t{8}, .min = 1.0,
         .max = 1000.0, .unit = "Fr muls",
         .doc = "Witness generation cost per aux variable (~75% of synthesis at full scale with 8)."});
  s.add({.key = "synthesis.direct_muls_per_term", .type = VT::kInt, .default_value = std::int64_t{0}, .min = 0.0,
         .max = 1000.0, .unit = "Fr muls",
         .doc = "synthesis.path = direct: extra work per term of a constraint's linear combinations (their "
                "construction), as multiplications that leave the values unchanged; the balance fit sets it "
                "(balance.direct_over_pce) unless workload.balance = uniform."});
  s.add({.key = "synthesis.extra_cost", .type = VT::kFloat, .default_value = 0.0, .min = 0.0, .max = 1.0,
         .unit = "of a partition",
         .doc = "Extra CPU work at the end of each partition's witness generation, as a share of the partition's "
                "stage time in isolation (synthesis + prep_msm + b_g2_msm + GPU, from the balance fit; without a "
                "fit, of synthesis alone), done as more multiplications of the witness chain (results unchanged): "
                "the positive control of `ab --controls`, a known cost the A/B must see. 0 = none."});
  s.add({.key = "synthesis.lookahead", .type = VT::kInt, .default_value = std::int64_t{1}, .min = 1.0,
         .max = 1024.0, .unit = "partitions",
         .doc = "GPU queue capacity is max(lookahead, pw); a synthesis keeps its permit until queued."});
}

void add_gpus(ConfigSchema& s) {
  s.add({.key = "gpus.devices", .type = VT::kInt, .default_value = std::int64_t{1}, .min = 1.0, .max = 16.0,
         .unit = "devices", .doc = "GPU devices (simulated ones with the sim backend)."});
  s.add({.key = "gpus.gpu_workers_per_device", .type = VT::kInt, .default_value = std::int64_t{2}, .min = 1.0,
         .max = 64.0, .unit = "workers", .doc = "GPU workers per device (gw)."});
  s.add({.key = "gpu.backend", .type = VT::kEnum, .default_value = std::string("auto"),
         .choices = {"auto", "cuda", "sim"},
         .doc = "auto = cuda when a device is present, else sim; cuda without a device is an error."});
  s.add({.key = "gpu.cuda_trim", .type = VT::kBool, .default_value = true,
         .doc = "cuda backend: cudaDeviceSynchronize + cudaMemPoolTrimTo(0) after each partition, as the real "
                "prover does."});
  s.add({.key = "gpu.vram_gib", .type = VT::kFloat, .default_value = 16.0, .min = 0.001, .max = 100000.0,
         .unit = "GiB", .doc = "Simulated device memory at full scale (RTX 5070 Ti: 16); scaled as the FFT domain is."});
  s.add({.key = "gpu.ntt_msm_h_ms", .type = VT::kFloat, .default_value = 690.0, .min = 0.0, .max = 1.0e7,
         .unit = "ms",
         .doc = "Simulated ntt_msm_h kernel time at full scale, scaled with workload.scale: the device with "
                "workload.balance = uniform or balance.anchor = device (else the balance fit sets it)."});
  s.add({.key = "gpu.batch_add_ms", .type = VT::kFloat, .default_value = 650.0, .min = 0.0, .max = 1.0e7,
         .unit = "ms",
         .doc = "Simulated batch_add kernel time at full scale, scaled with workload.scale: the device with "
                "workload.balance = uniform or balance.anchor = device (else the balance fit sets it)."});
  s.add({.key = "gpu.tail_msm_ms", .type = VT::kFloat, .default_value = 83.0, .min = 0.0, .max = 1.0e7,
         .unit = "ms",
         .doc = "Simulated tail_msm kernel time at full scale, scaled with workload.scale: the device with "
                "workload.balance = uniform or balance.anchor = device (else the balance fit sets it)."});
  s.add({.key = "gpu.time_factor", .type = VT::kFloat, .default_value = 1.0, .min = 0.0, .max = 1.0e6,
         .unit = "x", .doc = "Multiplies the scaled simulated kernel times (to model a faster or slower GPU)."});
  // The buffer mechanisms' device times: full-scale figures, scaled as the simulated kernels are.
  s.add({.key = "gpu.upload_gbps_pinned", .type = VT::kFloat, .default_value = 50.0, .min = 0.001, .max = 1.0e5,
         .unit = "GB/s", .doc = "Host-to-device copy rate of page-locked a/b/c (the real prover's PCIe Gen5 figure)."});
  s.add({.key = "gpu.upload_gbps_unpinned", .type = VT::kFloat, .default_value = 2.0, .min = 0.001, .max = 1.0e5,
         .unit = "GB/s",
         .doc = "Host-to-device copy rate of pageable a/b/c through the driver's bounce buffer (the real prover "
                "measured 1-4). sim: unpinned a/b/c add their full-scale copy time at this rate minus the pinned "
                "one, as a share of the seed's kernel time (docs/ARCHITECTURE.md, buffer mechanisms)."});
  s.add({.key = "gpu.d_b_first_alloc_ms", .type = VT::kFloat, .default_value = 700.0, .min = 0.0, .max = 1.0e7,
         .unit = "ms",
         .doc = "gpu.device_buffers = kept: the first d_b allocation on a device at full scale (the real code's "
                "~700 ms); sim: scaled as the kernels are, charged per byte the device's pool grows."});
}

// The A/B toggles come from their one list (toggles.hpp), marked as such in their docs.
void add_toggles(ConfigSchema& s) {
  for (const Toggle& t : toggles()) {
    KeySpec k = t.key;
    k.doc = "A/B toggle \"" + t.label + "\". " + k.doc;
    s.add(std::move(k));
  }
}

void add_interventions_and_engine(ConfigSchema& s) {
  s.add({.key = "interventions.throttle_check_chunks", .type = VT::kInt, .default_value = std::int64_t{64},
         .min = 1.0, .max = 1048576.0, .unit = "chunks", .doc = "I3: SpMV checks the flag every this many chunks."});
  s.add({.key = "engine.malloc_trim", .type = VT::kBool, .default_value = true,
         .doc = "Call malloc_trim(0) after the Rust-side dealloc, as the real prover does."});
  s.add({.key = "engine.dealloc_linger_ms", .type = VT::kFloat, .default_value = 0.0, .min = 0.0, .max = 600000.0,
         .unit = "ms",
         .doc = "What-if and test knob: each dealloc thread stays busy this long after freeing (inside I1's "
                "mutex), as a slow munmap of tens of GiB would; 0 = off."});
  s.add({.key = "report.idle_gap_min_ms", .type = VT::kFloat, .default_value = 1.0, .min = 0.0, .max = 1.0e9,
         .unit = "ms", .doc = "Holes in GPU busy time shorter than this are not counted as idle gaps."});
}

// The memory-budget dispatcher's numbers (engine.dispatch = budget / budget_race): the real prover's
// constants, its sizes scaled by workload.scale like every other size.
void add_dispatch(ConfigSchema& s) {
  s.add({.key = "budget.total_gib", .type = VT::kFloat, .default_value = 0.0, .min = 0.0, .max = 1.0e6, .unit = "GiB",
         .doc = "Memory budget of the partitions (this machine's bytes); 0 = auto: total RAM - budget.safety_margin_gib "
                "- what stays resident (shared CSR, pinned SRS), as the real prover's total_budget = \"auto\"."});
  s.add({.key = "budget.safety_margin_gib", .type = VT::kFloat, .default_value = 5.0, .min = 0.0, .max = 1.0e6,
         .unit = "GiB", .doc = "budget.total_gib = 0: RAM kept out of the budget (the real prover's safety_margin)."});
  s.add({.key = "budget.partitions", .type = VT::kInt, .default_value = std::int64_t{0}, .min = 0.0, .max = 100000.0,
         .unit = "reservations",
         .doc = "A budget of exactly this many partition reservations (overrides budget.total_gib), to pose as a "
                "machine whose budget binds: e.g. (256 - 5 - 44 SRS - 25 PCE) / 14 = 13 for 256 GiB; 0 = off."});
  s.add({.key = "budget.partition_gib", .type = VT::kFloat, .default_value = 14.0, .min = 0.001, .max = 1.0e4,
         .unit = "GiB", .doc = "A partition's reservation before synthesis at full scale (PoRep: 14), x workload.scale."});
  s.add({.key = "budget.abc_gib", .type = VT::kFloat, .default_value = 13.0, .min = 0.0, .max = 1.0e4, .unit = "GiB",
         .doc = "The part given back after prove_start (a/b/c; PoRep: 13) at full scale, x workload.scale; the rest "
                "goes after prove_finish. At most budget.partition_gib."});
  s.add({.key = "engine.max_parallel_synthesis", .type = VT::kInt, .default_value = std::int64_t{0}, .min = 0.0,
         .max = 4096.0, .unit = "workers",
         .doc = "Budget dispatch: synthesis workers = max(2, min(budget / reservation, this)); 0 = the real default "
                "18 for 64 cores, scaled to this machine's cores (at least 2)."});
  s.add({.key = "engine.gpu_queue_target", .type = VT::kInt, .default_value = std::int64_t{8}, .min = 1.0,
         .max = 4096.0, .unit = "partitions",
         .doc = "engine.pacer = depth: synthesized-or-synthesizing partitions not yet proven, at most this many "
                "(max_gpu_queue_depth); pi: partitions the pacer keeps waiting in the GPU queue. 8 is the real "
                "prover's recommended start."});
  s.add({.key = "engine.pacer_time_scale", .type = VT::kFloat, .default_value = 0.0, .min = 0.0, .max = 1.0e6,
         .unit = "x",
         .doc = "The PI pacer's time constants (3 s bootstrap, 50 ms .. 60 s intervals, the integral's seconds) x "
                "this; 0 = auto: this run's simulated GPU time per partition / the seed's (1800 ms), so every ratio "
                "of a pacer time to the GPU's service time is the real one."});
}

void add_counters(ConfigSchema& s) {
  s.add({.key = "counters.enabled", .type = VT::kBool, .default_value = true,
         .doc = "Measure contention counters (tiers that are unavailable are reported, never fatal)."});
  s.add({.key = "counters.interval_ms", .type = VT::kInt, .default_value = std::int64_t{100}, .min = 1.0,
         .max = 60000.0, .unit = "ms", .doc = "Sampler period of counters_timeline.csv (/proc/interrupts TLB row, faults, RSS)."});
}

void add_topology_and_memory(ConfigSchema& s) {
  const auto spec = [&](const char* key, const char* what) {
    s.add({.key = key, .type = VT::kString, .default_value = std::string(""),
           .doc = std::string("Explicit placement of ") + what +
                  ": \"l3:<list>\" (L3 domains) or \"pu:<list>\" (OS CPU numbers), lists like 0-9,12; "
                  "\"\" = the policy's."});
  };
  spec("pinning.synthesis", "the synthesis pool and workers");
  spec("pinning.groth16", "the groth16 pool (b_g2_msm)");
  spec("pinning.prep", "the prep_msm threads");
  spec("pinning.gpu_workers", "the GPU workers and the finalizer");
  spec("pinning.dealloc", "the dealloc threads");
  s.add({.key = "topology.synthetic", .type = VT::kString, .default_value = std::string(""),
         .doc = "Plan for this hwloc synthetic topology instead of the machine (binding is then simulated), "
                "e.g. \"package:1 l3:12 core:8 pu:2\"."});
  s.add({.key = "topology.xml", .type = VT::kString, .default_value = std::string(""),
         .doc = "Plan for the topology in this lstopo XML export (binding is then simulated)."});
  s.add({.key = "memory.numa", .type = VT::kString, .default_value = std::string("none"),
         .doc = "NUMA placement of the large buffers: none, local, interleave or node:N (mbind)."});
  s.add({.key = "memory.arena_slots", .type = VT::kInt, .default_value = std::int64_t{0}, .min = 0.0, .max = 4096.0,
         .unit = "slots",
         .doc = "Arena: partitions that can hold a slot at once; 0 = pw + GPU queue + gw x devices + 1. A partition "
                "waits (slot_wait) when all are taken."});
  s.add({.key = "memory.arena_slab_mib", .type = VT::kFloat, .default_value = 0.0, .min = 0.0, .max = 1.0e7,
         .unit = "MiB", .doc = "Arena: bytes per slab (one per allocating thread); 0 = sized from the shape's buffers."});
  s.add({.key = "memory.arena_min_bytes", .type = VT::kInt, .default_value = std::int64_t{4096}, .min = 0.0,
         .max = 1.0e12, .unit = "bytes",
         .doc = "Arena: smaller allocations go to the system allocator (seed ZK_ALLOC_MIN_BYTES); 0 = none."});
  s.add({.key = "memory.arena_thp", .type = VT::kEnum, .default_value = std::string("never"),
         .choices = {"never", "always", "system"},
         .doc = "Arena: huge-page advice for the whole arena region (the seed maps it MADV_NOHUGEPAGE); memory.thp "
                "still applies to the witness and a/b/c inside it."});
  s.add({.key = "memory.estimate_margin_pct", .type = VT::kFloat, .default_value = 10.0, .min = 0.0, .max = 1000.0,
         .unit = "%",
         .doc = "The memory estimate from the run's timeline (its peak: what is resident and what is in flight then) "
                "plus this share of it, kept as an explicit safety margin for what the accounting does not see "
                "(allocator slack, transient copies, schedules that bunch up more than the one accounted)."});
  s.add({.key = "memory.pinned_pool_idle_s", .type = VT::kFloat, .default_value = 300.0, .min = 0.0, .max = 1.0e7,
         .unit = "s",
         .doc = "memory.abc_buffers = pinned_pool: the pool frees its free buffers after this long without a "
                "checkout or checkin, at full scale (the real evictor's 5 min idle key), scaled as the simulated "
                "kernels are; 0 = never."});
}

// model.machine.*: the machine `zkcontend model` predicts for (harness/vtime/machine_params.hpp); 0 =
// measured here by a short probe (the L3 miss penalty: the seed's), each one reported as measured or assumed.
void add_model_machine(ConfigSchema& s) {
  const auto machine = [&](const char* key, VT type, double max, const char* unit, const char* doc) {
    s.add({.key = key, .type = type,
           .default_value = type == VT::kInt ? Value(std::int64_t{0}) : Value(0.0), .min = 0.0, .max = max,
           .unit = unit, .doc = doc});
  };
  machine("model.machine.cores", VT::kInt, 65536.0, "threads",
          "Hardware threads that run at once (the seed: 192); 0 = this machine's (hwloc PUs).");
  machine("model.machine.memory_gib", VT::kFloat, 1.0e6, "GiB",
          "Its RAM (the seed: 755); 0 = this machine's. What \"0 = all CPUs\" and the budget's \"auto\" resolve "
          "against when the model poses as it, with model.machine.cores.");
  machine("model.machine.mem_bw_gbps", VT::kFloat, 1.0e5, "GB/s",
          "Sustained DRAM bandwidth (the seed: ~333); 0 = measured here by a streaming copy on every hardware thread.");
  machine("model.machine.l3_mib", VT::kFloat, 1.0e6, "MiB",
          "L3 per domain (the seed: 32 per CCD); 0 = this machine's (hwloc).");
  machine("model.machine.l3_domains", VT::kInt, 4096.0, "domains",
          "L3 domains (the seed: 12 CCDs); 0 = this machine's (hwloc). At most model.machine.cores.");
  machine("model.machine.l3_miss_penalty", VT::kFloat, 100.0, "ratio",
          "Slowdown of a cache-reusing stage whose working set is wholly evicted (0.6 = +60%); 0 = the seed's 0.6 "
          "(prep_msm 1.7 s -> 2.7 s under L3 eviction by concurrent synthesis).");
  machine("model.machine.shootdown_us", VT::kFloat, 1.0e4, "us",
          "Stall of each running CPU per TLB shootdown IPI; 0 = measured here (munmap with a thread spinning on "
          "another CPU, against without).");
  machine("model.machine.bytes_per_shootdown", VT::kInt, 1.0e12, "bytes",
          "Bytes unmapped per shootdown broadcast; 0 = measured here (TLB IPIs in /proc/interrupts while unmapping), "
          "else 40 MiB assumed (Linux's mmu_gather batch).");
}

ConfigSchema build() {
  ConfigSchema s;
  add_workload(s);
  add_balance(s);
  add_batch_and_synthesis(s);
  add_gpus(s);
  add_toggles(s);
  add_interventions_and_engine(s);
  add_dispatch(s);
  add_counters(s);
  add_topology_and_memory(s);
  add_model_machine(s);
  return s;
}

}  // namespace

const ConfigSchema& pipeline_schema() {
  static const ConfigSchema schema = build();
  return schema;
}

}  // namespace zkc::config
