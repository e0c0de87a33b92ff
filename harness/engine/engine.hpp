// Engine: one complete run of a plan. Builds the run's explicit resources (the synthesis and
// groth16 pools, the shared PCE, the pinned SRS, one GpuResources per device) before the clock
// starts, runs the batch through the Pipeline, and hands back what was recorded.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "harness/counters/counter_sampler.hpp"
#include "harness/engine/partition_memory.hpp"
#include "harness/engine/pipeline.hpp"
#include "harness/engine/thread_placer.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/recorder/recorder.hpp"
#include "harness/system/noise_sample.hpp"
#include "harness/system/proc_readers.hpp"

namespace zkc::harness {

struct EngineResult {
  std::vector<analysis::TimelineEvent> events;
  std::vector<StageSpan> spans;
  PipelineTotals totals;
  double setup_ms = 0;        // building pools, PCE and SRS (before the clock)
  double pce_bytes = 0;
  double srs_bytes = 0;
  bool srs_pinned = false;
  std::string srs_pin_note;
  std::uint64_t vram_peak_bytes = 0;  // over devices
  std::string gpu_backend;            // "sim"
  // Tier 0 counters sampled through the batch (empty when counters.enabled = false), and what the
  // sampler could not read, in words ("" when everything was read).
  std::vector<counters::SamplerRow> counter_rows;
  std::string counter_status;
  // Tier 1/2: the catalog's counter names (the order of every StageSpan::counters), and each pool's
  // totals over the batch (its workers summed; nullopt where unavailable). Empty when disabled.
  std::vector<std::string> counter_names;
  std::vector<std::optional<double>> synthesis_pool_counters;
  std::vector<std::optional<double>> groth16_pool_counters;
  // Per counter, the smallest share of the batch any pool worker's counter was on the PMU (1 = never
  // multiplexed; tier 2 counters below 1 were scaled up from a sample). nullopt where unavailable.
  std::vector<std::optional<double>> running_fraction;
  // Placement: per pool the pin plan and what binding did; per thread where it ran; how the NUMA
  // policy went ("" = applied or none asked).
  std::vector<ThreadPlacer::PoolBinding> bindings;
  std::vector<topology::PlacementRow> placement;
  std::vector<topology::PoolPlacement> placement_by_pool;
  std::vector<std::string> placement_errors;
  std::string numa_note;
  // memory.*: the partition buffers' source and its counts (read after the batch), the first reason
  // memory.thp could not be applied ("" = applied or not asked), and the process's THP footprint
  // from smaps_rollup: after set-up, the largest of the ~1 s readings during the batch, and at the
  // end (arena slots and free lists still hold their pages then). smaps_note: why it was unreadable.
  MemoryStats memory;
  std::string thp_note;
  std::optional<SmapsRollup> smaps_after_setup, smaps_peak, smaps_end;
  std::string smaps_note;
  // What else used the machine during the batch (steal, other processes, load, throttling): snapshots
  // just before the clock starts and just after the last proof, so set-up is not counted.
  NoiseReading noise;
};

struct EngineCallbacks {
  std::function<void(const std::string& step)> on_setup_step;  // "building shared PCE", ...
  // Called on the calling thread every ~250 ms while the batch runs.
  std::function<void(const PipelineProgress&, double elapsed_s)> on_tick;
};

// Throws what the pipeline throws (workloads::GpuOutOfMemory, std::system_error ...).
EngineResult run_engine(const RunPlan& plan, const EngineCallbacks& callbacks = {});

}  // namespace zkc::harness
