#include "analysis/explain/attribution_tables.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "analysis/csv/csv.hpp"
#include "analysis/present/format.hpp"
#include "analysis/present/sweep_points.hpp"

namespace zkc::analysis {
namespace {

std::string number(double v) { return std::isfinite(v) ? fmt::format("{:.4f}", v) : ""; }

std::string evidence_value(const StageParts& p, std::string_view column) {
  const auto it = p.evidence.find(std::string(column));
  return it == p.evidence.end() ? "" : fmt::format("{:.6g}", it->second);
}

// "+12.0 ms (75%)": a part and its share of the inflation; no share when the inflation is under
// `min_ms` or 5% of the isolation time (a share of nearly nothing reads as thousands of percent).
std::string part_cell(double part, const Attribution& a, double min_ms) {
  const double inflation = a.inflation();
  if (std::fabs(inflation) < std::max(min_ms, 0.05 * a.isolation.dur_ms)) return signed_duration_text(part);
  return fmt::format("{} ({:.0f}%)", signed_duration_text(part), 100 * part / inflation);
}

// The evidence whose value moved between isolation and load, "page faults /row 2.04k -> 2.50k".
std::string evidence_cell(const Attribution& a) {
  std::vector<std::string> moved;
  for (const auto& e : kEvidence) {
    const auto iso = a.isolation.evidence.find(std::string(e.column));
    const auto loaded = a.loaded.evidence.find(std::string(e.column));
    if (iso == a.isolation.evidence.end() || loaded == a.loaded.evidence.end()) continue;
    if (std::max(iso->second, loaded->second) < kEvidenceFloor) continue;
    const double base = std::max(std::fabs(iso->second), 1e-12);
    if (std::fabs(loaded->second - iso->second) / base < 0.2 && !(iso->second == 0 && loaded->second > 0)) continue;
    if (iso->second == 0 && loaded->second == 0) continue;
    moved.push_back(fmt::format("{} {} -> {}", e.label, count_text(iso->second), count_text(loaded->second)));
  }
  return moved.empty() ? "-" : fmt::format("{}", fmt::join(moved, "; "));
}

}  // namespace

std::string attribution_csv(const std::vector<Attribution>& rows) {
  std::string out = "point,arm,stage,reference,isolation_rows,loaded_rows,isolation_ms,loaded_ms,inflation_ms";
  for (const PartSpec& p : kParts) out += fmt::format(",{}", p.key);
  out += ",isolation_width,loaded_width";
  for (const auto& e : kEvidence) out += fmt::format(",{}_isolation,{}_loaded", e.column, e.column);
  out += "\n";
  for (const Attribution& a : rows) {
    out += fmt::format("{},{},{},{},{},{},{},{},{}", csv_field(a.point), csv_field(a.arm), csv_field(a.stage),
                       csv_field(a.reference), a.isolation.rows, a.loaded.rows, number(a.isolation.dur_ms),
                       number(a.loaded.dur_ms), number(a.inflation()));
    for (const PartSpec& p : kParts) out += fmt::format(",{}", number((a.*p.delta)()));
    out += fmt::format(",{},{}", number(a.isolation.width), number(a.loaded.width));
    for (const auto& e : kEvidence)
      out += fmt::format(",{},{}", evidence_value(a.isolation, e.column), evidence_value(a.loaded, e.column));
    out += "\n";
  }
  return out;
}

Table attribution_table(const std::vector<Attribution>& rows, double min_ms) {
  Table t;
  bool points = false;
  for (const auto& a : rows) points = points || !a.point.empty();
  if (points) t.header.push_back("configuration");
  for (const char* h : {"arm", "stage", "isolation", "loaded", "inflation"}) t.header.emplace_back(h);
  for (const PartSpec& p : kParts) t.header.emplace_back(p.column);
  t.header.emplace_back("counter evidence (isolation -> loaded)");
  std::size_t hidden = 0;
  for (const auto& a : rows) {
    if (a.loaded.dur_ms < min_ms && std::fabs(a.inflation()) < min_ms) {
      ++hidden;
      continue;
    }
    std::vector<std::string> row;
    if (points) row.push_back(point_title(a.point));
    row.push_back(a.arm);
    row.push_back(a.stage);
    row.push_back(duration_text(a.isolation.dur_ms));
    row.push_back(duration_text(a.loaded.dur_ms));
    row.push_back(fmt::format("{} ({})", signed_duration_text(a.inflation()),
                              a.isolation.dur_ms > 0 ? percent_text(100 * a.inflation() / a.isolation.dur_ms) : "n/a"));
    for (const PartSpec& p : kParts) row.push_back(part_cell((a.*p.delta)(), a, min_ms));
    row.push_back(evidence_cell(a));
    t.rows.push_back(std::move(row));
  }
  t.footnotes.push_back(
      "Means per row (one row per partition and stage) of every run of the arm; isolation: the arm's reference "
      "(its c=1 j=1 runs, or --reference). "
      "The four parts add up to the inflation: run queue = waiting for a CPU while runnable (schedstat); pipeline "
      "waits = off-CPU time in a wait stage the pipeline records; on-CPU growth = more CPU time for the same work "
      "(the counter evidence may say why); remainder = off-CPU time nothing records (a page-fault or mmap_lock "
      "sleep; in a pool stage, the time its jobs did not fill the pool, queueing included; all of a simulated GPU stage, which has no thread "
      "of its own to account). Shares of the inflation are shown where it is at least 5% of the isolation time.");
  if (hidden > 0) t.footnotes.push_back(fmt::format("{} stage rows under {} in both are left out (attribution.csv has them).", hidden, duration_text(min_ms)));
  return t;
}

Table causes_table(const std::vector<ArmCause>& causes, const std::string& baseline) {
  Table t;
  bool points = false;
  for (const auto& c : causes) points = points || !c.point.empty();
  if (points) t.header.push_back("configuration");
  for (const char* h : {"arm", "reduced most (vs the baseline's inflation)", "grew most", "memory counter (vs baseline)"})
    t.header.emplace_back(h);
  for (const auto& c : causes) {
    std::vector<std::string> row;
    if (points) row.push_back(point_title(c.point));
    row.push_back(c.arm);
    row.push_back(c.reduced.empty() ? "nothing by 1 ms per proof" : c.reduced);
    row.push_back(c.grew.empty() ? "nothing by 1 ms per proof" : c.grew);
    row.push_back(c.evidence.empty() ? "no counter moved by 20%" : c.evidence);
    t.rows.push_back(std::move(row));
  }
  t.footnotes.push_back(fmt::format(
      "Each part of each stage's inflation (loaded minus the arm's own isolation), per proof, against {}'s: the "
      "largest drop and the largest rise. Evidence: the memory-subsystem counter (TLB IPIs, page faults, L3/dTLB "
      "misses, cycles, instructions) that moved most against {} in a stage that weighs at least 5% of the arm's "
      "heaviest; the scheduler's counters are the run-queue part already.",
      baseline, baseline));
  return t;
}

}  // namespace zkc::analysis
