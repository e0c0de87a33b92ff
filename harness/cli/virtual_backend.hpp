// The virtual-time backend as the commands use it: which cost model, which contention mechanisms, and
// the prediction of one prepared run (the batch in virtual time twice, contention on and off, so the
// prediction separates the schedule from the contention tax), written as a normal results folder by
// execute_run when a PreparedRun asks for it (`zkcontend model`, `model --sweep`, `plan`).
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/run_plan.hpp"
#include "harness/vtime/contention_model.hpp"
#include "harness/vtime/memory_timeline.hpp"
#include "harness/vtime/virtual_engine.hpp"

namespace zkc::cli {

struct PreparedRun;
struct ConfigInput;

struct VirtualSpec {
  std::string costs = "profile";  // "profile", a results folder (its stages.csv), or a prover log
  std::string contention = "all";  // "all", "none", or a comma list of cpu, bandwidth, l3, tlb
  std::uint64_t seed = 1;
};

inline constexpr const char* kContentionMechanisms = "cpu, bandwidth, l3, tlb";

// --contention's text as switches; config::ConfigError naming the option and what is accepted.
harness::vtime::ContentionSwitches parse_contention(const std::string& text);

// This machine's facts as the modelled machine has them: model.machine.cores and memory_gib, where
// set, replace the CPUs and the memory "0 = all CPUs" and the budget's "auto" resolve against (the
// seed profile's gt = 0 is its 192 threads, not this machine's).
harness::MachineFacts modelled_machine(const config::Config& cfg, harness::MachineFacts here);
// prepare_run for the model: the configuration resolved on the modelled machine.
PreparedRun prepare_modelled_run(const ConfigInput& input);

// The options for one prepared run: its cost model from the spec's source (config::ConfigError when
// the source cannot be read), the machine's parameters from its configuration (model.machine.*).
harness::vtime::VirtualOptions virtual_options(const VirtualSpec& spec, const PreparedRun& run);

struct VirtualPrediction {
  harness::EngineResult result;    // contention as asked: the run written to the results folder
  analysis::RunMetrics with;       // its metrics
  analysis::RunMetrics schedule;   // contention off: the schedule alone
  harness::vtime::MemoryPeak peak;  // of `result`'s timeline (memory_timeline.hpp)
  harness::vtime::VirtualOptions options;
  // (with - schedule) / with x 100 of s/proof: how much of the prediction is contention.
  double contention_tax_pct() const;
};

VirtualPrediction predict(const PreparedRun& run, const VirtualSpec& spec);

// model.json / `model --json`: s_per_proof, avg_prove_s, gpu_util, peak_rss_gib, contention_tax_pct,
// the schedule's figures, the peak's breakdown, the cost source and every machine parameter with
// where it came from.
nlohmann::json prediction_json(const VirtualPrediction& p, const PreparedRun& run);

}  // namespace zkc::cli
