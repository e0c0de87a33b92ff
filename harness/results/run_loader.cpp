#include "harness/results/run_loader.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <toml++/toml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>
#include <limits>
#include <stdexcept>

#include "analysis/ingest/prover_log.hpp"
#include "harness/results/csv.hpp"
#include "harness/results/recorded_settings.hpp"
#include "harness/system/text_file.hpp"
#include "harness/results/timeline_csv.hpp"
#include "model/experiment.hpp"

namespace zkc::harness {
namespace {

namespace fs = std::filesystem;

double parse_number(const std::string& s, const fs::path& file, std::size_t line) {
  if (s.empty()) return std::numeric_limits<double>::quiet_NaN();  // not measured
  if (const auto v = csv_number(s)) return *v;
  throw std::runtime_error(fmt::format("{}:{}: '{}' is not a number", file.string(), line, s));
}

// Every setting of config.toml as text, by dotted key.
std::map<std::string, std::string> flat_config(const fs::path& path) {
  toml::table doc;
  try {
    doc = toml::parse(read_text_file(path), path.string());
  } catch (const toml::parse_error& e) {
    throw std::runtime_error(fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description()));
  }
  std::map<std::string, std::string> out;
  std::vector<std::pair<std::string, const toml::table*>> stack = {{"", &doc}};
  while (!stack.empty()) {
    auto [prefix, t] = stack.back();
    stack.pop_back();
    for (const auto& [k, v] : *t) {
      const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
      if (const auto* sub = v.as_table()) {
        stack.emplace_back(key, sub);
      } else if (v.is_string()) {
        out[key] = *v.value<std::string>();
      } else if (v.is_boolean()) {
        out[key] = *v.value<bool>() ? "true" : "false";
      } else if (v.is_integer()) {
        out[key] = std::to_string(*v.value<std::int64_t>());
      } else if (v.is_floating_point()) {
        out[key] = fmt::format("{}", *v.value<double>());
      }
    }
  }
  return out;
}

std::vector<analysis::StageRow> read_stages(const fs::path& path) {
  const auto records = parse_csv(read_text_file(path), path.string());
  if (records.empty() || records[0].fields.size() < 8 || records[0].fields[0] != "proof") {
    throw std::runtime_error(fmt::format("{}:1: expected the stages.csv header", path.string()));
  }
  const auto& header = records[0].fields;
  std::vector<analysis::StageRow> out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    const std::size_t line = records[r].line;
    if (f.size() != header.size()) {
      throw std::runtime_error(
          fmt::format("{}:{}: {} fields, the header has {}", path.string(), line, f.size(), header.size()));
    }
    analysis::StageRow row;
    row.proof = static_cast<int>(parse_number(f[0], path, line));
    row.partition = static_cast<int>(parse_number(f[1], path, line));
    row.stage = f[2];
    row.start_ms = parse_number(f[3], path, line);
    row.end_ms = parse_number(f[4], path, line);
    row.worker = f[7];
    for (std::size_t c = 8; c < f.size(); ++c) {
      if (!f[c].empty()) row.counters[header[c]] = parse_number(f[c], path, line);
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<analysis::CounterPoint> read_counter_points(const fs::path& path) {
  const auto records = parse_csv(read_text_file(path), path.string());
  if (records.empty()) return {};
  const auto& h = records[0].fields;
  const auto col = [&](const char* name) -> std::optional<std::size_t> {
    for (std::size_t i = 0; i < h.size(); ++i) {
      if (h[i] == name) return i;
    }
    return std::nullopt;
  };
  const auto t = col("t_ms"), tlb = col("tlb_shootdowns_total"), faults = col("minor_faults"), rss = col("rss_mib");
  if (!t) throw std::runtime_error(fmt::format("{}:1: no t_ms column", path.string()));
  std::vector<analysis::CounterPoint> out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    const auto get = [&](std::optional<std::size_t> c) {
      return c && *c < f.size() ? parse_number(f[*c], path, records[r].line) : std::numeric_limits<double>::quiet_NaN();
    };
    out.push_back({get(t), get(tlb), get(faults), get(rss)});
  }
  return out;
}

// One note per counter that was not available, from meta.json's availability matrix, and one when the
// pinned pool ran unlocked.
std::vector<std::string> counter_notes(const fs::path& path) {
  std::vector<std::string> notes;
  const auto meta = nlohmann::json::parse(read_text_file(path), nullptr, false);
  // A cut file (a full disk, a copy interrupted) is named, not read as "no notes".
  if (meta.is_discarded() || !meta.is_object())
    throw std::runtime_error(fmt::format("{}: not valid JSON (cut short or damaged); accepted: the meta.json a run "
                                         "writes",
                                         path.string()));
  // The pinned pool's memory could not be page-locked here (a refused mlock): said once per run.
  if (meta.contains("memory") && meta["memory"].is_object() && meta["memory"].contains("pinned_pool") &&
      meta["memory"]["pinned_pool"].is_object()) {
    const std::string locked = meta["memory"]["pinned_pool"].value("locked", "ok");
    if (locked != "ok") notes.push_back("pinned pool: " + locked);
  }
  if (!meta.contains("counters") || !meta["counters"].contains("counters")) return notes;
  for (const auto& c : meta["counters"]["counters"]) {
    if (c.value("availability", "") == "available") continue;
    notes.push_back(fmt::format("{}: {} ({})", c.value("name", "?"), c.value("availability", "?"),
                                c.value("detail", "")));
  }
  return notes;
}

}  // namespace

std::vector<analysis::MetricRow> read_summary_csv(const fs::path& path) {
  const auto records = parse_csv(read_text_file(path), path.string());
  if (records.empty() || records[0].fields != std::vector<std::string>{"metric", "value", "unit"}) {
    throw std::runtime_error(fmt::format("{}:1: expected the header metric,value,unit", path.string()));
  }
  std::vector<analysis::MetricRow> out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (f.size() != 3) {
      throw std::runtime_error(fmt::format("{}:{}: expected 3 fields, got {}", path.string(), records[r].line, f.size()));
    }
    out.push_back({f[0], parse_number(f[1], path, records[r].line), f[2]});
  }
  return out;
}

bool is_run_folder(const fs::path& dir) {
  return fs::is_regular_file(dir / "timeline.csv") && fs::is_regular_file(dir / "summary.csv");
}

namespace {

// The run's own settings for recomputing its metrics: from config.toml (a run, ab or sweep folder),
// else from analyze.json or the timeline itself (an analyzed prover log has no configuration).
analysis::MetricsOptions metrics_options(const fs::path& dir, analysis::RunData& run) {
  analysis::MetricsOptions mo;
  const fs::path config = dir / "config.toml";
  std::error_code ec;
  if (fs::exists(config, ec)) {
    run.config = flat_config(config);
    if (run.config.empty()) {
      throw std::runtime_error(fmt::format("{}: no settings (an empty file); accepted: the config.toml a run writes "
                                           "(its resolved configuration)",
                                           config.string()));
    }
    run.label = model::concurrency_label(run.config);
    // 0 = inferred from the timeline, as the schema's "0 = pw" is resolved before a run writes the file.
    if (const auto p = recorded_int(run.config, "workload.partitions", 0, 64, config))
      mo.partitions_per_proof = static_cast<std::size_t>(*p);
    if (const auto g = recorded_number(run.config, "report.idle_gap_min_ms", 0.0, 1e9, config))
      mo.idle_gap_min_ms = *g;
    return mo;
  }
  if (const auto rec = read_analyze_json(dir)) {
    run.label = rec->log;
    mo.partitions_per_proof = rec->partitions_per_proof;
    return mo;
  }
  // An analyze folder written before analyze.json existed: count partitions as analyze does.
  mo.partitions_per_proof = std::max<std::size_t>(1, analysis::infer_partitions_per_proof(run.events).per_proof);
  run.label = run.id;
  run.notes.push_back(fmt::format("{}: no config.toml or analyze.json: {} partitions per proof, inferred from the "
                                  "timeline (largest partition index + 1)",
                                  dir.string(), mo.partitions_per_proof));
  return mo;
}

}  // namespace

analysis::RunData load_run(const fs::path& dir) {
  analysis::RunData run;
  run.id = dir.filename().string();
  run.events = read_timeline_csv(dir / "timeline.csv");
  const analysis::MetricsOptions mo = metrics_options(dir, run);
  if (fs::exists(dir / "stages.csv")) run.stages = read_stages(dir / "stages.csv");
  if (fs::exists(dir / "counters_timeline.csv")) run.counters = read_counter_points(dir / "counters_timeline.csv");
  if (fs::exists(dir / "meta.json")) {
    for (auto& n : counter_notes(dir / "meta.json")) run.notes.push_back(std::move(n));
  }

  run.metrics = analysis::compute_metrics(run.events, mo);
  // Summary rows beyond the recomputed metrics (peak RSS, counters ...).
  std::vector<std::string> known;
  for (const auto& r : analysis::metric_rows(run.metrics)) known.push_back(r.name);
  for (auto& r : read_summary_csv(dir / "summary.csv")) {
    if (std::find(known.begin(), known.end(), r.name) == known.end()) run.extra.push_back(std::move(r));
  }
  return run;
}

}  // namespace zkc::harness
