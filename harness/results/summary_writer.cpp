#include "harness/results/summary_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"
#include "model/metric_catalog.hpp"

namespace zkc::harness {
namespace {

std::vector<analysis::MetricRow> all_rows(const analysis::RunMetrics& metrics,
                                          const std::vector<analysis::MetricRow>& extra) {
  std::vector<analysis::MetricRow> rows = analysis::metric_rows(metrics);
  rows.insert(rows.end(), extra.begin(), extra.end());
  return rows;
}

constexpr std::size_t kLabelWidth = 28;
constexpr std::size_t kValueWidth = 14;

std::string rule(std::size_t width) { return std::string(width, '-') + '\n'; }

// An extra row's value: integers without decimals, others with 3.
std::string plain_value(double v) {
  if (std::isnan(v)) return "n/a";  // not measured here: meta.json's counters say why
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e15) return fmt::format("{:.0f}", v);
  return fmt::format("{:.3f}", v);
}

}  // namespace

void write_summary_csv(const std::filesystem::path& path, const analysis::RunMetrics& metrics,
                       const std::vector<analysis::MetricRow>& extra) {
  std::string out = "metric,value,unit\n";
  // A value that could not be measured (NaN) is an empty cell.
  for (const auto& r : all_rows(metrics, extra)) {
    const std::string value = std::isfinite(r.value) ? fmt::format("{}", r.value) : "";
    fmt::format_to(std::back_inserter(out), "{},{},{}\n", csv_field(r.name), value, csv_field(r.unit));
  }
  write_text_file(path, out);
}

nlohmann::ordered_json summary_json(const analysis::RunMetrics& metrics, const std::vector<analysis::MetricRow>& extra) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::object();
  for (const auto& r : all_rows(metrics, extra)) {
    nlohmann::ordered_json value = nullptr;
    if (std::isfinite(r.value)) value = r.value;
    rows[r.name] = {{"value", std::move(value)}, {"unit", r.unit}};
  }
  return {{"metrics", std::move(rows)}};
}

void write_summary_json(const std::filesystem::path& path, const analysis::RunMetrics& metrics,
                        const std::vector<analysis::MetricRow>& extra) {
  write_text_file(path, summary_json(metrics, extra).dump(2) + "\n");
}

std::string format_summary_table(const analysis::RunMetrics& m, const std::vector<analysis::MetricRow>& extra,
                                 std::string_view heading) {
  std::string out;
  // The label column fits the longest extra's name (a prover log's cuzk_<key>_... rows can be long),
  // so every value stays in one column.
  std::size_t label_width = kLabelWidth;
  for (const auto& r : extra) label_width = std::max(label_width, r.name.size() + 1);
  const auto line = [&out, label_width](std::string_view label, const std::string& value, std::string_view unit) {
    fmt::format_to(std::back_inserter(out), "{:<{}}{:>{}}", label, label_width, value, kValueWidth);
    if (!unit.empty()) fmt::format_to(std::back_inserter(out), "  {}", unit);
    out += '\n';
  };
  const std::size_t width = 74 + (label_width - kLabelWidth);  // the stage table's width, or the labels' wider
  if (!heading.empty()) out += fmt::format("{}\n", heading);

  out += rule(width);
  line("Metric", "Value", "Unit");
  out += rule(width);
  line("s/proof", fmt::format("{:.3f}", m.s_per_proof), "s");
  line("batch elapsed", fmt::format("{:.3f}", m.batch_elapsed_ms / 1000.0), "s");
  line("proofs completed", fmt::format("{}", m.proofs_completed), "");
  line("partitions completed", fmt::format("{}", m.partitions_completed), "");
  line("avg prove", fmt::format("{:.3f}", m.avg_prove_s), "s");
  line("avg GPU/partition", fmt::format("{:.3f}", m.avg_gpu_per_partition_s), "s");
  for (const auto& [name, value] : {std::pair{"gpu_util", m.gpu_util}, std::pair{"lock_util", m.lock_util}}) {
    const model::Shown shown = model::shown(name, value);  // fractions as percent, by the catalog's unit
    line(model::metric_title(name), fmt::format("{:.1f}", shown.value), shown.unit);
  }
  line("GPU idle gaps", fmt::format("{}", m.idle_gaps.count), "");
  line("  total", fmt::format("{:.1f}", m.idle_gaps.total_ms), "ms");
  line("  longest", fmt::format("{:.1f}", m.idle_gaps.longest_ms), "ms");
  line("max concurrent dealloc", fmt::format("{}", m.max_concurrent_dealloc),
       fmt::format("(cpp {}, rust {})", m.max_concurrent_dealloc_cpp, m.max_concurrent_dealloc_rust));
  line("throttle yields", fmt::format("{}", m.throttle_yields), "");

  out += rule(width);
  fmt::format_to(std::back_inserter(out), "{:<18}{:>8}{:>12}{:>12}{:>12}{:>12}\n", "Stage (ms)", "count", "mean", "p50",
                 "p95", "max");
  out += rule(width);
  for (const model::DistributionInfo& info : model::distributions()) {
    if (!info.summary_table) continue;
    const model::Distribution& d = m.*info.field;
    fmt::format_to(std::back_inserter(out), "{:<18}{:>8}{:>12.1f}{:>12.1f}{:>12.1f}{:>12.1f}\n", info.title, d.count, d.mean,
                   d.p50, d.p95, d.max);
  }

  if (!extra.empty()) {
    out += rule(width);
    for (const auto& r : extra) line(r.name, plain_value(r.value), r.unit);
  }
  out += rule(width);
  return out;
}

}  // namespace zkc::harness
