#include "analysis/metrics/schedule_metrics.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "model/events.hpp"

namespace zkc::analysis {
namespace {

using model::Event;
using Events = std::span<const TimelineEvent* const>;

double mean_of(const std::vector<double>& v) {
  if (v.empty()) return 0;
  double s = 0;
  for (double x : v) s += x;
  return s / static_cast<double>(v.size());
}

void measure_proofs(Events events, RunMetrics& m) {
  std::map<std::string, std::pair<std::optional<double>, std::optional<double>>, std::less<>> marked;  // PROOF_*
  for (const TimelineEvent* e : events) {
    if (is(*e, Event::kProofStart)) marked[std::string(e->job_id)].first = e->offset_ms;
    if (is(*e, Event::kProofEnd)) marked[std::string(e->job_id)].second = e->offset_ms;
  }
  std::vector<double> latency;
  for (const auto& [job, se] : marked)
    if (se.first && se.second) latency.push_back(*se.second - *se.first);
  for (const auto& [job, span] : proof_spans(events))
    if (!marked.contains(job)) latency.push_back(span.last_gpu_end_ms - span.first_synth_ms);
  m.proof_ms = describe(latency);
}

void measure_interleave(Events events, RunMetrics& m) {
  std::vector<std::pair<double, std::string>> starts;  // GPU_START (offset, job), in offset order
  for (const TimelineEvent* e : events)
    if (is(*e, Event::kGpuStart)) starts.emplace_back(e->offset_ms, std::string(e->job_id));
  std::map<std::string, std::pair<std::size_t, std::size_t>> range;  // job -> (first, last) index
  for (std::size_t i = 0; i < starts.size(); ++i) {
    auto [it, fresh] = range.try_emplace(starts[i].second, i, i);
    if (!fresh) it->second.second = i;
  }
  if (range.size() < 2) return;
  std::vector<double> shares;
  for (const auto& [job, r] : range) {
    std::size_t foreign = 0;
    for (std::size_t i = r.first; i <= r.second; ++i) foreign += starts[i].second != job ? 1 : 0;
    shares.push_back(static_cast<double>(foreign) / static_cast<double>(r.second - r.first + 1));
  }
  m.interleave_share = mean_of(shares);
}

void measure_budget_and_dispatch(Events events, RunMetrics& m) {
  std::vector<double> waits, intervals, rates, waiting;
  for (const TimelineEvent* e : events) {
    if (is(*e, Event::kBudgetAcquired) || is(*e, Event::kBudgetReleased)) {
      const auto held = detail_number(e->detail, "held"), total = detail_number(e->detail, "total");
      if (held && total && *total > 0) m.budget_peak_share = std::max(m.budget_peak_share, *held / *total);
      if (const auto w = detail_number(e->detail, "waited_ms")) waits.push_back(*w);
    }
    if (is(*e, Event::kDispatch)) {
      if (const auto v = detail_number(e->detail, "interval_ms")) intervals.push_back(*v);
      if (const auto v = detail_number(e->detail, "rate")) rates.push_back(*v);
      if (const auto v = detail_number(e->detail, "waiting")) waiting.push_back(*v);
    }
  }
  m.budget_wait_ms = describe(waits);
  m.dispatch_interval_ms = mean_of(intervals);
  m.pacer_rate = mean_of(rates);
  m.dispatch_gpu_waiting = mean_of(waiting);
}

}  // namespace

std::map<std::string, ProofSpan, std::less<>> proof_spans(Events events) {
  std::map<std::string, std::pair<std::optional<double>, std::optional<double>>, std::less<>> seen;
  for (const TimelineEvent* e : events) {
    auto& [first, last] = seen[std::string(e->job_id)];
    if (is(*e, Event::kSynthStart) && !first) first = e->offset_ms;
    if (is(*e, Event::kGpuEnd)) last = e->offset_ms;
  }
  std::map<std::string, ProofSpan, std::less<>> out;
  for (const auto& [job, fl] : seen)
    if (fl.first && fl.second) out.emplace(job, ProofSpan{*fl.first, *fl.second});
  return out;
}

void measure_schedule(Events events, RunMetrics& m) {
  measure_proofs(events, m);
  measure_interleave(events, m);
  measure_budget_and_dispatch(events, m);
}

}  // namespace zkc::analysis
