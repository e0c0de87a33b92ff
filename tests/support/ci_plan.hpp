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

}  // namespace zkc::test
