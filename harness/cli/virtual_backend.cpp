#include "harness/cli/virtual_backend.hpp"

#include <fmt/format.h>

#include <filesystem>
#include <sstream>

#include "analysis/ingest/prover_log.hpp"
#include "harness/cli/run_execution.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/vtime/cost_calibration.hpp"
#include "harness/vtime/machine_params.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;
using harness::vtime::ContentionSwitches;

analysis::RunMetrics metrics_of(const harness::RunPlan& plan, const harness::EngineResult& r) {
  analysis::MetricsOptions mo;
  mo.idle_gap_min_ms = plan.idle_gap_min_ms;
  mo.partitions_per_proof = plan.partitions;
  return analysis::compute_metrics(r.events, mo);
}

harness::vtime::CostModel costs_from(const std::string& source, const harness::RunPlan& plan) {
  if (source == "profile") return harness::vtime::cost_from_plan(plan);
  std::error_code ec;
  const fs::path path(source);
  try {
    if (fs::is_directory(path, ec)) return harness::vtime::cost_from_run(harness::load_run(path), plan);
    if (fs::is_regular_file(path, ec)) {
      analysis::RunData log = analysis::run_data_from_log(analysis::read_prover_log(path), path.filename().string());
      return harness::vtime::cost_from_log(log, plan);
    }
  } catch (const config::ConfigError&) {
    throw;
  } catch (const std::exception& e) {
    throw config::ConfigError(fmt::format("--costs {}: {}", source, e.what()));
  }
  throw config::ConfigError(fmt::format("--costs {}: no such folder or file; accepted: profile (the profile's "
                                        "full-scale stage times), a results folder (its stages.csv: an isolation run, "
                                        "c=1 j=1, is the reference), or a real prover's log",
                                        source));
}

}  // namespace

ContentionSwitches parse_contention(const std::string& text) {
  if (text == "all") return {};
  if (text == "none") return ContentionSwitches::none();
  ContentionSwitches on = ContentionSwitches::none();
  std::stringstream list(text);
  std::string item;
  bool any = false;
  while (std::getline(list, item, ',')) {
    if (item == "cpu") on.cpu = true;
    else if (item == "bandwidth") on.bandwidth = true;
    else if (item == "l3") on.l3 = true;
    else if (item == "tlb") on.tlb = true;
    else
      throw config::ConfigError(fmt::format("--contention '{}': '{}' is not a mechanism; accepted: all, none, or a "
                                            "comma list of {}",
                                            text, item, kContentionMechanisms));
    any = true;
  }
  if (!any)
    throw config::ConfigError(
        fmt::format("--contention '{}': accepted: all, none, or a comma list of {}", text, kContentionMechanisms));
  return on;
}

harness::MachineFacts modelled_machine(const config::Config& cfg, harness::MachineFacts here) {
  if (const auto cores = cfg.get_int("model.machine.cores"); cores > 0) here.online_cpus = static_cast<unsigned>(cores);
  if (const double gib = cfg.get_double("model.machine.memory_gib"); gib > 0) {
    here.mem_total_bytes = static_cast<std::uint64_t>(gib * 1024 * 1024 * 1024);
    here.mem_available_bytes = here.mem_total_bytes;
  }
  return here;
}

PreparedRun prepare_modelled_run(const ConfigInput& input) {
  return prepare_run(input, modelled_machine(load_input(input), machine_facts()));
}

harness::vtime::VirtualOptions virtual_options(const VirtualSpec& spec, const PreparedRun& run) {
  harness::vtime::VirtualOptions o;
  o.costs = costs_from(spec.costs, run.plan);
  o.machine = harness::vtime::machine_params(run.config);
  o.contention = parse_contention(spec.contention);
  o.seed = spec.seed;
  std::error_code ec;
  if (spec.costs != "profile" && fs::is_directory(spec.costs, ec)) {
    // A measured run: its stage medians hold its own schedule's contention; calibrated on its own
    // configuration so the contention model does not add it twice (cost_calibration.hpp).
    const fs::path dir(spec.costs);
    if (!fs::is_regular_file(dir / "config.toml", ec))
      throw config::ConfigError(fmt::format("--costs {}: no config.toml: not a results folder of a run", spec.costs));
    const PreparedRun measured = prepare_modelled_run(ConfigInput{{(dir / "config.toml").string()}, {}});
    auto cal = harness::vtime::calibrate_to_run(o.costs, measured.plan, harness::load_run(dir),
                                                 harness::vtime::machine_params(measured.config), o.contention);
    o.costs = std::move(cal.costs);
    o.costs.source += fmt::format(", calibrated to its own schedule ({} iteration{}, stages within {:.1f}%)",
                                  cal.iterations, cal.iterations == 1 ? "" : "s", 100 * cal.worst_error);
  }
  return o;
}

double VirtualPrediction::contention_tax_pct() const {
  return with.s_per_proof > 0 ? 100.0 * (with.s_per_proof - schedule.s_per_proof) / with.s_per_proof : 0.0;
}

VirtualPrediction predict(const PreparedRun& run, const VirtualSpec& spec) {
  VirtualPrediction p;
  p.options = virtual_options(spec, run);
  p.result = harness::vtime::run_virtual(run.plan, p.options);
  p.with = metrics_of(run.plan, p.result);
  harness::vtime::VirtualOptions off = p.options;
  off.contention = ContentionSwitches::none();
  p.schedule = metrics_of(run.plan, harness::vtime::run_virtual(run.plan, off));
  p.peak = harness::vtime::account_memory(run.plan, p.result.events).peak();
  return p;
}

nlohmann::json prediction_json(const VirtualPrediction& p, const PreparedRun& run) {
  constexpr double kGiB = 1024.0 * 1024 * 1024;
  nlohmann::json machine = nlohmann::json::object();
  const auto param = [&](const char* name, const harness::vtime::Parameter& v) {
    machine[name] = {{"value", v.value}, {"source", v.source}};
  };
  const auto& m = p.options.machine;
  param("cores", m.cores);
  param("mem_bw_gbps", m.mem_bw_gbps);
  param("l3_bytes", m.l3_bytes);
  param("l3_domains", m.l3_domains);
  param("l3_miss_penalty", m.l3_miss_penalty);
  param("shootdown_us", m.shootdown_us);
  param("bytes_per_shootdown", m.bytes_per_shootdown);
  nlohmann::json in_flight = nlohmann::json::array();
  for (const auto& [what, bytes] : p.peak.by_item) in_flight.push_back({{"what", what}, {"gib", bytes / kGiB}});
  const auto& c = p.options.contention;
  return {{"s_per_proof", p.with.s_per_proof},
          {"avg_prove_s", p.with.avg_prove_s},
          {"gpu_util", p.with.gpu_util},
          {"peak_rss_gib", static_cast<double>(p.peak.bytes) / kGiB},
          {"contention_tax_pct", p.contention_tax_pct()},
          {"schedule",
           {{"s_per_proof", p.schedule.s_per_proof},
            {"avg_prove_s", p.schedule.avg_prove_s},
            {"gpu_util", p.schedule.gpu_util}}},
          {"steady_s_per_proof", p.with.steady_s_per_proof},
          {"avg_gpu_per_partition_s", p.with.avg_gpu_per_partition_s},
          {"proofs", run.plan.proofs},
          {"concurrency", run.plan.concurrency},
          {"partition_workers", run.plan.partition_workers},
          {"gpu_workers_per_device", run.plan.gpu_workers_per_device},
          {"gpu_threads", run.plan.gpu_threads},
          {"peak",
           {{"at_s", p.peak.at_ms / 1000.0}, {"partitions_live", p.peak.partitions_live}, {"in_flight", in_flight}}},
          {"costs", p.options.costs.source},
          {"contention", {{"cpu", c.cpu}, {"bandwidth", c.bandwidth}, {"l3", c.l3}, {"tlb", c.tlb}}},
          {"machine", machine},
          {"seed", p.options.seed}};
}

}  // namespace zkc::cli
