// The ci profile's run plan with overrides, on a posed machine (2 CPUs, 8 GiB): what the engine tests
// run. The machine is fixed so an automatic value resolves the same on every host.
#pragma once

#include <string>
#include <vector>

#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/run_plan.hpp"

namespace zkc::test {

inline harness::RunPlan ci_plan(std::vector<std::string> overrides) {
  const auto cfg = config::load_config_files(config::pipeline_schema(),
                                             {std::string(ZKC_SOURCE_DIR) + "/configs/ci.toml"}, overrides);
  harness::MachineFacts m;
  m.online_cpus = 2;
  m.mem_available_bytes = 8ull << 30;
  m.mem_total_bytes = 8ull << 30;
  m.cuda_note = "test";
  return harness::make_run_plan(cfg, m);
}

// The budget dispatcher as the current era runs it, small enough for the ci profile: ordered grants
// of 2 reservations, priority order, split finalize, a/b/c freed on the GPU worker.
inline const std::vector<std::string> kBudgetOverrides = {
    "engine.dispatch=\"budget\"", "engine.queue_order=\"priority\"", "engine.finalize=\"split\"",
    "engine.abc_release=\"gpu_worker\"", "engine.queue_event=\"GPU_QUEUE\"", "batch.count=3",
    "batch.concurrency=3", "budget.partitions=2", "engine.max_parallel_synthesis=4"};

// `a` followed by `more`.
inline std::vector<std::string> with(std::vector<std::string> a, const std::vector<std::string>& more) {
  a.insert(a.end(), more.begin(), more.end());
  return a;
}

}  // namespace zkc::test
