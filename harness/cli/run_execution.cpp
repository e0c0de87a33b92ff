#include "harness/cli/run_execution.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <cerrno>
#include <limits>
#include <optional>
#include <system_error>
#include <thread>

#include "model/metric_catalog.hpp"
#include "analysis/metrics/run_metrics.hpp"
#include "harness/balance/balance_fit.hpp"
#include "harness/balance/balance_report.hpp"
#include "harness/cli/app.hpp"
#include "harness/cli/progress_line.hpp"
#include "harness/config/config_writer.hpp"
#include "harness/counters/availability.hpp"
#include "harness/counters/counter_catalog.hpp"
#include "harness/config/embedded_profile.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/engine/engine.hpp"
#include "harness/engine/memory_estimate.hpp"
#include "analysis/metrics/windowed_rate.hpp"
#include "harness/results/counters_timeline_csv.hpp"
#include "harness/results/meta_json.hpp"
#include "harness/results/placement_csv.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/results/stage_counters_csv.hpp"
#include "harness/results/memory_report.hpp"
#include "harness/results/noise_report.hpp"
#include "harness/results/stages_csv.hpp"
#include "harness/results/summary_writer.hpp"
#include "harness/system/text_file.hpp"
#include "harness/results/timeline_csv.hpp"
#include "harness/system/proc_readers.hpp"
#include "kernels/cuda/device_info.hpp"
#include "workloads/gpu/vram_model.hpp"
#include "model/stages.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;
using harness::RunPlan;

// What a folder name given on the command line may be (harness::is_plain_run_id); a leading '.' is
// refused because hidden names are the results folder's own (`.tmp-` marks an unfinished run).
constexpr const char* kPlainName = "accepted: a plain name of letters, digits, '.', '_', '-', not starting with '.'";

void write_results(const fs::path& dir, const config::Config& resolved, const RunPlan& plan,
                   const harness::EngineResult& r, const analysis::RunMetrics& metrics,
                   const std::vector<analysis::MetricRow>& extra, const nlohmann::json& balance) {
  harness::write_text_file(dir / "config.toml", config::resolved_config_toml(resolved));
  nlohmann::json meta = harness::collect_meta();
  meta["run"] = {{"gpu_backend", r.gpu_backend},
                 {"gpu_backend_note", plan.backend_note},
                 {"scale", plan.scale},
                 {"setup_ms", r.setup_ms},
                 {"pce_bytes", r.pce_bytes},
                 {"srs_bytes", r.srs_bytes},
                 {"srs_pinned", r.srs_pinned},
                 {"srs_pin_note", r.srs_pin_note}};
  meta["counters"] = harness::counters::availability_report_json(
      harness::counters::availability_report(harness::counters::default_catalog(), harness::counters::real_perf_syscalls()));
  for (std::size_t i = 0; i < r.running_fraction.size() && i < r.counter_names.size(); ++i) {
    meta["counters"]["running_fraction"][r.counter_names[i]] =
        r.running_fraction[i] ? nlohmann::json(*r.running_fraction[i]) : nlohmann::json(nullptr);
  }
  // Where threads were to run and where they did; never claims a binding that did not happen.
  nlohmann::json pools = nlohmann::json::array();
  for (const auto& b : r.bindings) {
    pools.push_back({{"pool", harness::topology::pool_key(b.plan.kind)},
                     {"cpus", harness::topology::format_index_list(b.plan.pus)},
                     {"how", b.plan.how},
                     {"threads", b.threads},
                     {"result", b.result}});
  }
  nlohmann::json ran = nlohmann::json::array();
  for (const auto& pool : r.placement_by_pool) {
    ran.push_back({{"pool", pool.pool},
                   {"threads", pool.threads},
                   {"samples", pool.samples},
                   {"cpus", harness::topology::format_index_list(pool.cpus)},
                   {"migrations", pool.migrations},
                   {"migrations_source", pool.migrations_source}});
  }
  meta["placement"] = {{"topology", plan.topology_summary},
                       {"ran_on", ran},
                       {"sampling_errors", r.placement_errors},
                       {"binding", plan.binding_simulated ? "simulated" : "real"},
                       {"policy", plan.pinning.policy},
                       {"pools", pools},
                       {"numa", workloads::to_string(plan.numa)},
                       {"numa_result", r.numa_note.empty() ? "ok" : r.numa_note}};
  meta["counters"]["sampler"] = {{"interval_ms", plan.counter_interval_ms},
                                 {"samples", r.counter_rows.size()},
                                 {"status", r.counter_status.empty() ? "ok" : r.counter_status}};
  meta["memory"] = harness::memory_json(plan, r);
  meta["balance"] = balance;
  meta["noise"] = harness::noise_json(r.noise);
  harness::write_text_file(dir / "meta.json", meta.dump(2) + "\n");
  harness::write_timeline_csv(dir / "timeline.csv", r.events);
  harness::write_stages_csv(dir / "stages.csv", r.spans, r.counter_names);
  harness::write_placement_csv(dir / "placement.csv", r.placement);
  if (!r.counter_names.empty()) {
    harness::write_stage_counters_csv(dir / "stage_counters.csv",
                                      harness::stage_counter_totals(r.spans, r.counter_names));
  }
  if (!r.counter_rows.empty()) harness::write_counters_timeline_csv(dir / "counters_timeline.csv", r.counter_rows);
  harness::write_summary_csv(dir / "summary.csv", metrics, extra);
  harness::write_summary_json(dir / "summary.json", metrics, extra);
}

// Tier 0 counter figures over the batch: shootdown IPIs (whole machine, from /proc/interrupts) inside
// and outside dealloc windows, and the process's faults and context switches. NaN (empty in the
// files) where the source was unavailable.
std::vector<analysis::MetricRow> counter_rows(const harness::EngineResult& r) {
  constexpr double kNa = std::numeric_limits<double>::quiet_NaN();
  const auto& rows = r.counter_rows;
  const bool tlb = !rows.empty() && rows.front().tlb_available && rows.back().tlb_available;
  double shootdowns = kNa, in_rate = kNa, out_rate = kNa;
  if (tlb) {
    std::vector<analysis::CounterSample> samples;
    for (const auto& row : rows) samples.push_back({row.t_ms, static_cast<double>(row.tlb_total)});
    shootdowns = samples.back().value - samples.front().value;
    const auto rate = analysis::windowed_rate(samples, analysis::dealloc_windows(r.events));
    in_rate = rate.inside_ms > 0 ? rate.inside_per_s() : kNa;
    out_rate = rate.outside_ms > 0 ? rate.outside_per_s() : kNa;
  }
  const auto delta = [&](auto field) {
    return rows.size() < 2 ? kNa : static_cast<double>(field(rows.back()) - field(rows.front()));
  };
  // Tier 2: L3 misses per b_g2_msm and per SpMV (pool-wide over each stage), from stages.csv's rows.
  const auto per_stage_mean = [&](const std::string& counter, model::Stage stage) {
    const auto it = std::find(r.counter_names.begin(), r.counter_names.end(), counter);
    if (it == r.counter_names.end()) return kNa;
    const auto k = static_cast<std::size_t>(it - r.counter_names.begin());
    double sum = 0;
    std::size_t n = 0;
    for (const auto& span : r.spans) {
      if (span.stage != model::name(stage) || k >= span.counters.size() || !span.counters[k]) continue;
      sum += *span.counters[k];
      ++n;
    }
    return n == 0 ? kNa : sum / static_cast<double>(n);
  };
  using analysis::metric_row;
  return {
      metric_row("l3_misses_per_b_g2", per_stage_mean("l3_misses", model::Stage::kBG2Msm)),
      metric_row("l3_misses_per_spmv", per_stage_mean("l3_misses", model::Stage::kSpmv)),
      metric_row("dtlb_misses_per_b_g2", per_stage_mean("dtlb_misses", model::Stage::kBG2Msm)),
      metric_row("dtlb_misses_per_spmv", per_stage_mean("dtlb_misses", model::Stage::kSpmv)),
      metric_row("tlb_shootdowns", shootdowns),
      metric_row("tlb_shootdowns_per_s_in_dealloc", in_rate),
      metric_row("tlb_shootdowns_per_s_outside_dealloc", out_rate),
      metric_row("minor_faults", delta([](const auto& x) { return x.usage.minor_faults; })),
      metric_row("major_faults", delta([](const auto& x) { return x.usage.major_faults; })),
      metric_row("voluntary_ctx_switches", delta([](const auto& x) { return x.usage.voluntary_ctx_switches; })),
      metric_row("involuntary_ctx_switches", delta([](const auto& x) { return x.usage.involuntary_ctx_switches; })),
  };
}


// The peak RSS of this process resets before each run (clear_refs "5"), so every run's peak_rss_mib
// is its own even when ab or sweep run many in one process. Returns why not, or "".
std::string reset_peak_rss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (f == nullptr) return fmt::format("/proc/self/clear_refs: {}", std::strerror(errno));
  const bool ok = std::fputs("5", f) >= 0;
  const int err = errno;
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) return fmt::format("/proc/self/clear_refs: {}", std::strerror(ok ? errno : err));
  return "";
}

}  // namespace

harness::MachineFacts machine_facts() {
  harness::MachineFacts m;
  m.online_cpus = std::max(1u, std::thread::hardware_concurrency());
  m.mem_available_bytes = harness::read_mem_available_bytes().value_or(0);
  m.mem_total_bytes = harness::read_mem_total_bytes().value_or(0);
  const gpu::Probe probe = gpu::probe_devices();
  m.cuda_device_present = !probe.devices.empty();
  m.cuda_devices = static_cast<unsigned>(probe.devices.size());
  m.cuda_device_name = probe.devices.empty() ? "" : probe.devices.front().name;
  m.cuda_note = probe.devices.empty() ? probe.status : "";
  return m;
}

std::string describe_plan(const RunPlan& p) {
  const std::string balance =
      !p.balance_seed ? "balance uniform"
      : p.fit ? fmt::format("balance seed: witness {} muls/var, prep x{:.2f}, b_g2 {} points, gpu_total {:.3g} ms",
                            p.witness.muls_per_var, p.prep_passes, p.b_g2_points, p.fit->sizes.gpu_total_ms)
              : std::string("balance seed (fit pending)");
  return fmt::format(
      "c={} j={} P={} pw={} gw={} x {} device(s) gt={} synthesis threads={} | scale {:.6g}: {} constraints, "
      "domain 2^{}, b_g2 base {} | {} | {} | gpu {} | numa {} | {}",
      p.proofs, p.concurrency, p.partitions, p.partition_workers, p.gpu_workers_per_device, p.devices, p.gpu_threads,
      p.synthesis_threads, p.scale, p.shape.constraints, p.shape.domain_log2, p.shape.srs_b_g2, balance,
      p.toggle_summary, p.backend_note, workloads::to_string(p.numa), p.topology_summary);
}

std::string machine_notes(const RunPlan& plan) {
  if (!plan.counters) return "";
  const std::string tracefs = harness::counters::tracefs_hint();
  return tracefs.empty() ? "" : "note: " + tracefs + "\n";
}

void check_results_root(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) throw config::ConfigError(fmt::format("--results {}: cannot create it: {}", root.string(), ec.message()));
  if (access(root.c_str(), W_OK | X_OK) != 0) {
    throw config::ConfigError(fmt::format("--results {}: not writable: {}", root.string(), std::strerror(errno)));
  }
}


void check_run_id(const std::string& run_id) {
  if (!harness::is_plain_run_id(run_id)) throw config::ConfigError(fmt::format("--run-id '{}': {}", run_id, kPlainName));
}

void check_new_folder(const fs::path& root, const std::string& id, const std::string& option) {
  try {
    check_run_id(id);
  } catch (const config::ConfigError&) {
    throw config::ConfigError(fmt::format("{} '{}': {}", option, id, kPlainName));
  }
  check_results_root(root);
  if (fs::exists(root / id)) {
    throw config::ConfigError(fmt::format("{} {}: {} already exists", option, id, (root / id).string()));
  }
}

void add_profile_options(CLI::App& cmd, ProfileOptions& opts, bool with_batch) {
  cmd.add_option("--config", opts.files, "Profile TOML file(s); later files win (default: embedded default)")
      ->check(CLI::ExistingFile);
  cmd.add_option("--set", opts.overrides, "Override a key: --set batch.count=10 (repeatable, after the files)");
  if (!with_batch) return;
  cmd.add_option("-c,--count", opts.count, "Proofs in the batch (batch.count)")->check(CLI::Range(1, 100000));
  cmd.add_option("-j,--concurrency", opts.concurrency, "Proofs in flight (batch.concurrency)")
      ->check(CLI::Range(1, 10000));
}

ConfigInput config_input(const ProfileOptions& opts) {
  ConfigInput input{opts.files, opts.overrides};
  if (opts.count > 0) input.overrides.push_back(fmt::format("batch.count={}", opts.count));
  if (opts.concurrency > 0) input.overrides.push_back(fmt::format("batch.concurrency={}", opts.concurrency));
  return input;
}

bool over_memory_limit(const RunPlan& plan, const harness::MachineFacts& machine) {
  return static_cast<double>(harness::estimate_memory(plan).total()) >
         harness::kMemoryLimitFraction * static_cast<double>(machine.mem_available_bytes);
}

config::Config load_input(const ConfigInput& input) {
  const auto& schema = config::pipeline_schema();
  if (input.files.empty()) {
    return config::load_config(
        schema, {{std::string(config::kDefaultProfileName), std::string(config::default_profile_toml())}},
        input.overrides);
  }
  std::vector<fs::path> files(input.files.begin(), input.files.end());
  return config::load_config_files(schema, files, input.overrides);
}

PreparedRun prepare_run(const ConfigInput& input, const harness::MachineFacts& machine) {
  PreparedRun out;
  out.config = load_input(input);
  out.plan = harness::make_run_plan(out.config, machine);
  for (const auto& r : out.plan.resolved) out.config.set_resolved(r.key, r.value, "auto: " + r.why);
  return out;
}

void apply_balance(const std::vector<PreparedRun*>& runs, ProgressLine* progress) {
  if (runs.empty() || !runs.front()->plan.balance_seed) return;
  const auto step = [&](const std::string& s) {
    if (progress != nullptr) progress->step(s);
  };
  const harness::BalanceFit fit =
      harness::obtain_fit(runs.front()->plan, runs.front()->config.get_bool("balance.cache"), step);
  if (progress != nullptr) progress->clear();
  for (PreparedRun* r : runs) {
    harness::apply_balance_fit(r->plan, fit);
    if (r->plan.balance_seed) {
      r->config.set_resolved("synthesis.witness_muls_per_var", std::int64_t{r->plan.witness.muls_per_var},
                             "balance fit: witness generation at its share of synthesis");
    }
  }
}

bool fit_groups(const std::vector<std::vector<PreparedRun*>>& groups, bool quiet, std::string_view command) {
  ProgressLine fit_progress(!quiet);
  try {
    for (const auto& runs : groups) apply_balance(runs, &fit_progress);
  } catch (const std::exception& e) {
    fit_progress.clear();
    fmt::print(stderr, "zkcontend {}: the balance fit failed: {}\n", command, e.what());
    return false;
  }
  return true;
}

RunOutcome execute_run(const PreparedRun& run, const fs::path& root, const std::string& run_id,
                       ProgressLine* progress) {
  const RunPlan& plan = run.plan;
  // The folder is claimed before the run, not after it: a run that finished is never lost to another
  // that took the name meanwhile (the commit then goes to <run-id>-2), and a name taken before this
  // run started is refused before it costs anything.
  std::optional<harness::RunDirectory> dir;
  try {
    dir.emplace(harness::RunDirectory::create(root, run_id));
  } catch (const std::system_error& e) {
    if (e.code().value() == EEXIST) throw config::ConfigError(fmt::format("--run-id {}: {}", run_id, e.what()));
    throw;
  }
  if (run.virtual_backend) {
    const auto started = std::chrono::steady_clock::now();
    VirtualPrediction p = predict(run, *run.virtual_backend);
    const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    const nlohmann::json model = prediction_json(p, run);
    RunOutcome out = commit_results(run, *dir, p.result, ms, static_cast<double>(p.peak.bytes) / (1 << 20),
                                    [&](const fs::path& folder) {
                                      harness::write_text_file(folder / "model.json", model.dump(2) + "\n");
                                    });
    out.prediction = std::move(p);
    return out;
  }
  const std::string rss_note = reset_peak_rss();
  harness::EngineCallbacks cb;
  if (progress != nullptr) {
    cb.on_setup_step = [&](const std::string& s) { progress->step(s); };
    cb.on_tick = [&](const harness::PipelineProgress& p, double elapsed) {
      progress->update(p, plan.proofs, plan.proofs * plan.partitions, elapsed);
    };
  }
  harness::EngineResult result;
  const auto engine_started = std::chrono::steady_clock::now();
  try {
    result = harness::run_engine(plan, cb);
  } catch (...) {
    if (progress != nullptr) progress->clear();
    throw;
  }
  if (progress != nullptr) progress->clear();
  // The whole engine call: set-up, the batch, and what follows its last proof (joins, dealloc drain).
  const double engine_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - engine_started).count();
  const double peak_rss_mib = rss_note.empty()
                                  ? static_cast<double>(harness::read_peak_rss_bytes().value_or(0)) / (1 << 20)
                                  : std::numeric_limits<double>::quiet_NaN();
  return commit_results(run, *dir, result, engine_ms, peak_rss_mib, {});
}


RunOutcome commit_results(const PreparedRun& run, harness::RunDirectory& dir, const harness::EngineResult& result,
                          double engine_ms, double peak_rss_mib,
                          const std::function<void(const fs::path&)>& write_more) {
  const RunPlan& plan = run.plan;
  analysis::MetricsOptions mo;
  mo.idle_gap_min_ms = plan.idle_gap_min_ms;
  mo.partitions_per_proof = plan.partitions;
  RunOutcome out;
  out.metrics = analysis::compute_metrics(result.events, mo);
  const auto& metrics = out.metrics;
  using analysis::metric_row;
  std::vector<analysis::MetricRow> extra = {
      metric_row("peak_rss_mib", peak_rss_mib),
      metric_row("vram_peak_mib", static_cast<double>(result.vram_peak_bytes) / (1 << 20)),
      metric_row("throttle_checks", static_cast<double>(result.totals.throttle_checks)),
      metric_row("spmv_chunks", static_cast<double>(result.totals.spmv_chunks)),
      metric_row("b_g2_points_per_partition",
                 metrics.partitions_completed == 0 ? 0.0
                                                   : static_cast<double>(result.totals.b_g2_points_total) /
                                                         static_cast<double>(metrics.partitions_completed)),
      metric_row("b_g2_window", static_cast<double>(result.totals.b_g2_plan.window)),
      metric_row("setup_ms", result.setup_ms),
      metric_row("engine_ms", engine_ms),
  };
  for (auto& row : counter_rows(result)) extra.push_back(std::move(row));
  for (auto& row : harness::memory_rows(plan, result)) extra.push_back(std::move(row));
  for (auto& row : harness::noise_rows(result.noise)) extra.push_back(std::move(row));
  // The balance as run: the numbers achieved from this run's medians, beside the targets.
  const harness::StageMedians measured = harness::stage_medians(metrics, result.spans);
  const auto numbers = harness::balance_numbers(plan, &measured);
  // One row per number, under its own name unless the metrics already have it (post_lock_share).
  const auto rows = analysis::metric_rows(metrics);
  for (const auto& n : numbers) {
    const bool known = std::any_of(rows.begin(), rows.end(), [&](const auto& r) { return r.name == n.key; });
    if (!known) extra.push_back(analysis::metric_row("balance_" + n.key, n.achieved));
  }
  const auto triggers = harness::balance_triggers(plan);
  const nlohmann::json balance = harness::balance_json(plan, numbers, triggers, &measured);
  out.extra = extra;
  out.noise = result.noise;
  out.balance = harness::format_balance(plan, numbers, triggers);
  write_results(dir.path(), run.config, plan, result, metrics, extra, balance);
  if (write_more) write_more(dir.path());
  out.dir = dir.commit();
  if (dir.renamed()) {
    fmt::print(stderr, "zkcontend: the folder's name was taken meanwhile (another run with the same id); this run "
                       "is in {}\n",
               out.dir.string());
  }
  return out;
}

}  // namespace zkc::cli
