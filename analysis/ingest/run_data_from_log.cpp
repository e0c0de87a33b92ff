// A prover log's RunData: its events, the metrics computed from them, the waterfall's rows, the
// extras of its other lines and the notes on its quality.
#include <fmt/format.h>

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/ingest/log_extras.hpp"
#include "analysis/ingest/log_formats.hpp"
#include "analysis/ingest/prover_log.hpp"
#include "analysis/ingest/stage_rows.hpp"
#include "analysis/metrics/run_metrics.hpp"

namespace zkc::analysis {
namespace {

// The partitions per proof the metrics count with: `given`, or inferred from the events (with a note).
std::size_t partitions_for_metrics(const std::vector<TimelineEvent>& events, std::size_t given,
                                   std::vector<std::string>& notes) {
  if (given != 0) return given;
  const PartitionsSeen seen = infer_partitions_per_proof(events);
  notes.push_back(fmt::format(
      "{} partitions per proof, inferred from the log (largest partition index + 1){}; --partitions overrides",
      seen.per_proof,
      seen.short_jobs == 0 ? std::string()
                           : fmt::format("; {} of {} jobs show fewer (in flight when the log ends, or another "
                                         "circuit)",
                                         seen.short_jobs, seen.jobs)));
  return seen.per_proof;
}

// Notes: what the report must say about the log's quality.
void add_quality_notes(const ProverLog& log, const Unmatched& unmatched, std::vector<std::string>& notes) {
  const auto issue_note = [&notes, &log](LogIssueKind kind, std::string_view one, std::string_view many) {
    std::size_t n = 0, first = 0;
    for (const LogIssue& i : log.issues)
      if (i.kind == kind && n++ == 0) first = i.line;
    if (n == 1) notes.push_back(fmt::format("1 {} (line {})", one, first));
    if (n > 1) notes.push_back(fmt::format("{} {} (first at line {})", n, many, first));
  };
  for (const LineKindInfo& k : kLineKinds) issue_note(k.kind, k.malformed_one, k.malformed_many);
  if (log.repeated_events > 0) notes.push_back(repeated_events_note(log));
  const auto count_note = [&notes](const std::map<std::string_view, std::size_t>& counts, std::string_view one,
                                   std::string_view many) {
    if (counts.empty()) return;
    std::size_t total = 0;
    std::string list;
    for (const auto& [event, n] : counts) {
      total += n;
      list += fmt::format("{}{} {}", list.empty() ? "" : ", ", n, event);
    }
    notes.push_back(fmt::format("{} {} ({}): not drawn in the waterfall", total, total == 1 ? one : many, list));
  };
  count_note(unmatched.starts, "start event without a matching end", "start events without a matching end");
  count_note(unmatched.ends, "end event without a matching start", "end events without a matching start");
}

}  // namespace

RunData run_data_from_log(ProverLog log, std::string id, std::size_t partitions_per_proof) {
  RunData run;
  run.id = std::move(id);
  run.events = std::move(log.events);  // held once: a large log is the largest thing in memory
  // The extras first: their lines go before the metrics and the stages are made.
  add_log_extras(log, run.extra);
  std::vector<CuzkTiming>().swap(log.timings);
  std::vector<LineValues>().swap(log.ntt_h);
  std::vector<LineValues>().swap(log.pacer);
  std::vector<PoolEvent>().swap(log.pinned_pool);
  MetricsOptions options;
  options.partitions_per_proof = partitions_for_metrics(run.events, partitions_per_proof, run.notes);
  run.metrics = compute_metrics(run.events, options);
  const Unmatched unmatched = pair_stage_rows(run.events, run.stages);
  add_quality_notes(log, unmatched, run.notes);
  return run;
}

}  // namespace zkc::analysis
