#include "analysis/explain/stage_parts.hpp"

#include <algorithm>
#include <cmath>

#include "analysis/csv/csv.hpp"

namespace zkc::analysis {
namespace {

const double* counter(const StageRow& row, std::string_view name) {
  const auto it = row.counters.find(std::string(name));
  return it == row.counters.end() || !std::isfinite(it->second) ? nullptr : &it->second;
}

struct Sum {
  std::size_t rows = 0, accounted = 0;
  double dur = 0, on_cpu = 0, run_queue = 0, wait = 0, rest = 0, width = 0;
  std::map<std::string, double> evidence;       // sums
  std::map<std::string, std::size_t> measured;  // rows with the column
  std::map<std::string, double> cpu_seconds;    // on-CPU seconds of those rows (per-second evidence)
  std::vector<const RunData*> runs;
};

}  // namespace

RowParts row_parts(const StageRow& row, StageKind::Role role, double pool_threads) {
  RowParts p;
  p.dur = std::max(0.0, row.end_ms - row.start_ms);
  const double* on_cpu_ns = counter(row, kOnCpuColumn);
  const double* run_queue_ns = counter(row, kRunQueueColumn);
  if (role == StageKind::Role::kComposite || on_cpu_ns == nullptr || run_queue_ns == nullptr) {
    // A recorded wait is a wait even when no thread's accounting came with it (the pool queues are
    // recorded from outside the pool); anything else unaccounted is unexplained.
    (role == StageKind::Role::kWait ? p.wait : p.rest) = p.dur;
    return p;
  }
  p.accounted = true;
  const double cpu = std::max(0.0, *on_cpu_ns / 1e6);
  const double queued = std::max(0.0, *run_queue_ns / 1e6);
  const double busy = cpu + queued;
  if (p.dur <= 0) return p;
  p.width = std::max({1.0, pool_threads, busy / p.dur});
  p.on_cpu = cpu / p.width;
  p.run_queue = queued / p.width;
  const double off = std::max(0.0, p.dur - p.on_cpu - p.run_queue);
  (role == StageKind::Role::kWait ? p.wait : p.rest) = off;
  return p;
}

std::vector<StageParts> stage_parts(std::span<const RunData* const> runs) {
  std::map<std::string, Sum> sums;
  for (const RunData* run : runs) {
    for (const StageRow& row : run->stages) {
      const StageKind* kind = find_stage_kind(row.stage);
      const auto role = kind != nullptr ? kind->role : StageKind::Role::kWork;
      if (role == StageKind::Role::kComposite) continue;
      double pool_threads = 0;
      if (kind != nullptr && !kind->pool_threads_key.empty()) {
        const auto it = run->config.find(std::string(kind->pool_threads_key));
        if (it != run->config.end()) pool_threads = csv_number(it->second).value_or(0);
      }
      const RowParts p = row_parts(row, role, pool_threads);
      Sum& s = sums[row.stage];
      if (std::find(s.runs.begin(), s.runs.end(), run) == s.runs.end()) s.runs.push_back(run);
      ++s.rows;
      s.accounted += p.accounted ? 1 : 0;
      s.dur += p.dur;
      s.on_cpu += p.on_cpu;
      s.run_queue += p.run_queue;
      s.wait += p.wait;
      s.rest += p.rest;
      s.width += p.width;
      for (const auto& e : kEvidence) {
        const double* v = counter(row, e.column);
        const double* ns = counter(row, kOnCpuColumn);
        if (v == nullptr || (e.per_cpu_second && ns == nullptr)) continue;  // a rate needs both, from one row
        s.evidence[std::string(e.column)] += *v;
        ++s.measured[std::string(e.column)];
        if (ns != nullptr) s.cpu_seconds[std::string(e.column)] += *ns / 1e9;
      }
    }
  }
  std::vector<StageParts> out;
  for (auto& [name, s] : sums) {
    StageParts p;
    p.stage = name;
    p.rows = s.rows;
    p.accounted_rows = s.accounted;
    p.runs = s.runs.size();
    for (const RunData* r : s.runs) p.proofs += static_cast<double>(r->metrics.proofs_completed);
    const double n = static_cast<double>(s.rows);
    p.dur_ms = s.dur / n;
    p.on_cpu_ms = s.on_cpu / n;
    p.run_queue_ms = s.run_queue / n;
    p.wait_ms = s.wait / n;
    p.rest_ms = s.rest / n;
    p.width = s.width / n;
    for (const auto& e : kEvidence) {
      const std::string col(e.column);
      if (s.measured[col] != s.rows) continue;  // a mean over some rows would not compare
      if (!e.per_cpu_second) {
        p.evidence[col] = s.evidence[col] / n;
      } else if (s.cpu_seconds[col] > 0) {
        p.evidence[col] = s.evidence[col] / s.cpu_seconds[col];
      }
    }
    out.push_back(std::move(p));
  }
  std::sort(out.begin(), out.end(), [](const StageParts& a, const StageParts& b) {
    const std::size_t ra = stage_order(a.stage), rb = stage_order(b.stage);
    return ra != rb ? ra < rb : a.stage < b.stage;
  });
  return out;
}

}  // namespace zkc::analysis
