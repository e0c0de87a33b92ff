#include "analysis/metrics/run_metrics.hpp"
#include "analysis/metrics/schedule_metrics.hpp"

#include "model/metric_catalog.hpp"
#include "model/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <cmath>
#include <deque>
#include <limits>
#include <numeric>
#include <optional>
#include <string_view>
#include <utility>

namespace zkc::analysis {
namespace {

constexpr double kOpen = std::numeric_limits<double>::infinity();  // an interval that never ended
constexpr double kNoValue = std::numeric_limits<double>::quiet_NaN();

struct Interval {
  double start = 0;
  double end = 0;
};

// Partition identity: (job_id, partition=N); `extra` separates e.g. the dealloc side.
std::string partition_key(const TimelineEvent& e, std::string_view extra = {}) {
  std::string key(e.job_id);
  key += '\x1f';
  key += detail_value(e.detail, "partition").value_or("");
  if (!extra.empty()) {
    key += '\x1f';
    key += extra;
  }
  return key;
}

// Pairs start and end events of the same key in order (first start with first end). An end without a
// start gets start = end - duration when the end carries its duration under `dur_key`; a start without
// an end stays open (end = +inf). Each pair also yields the end's duration value, or the interval's
// length when the end carries none.
struct Paired {
  std::vector<Interval> intervals;
  std::vector<double> durations_ms;
};

template <typename IsStart, typename IsEnd, typename KeyOf>
Paired pair_events(std::span<const TimelineEvent* const> events, IsStart is_start, IsEnd is_end, KeyOf key_of,
                   std::string_view dur_key) {
  Paired out;
  std::map<std::string, std::deque<double>> open;
  for (const TimelineEvent* e : events) {
    if (is_start(*e)) {
      open[key_of(*e)].push_back(e->offset_ms);
    } else if (is_end(*e)) {
      // NaN when the end carries no duration (a plain double: GCC 12 warns on optional here).
      const double dur = dur_key.empty() ? kNoValue : detail_number(e->detail, dur_key).value_or(kNoValue);
      double start = kNoValue;
      if (auto it = open.find(key_of(*e)); it != open.end() && !it->second.empty()) {
        start = it->second.front();
        it->second.pop_front();
        // A closed pair's queue goes at once: a long run holds only what is in flight, not a deque
        // (and its key) per partition.
        if (it->second.empty()) open.erase(it);
      } else if (!std::isnan(dur)) {
        start = e->offset_ms - dur;
      }
      if (!std::isnan(start)) out.intervals.push_back({start, e->offset_ms});
      if (!std::isnan(dur)) out.durations_ms.push_back(dur);
      else if (!std::isnan(start)) out.durations_ms.push_back(e->offset_ms - start);
    }
  }
  for (const auto& [key, starts] : open)
    for (const double s : starts) out.intervals.push_back({s, kOpen});
  return out;
}

// A family of the shared table (event_families), paired per partition.
template <typename KeyOf>
Paired pair_family(std::span<const TimelineEvent* const> events, Family family, KeyOf key_of) {
  const EventFamily& f = event_family(family);
  return pair_events(
      events, [&f](const TimelineEvent& e) { return opens(f, e); }, [&f](const TimelineEvent& e) { return closes(f, e); },
      key_of, f.dur_key);
}

// I3: the mean over b_g2 windows of the share of each the flag was up. The flag's value follows the
// THROTTLE_SET / THROTTLE_CLEAR events (in time order): flag=N where logged, else +1 / -1. 0 without
// such events (the flag never went up) or without a b_g2 window.
double throttle_up_share(std::span<const TimelineEvent* const> events, const std::vector<Interval>& windows) {
  std::vector<Interval> up;
  int value = 0;
  double since = 0;
  bool any = false;
  for (const TimelineEvent* e : events) {
    const bool set = is(*e, Event::kThrottleSet), clear = is(*e, Event::kThrottleClear);
    if (!set && !clear) continue;
    any = true;
    const int before = value;
    if (const auto v = detail_number(e->detail, "flag")) {
      value = static_cast<int>(*v);
    } else {
      value += set ? 1 : -1;
    }
    if (before <= 0 && value > 0) since = e->offset_ms;
    if (before > 0 && value <= 0) up.push_back({since, e->offset_ms});
  }
  if (value > 0 && !events.empty()) up.push_back({since, events.back()->offset_ms});
  double sum = 0;
  std::size_t n = 0;
  for (const Interval& w : windows) {
    if (!(w.end > w.start) || w.end == kOpen) continue;
    double covered = 0;
    for (const Interval& u : up) covered += std::max(0.0, std::min(w.end, u.end) - std::max(w.start, u.start));
    sum += covered / (w.end - w.start);
    ++n;
  }
  return any && n > 0 ? sum / static_cast<double>(n) : 0.0;
}

// The union of intervals as disjoint, sorted intervals (touching ones merge). Open intervals are cut
// at `horizon`.
std::vector<Interval> merge(std::vector<Interval> v, double horizon) {
  for (auto& i : v) i.end = std::min(i.end, horizon);
  std::erase_if(v, [](const Interval& i) { return !(i.end >= i.start); });
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::vector<Interval> out;
  for (const auto& i : v) {
    if (!out.empty() && i.start <= out.back().end) out.back().end = std::max(out.back().end, i.end);
    else out.push_back(i);
  }
  return out;
}

double total_length(const std::vector<Interval>& merged) {
  double sum = 0;
  for (const auto& i : merged) sum += i.end - i.start;
  return sum;
}

IdleGaps idle_gaps(const std::vector<Interval>& merged, double min_ms) {
  IdleGaps g;
  for (std::size_t k = 1; k < merged.size(); ++k) {
    const double hole = merged[k].start - merged[k - 1].end;
    if (hole < min_ms) continue;
    ++g.count;
    g.total_ms += hole;
    g.longest_ms = std::max(g.longest_ms, hole);
  }
  return g;
}

// The most intervals open at once. Intervals are half-open [start, end): one ending when another
// starts does not overlap it. A zero-length interval still counts as open at its instant.
std::size_t max_concurrent(const std::vector<Interval>& intervals) {
  struct Point {
    double t;
    int order;  // 0: end of a positive-length interval, 1: start, 2: end of a zero-length interval
  };
  std::vector<Point> points;
  points.reserve(intervals.size() * 2);
  for (const auto& i : intervals) {
    if (i.end < i.start) continue;
    points.push_back({i.start, 1});
    points.push_back({i.end, i.end == i.start ? 2 : 0});
  }
  std::sort(points.begin(), points.end(),
            [](const Point& a, const Point& b) { return a.t != b.t ? a.t < b.t : a.order < b.order; });
  std::size_t open = 0, best = 0;
  for (const auto& p : points) {
    if (p.order == 1) best = std::max(best, ++open);
    else --open;
  }
  return best;
}

double mean(const std::vector<double>& v) {
  return v.empty() ? 0.0 : std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

using Events = std::span<const TimelineEvent* const>;

std::string by_partition(const TimelineEvent& e) { return partition_key(e); }

auto by_name(Event kind) {
  return [kind](const TimelineEvent& e) { return is(e, kind); };
}

// Batch span and proof count: the steady rate, the fill and the batch's length. Returns how many
// PROOF_END events there were, or nullopt when the log has no PROOF_* events at all.
std::optional<std::size_t> measure_batch_span(Events events, RunMetrics& m) {
  std::optional<double> first_proof_start, first_proof_end, last_proof_end;
  std::size_t proof_ends = 0;
  for (const TimelineEvent* e : events) {
    if (is(*e, Event::kProofStart) && !first_proof_start) first_proof_start = e->offset_ms;
    if (is(*e, Event::kProofEnd)) {
      if (!first_proof_end) first_proof_end = e->offset_ms;
      last_proof_end = e->offset_ms;
      ++proof_ends;
    }
  }
  if (proof_ends >= 2)
    m.steady_s_per_proof = (*last_proof_end - *first_proof_end) / 1000.0 / static_cast<double>(proof_ends - 1);
  if (first_proof_start && first_proof_end) m.fill_ms = std::max(0.0, *first_proof_end - *first_proof_start);
  const double span_start = first_proof_start.value_or(events.front()->offset_ms);
  const double span_end = last_proof_end.value_or(events.back()->offset_ms);
  m.batch_elapsed_ms = std::max(0.0, span_end - span_start);
  if (first_proof_start || last_proof_end) return proof_ends;
  return std::nullopt;
}

// GPU: per-partition durations, proofs' sums, busy union and its holes, the lock's share. Returns
// every partition's gpu_ms.
std::vector<double> measure_gpu(Events events, const MetricsOptions& options, RunMetrics& m) {
  const Paired gpu = pair_family(events, Family::kGpu, by_partition);
  std::map<std::string, double> gpu_ms_by_proof;
  std::vector<double> gpu_ms;
  for (const TimelineEvent* e : events) {
    if (!is(*e, Event::kGpuEnd)) continue;
    ++m.partitions_completed;
    if (const auto ms = detail_number(e->detail, "gpu_ms")) {
      gpu_ms.push_back(*ms);
      gpu_ms_by_proof[e->job_id] += *ms;
    }
  }
  m.avg_gpu_per_partition_s = mean(gpu_ms) / 1000.0;
  std::vector<double> prove_ms;
  for (const auto& [job, ms] : gpu_ms_by_proof) prove_ms.push_back(ms);
  m.avg_prove_s = mean(prove_ms) / 1000.0;

  const double horizon = events.back()->offset_ms;
  const std::vector<Interval> gpu_busy = merge(gpu.intervals, horizon);
  m.idle_gaps = idle_gaps(gpu_busy, options.idle_gap_min_ms);
  const Paired lock = pair_family(events, Family::kLockHeld, by_partition);
  if (m.batch_elapsed_ms > 0) {
    m.gpu_util = total_length(gpu_busy) / m.batch_elapsed_ms;
    m.lock_util = total_length(merge(lock.intervals, horizon)) / m.batch_elapsed_ms;
  }
  return gpu_ms;
}

// Proofs completed, and s/proof over the batch.
void count_proofs(Events events, const MetricsOptions& options, std::optional<std::size_t> proof_ends,
                  RunMetrics& m) {
  if (proof_ends) {
    m.proofs_completed = *proof_ends;
  } else if (options.partitions_per_proof > 0) {
    // The real prover logs no PROOF_* events: a proof is done when all its partitions passed GPU_END.
    std::map<std::string, std::set<std::string>> ended;  // job -> partitions
    for (const TimelineEvent* e : events)
      if (is(*e, Event::kGpuEnd)) ended[e->job_id].emplace(detail_value(e->detail, "partition").value_or(""));
    for (const auto& [job, parts] : ended) m.proofs_completed += parts.size() >= options.partitions_per_proof ? 1 : 0;
  }
  if (m.proofs_completed > 0) m.s_per_proof = m.batch_elapsed_ms / 1000.0 / static_cast<double>(m.proofs_completed);
}

// The stages' duration distributions, the throttle's share of b_g2 and its yields, and the part of
// the GPU time after the lock is released (`gpu_ms`: every partition's).
void describe_stages(Events events, const std::vector<double>& gpu_ms, RunMetrics& m) {
  m.synthesis_ms = describe(pair_family(events, Family::kSynthesis, by_partition).durations_ms);
  m.queue_wait_ms = describe(pair_family(events, Family::kQueueWait, by_partition).durations_ms);
  std::vector<double> lock_wait;
  for (const TimelineEvent* e : events)
    if (is(*e, Event::kLockAcquired))
      if (const auto w = detail_number(e->detail, "wait_ms")) lock_wait.push_back(*w);
  m.lock_wait_ms = describe(lock_wait);
  m.prep_msm_ms = describe(pair_family(events, Family::kPrepMsm, by_partition).durations_ms);
  const Paired b_g2 = pair_family(events, Family::kBG2Msm, by_partition);
  m.b_g2_msm_ms = describe(b_g2.durations_ms);
  m.throttle_up_share = throttle_up_share(events, b_g2.intervals);
  const Paired post_lock = pair_events(events, by_name(Event::kLockReleased), by_name(Event::kGpuEnd), by_partition, "");
  m.post_lock_ms = describe(post_lock.durations_ms);
  double gpu_sum = 0, post_sum = 0;
  for (const double v : gpu_ms) gpu_sum += v;
  for (const double v : post_lock.durations_ms) post_sum += v;
  if (gpu_sum > 0) m.post_lock_share = post_sum / gpu_sum;
  for (auto [key, out] : {std::pair{"ntt_msm_h_ms", &m.ntt_msm_h_ms}, std::pair{"batch_add_ms", &m.batch_add_ms},
                          std::pair{"tail_msm_ms", &m.tail_msm_ms}, std::pair{"gpu_total_ms", &m.gpu_total_ms}}) {
    std::vector<double> values;
    for (const TimelineEvent* e : events)
      if (is(*e, Event::kGpuTiming))
        if (const auto v = detail_number(e->detail, key)) values.push_back(*v);
    *out = describe(values);
  }
  for (const TimelineEvent* e : events)
    if (is(*e, Event::kSynthEnd))
      if (const auto y = detail_number(e->detail, "yields"); y && *y > 0) m.throttle_yields += static_cast<std::size_t>(*y);
}

// Dealloc: durations, and concurrency overall and per side.
void measure_dealloc(Events events, RunMetrics& m) {
  const auto dealloc_key = [](const TimelineEvent& e) {
    return partition_key(e, detail_value(e.detail, "side").value_or("?"));
  };
  const Paired dealloc = pair_family(events, Family::kDealloc, dealloc_key);
  const EventFamily& dealloc_family = event_family(Family::kDealloc);
  m.dealloc_ms = describe(dealloc.durations_ms);
  m.max_concurrent_dealloc = max_concurrent(dealloc.intervals);
  for (const std::string_view side : {"cpp", "rust"}) {
    const auto of_side = [side](Event kind) {
      return [side, kind](const TimelineEvent& e) {
        return is(e, kind) && detail_value(e.detail, "side") == side;
      };
    };
    const std::size_t n = max_concurrent(pair_events(events, of_side(dealloc_family.start), of_side(dealloc_family.end),
                                                     dealloc_key, dealloc_family.dur_key)
                                             .intervals);
    (side == "cpp" ? m.max_concurrent_dealloc_cpp : m.max_concurrent_dealloc_rust) = n;
  }
}

}  // namespace

double percentile(std::vector<double> values, double q) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double pos = std::clamp(q, 0.0, 1.0) * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(pos));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (values[hi] - values[lo]) * (pos - static_cast<double>(lo));
}

Distribution describe(const std::vector<double>& values) {
  Distribution d;
  if (values.empty()) return d;
  d.count = values.size();
  d.mean = mean(values);
  d.p50 = percentile(values, 0.50);
  d.p95 = percentile(values, 0.95);
  d.max = *std::max_element(values.begin(), values.end());
  return d;
}

RunMetrics compute_metrics(std::span<const TimelineEvent> input, const MetricsOptions& options) {
  std::vector<const TimelineEvent*> events;
  events.reserve(input.size());
  for (const auto& e : input) events.push_back(&e);
  std::stable_sort(events.begin(), events.end(),
                   [](const TimelineEvent* a, const TimelineEvent* b) { return a->offset_ms < b->offset_ms; });

  RunMetrics m;
  if (events.empty()) return m;
  const std::optional<std::size_t> proof_ends = measure_batch_span(events, m);
  const std::vector<double> gpu_ms = measure_gpu(events, options, m);
  count_proofs(events, options, proof_ends, m);
  describe_stages(events, gpu_ms, m);
  measure_dealloc(events, m);
  measure_schedule(events, m);
  return m;
}

std::vector<MetricRow> metric_rows(const RunMetrics& m) {
  // Names and units come from metric_catalog; this says only which field each name holds.
  const auto count = [](std::size_t n) { return static_cast<double>(n); };
  std::vector<MetricRow> rows = {
      metric_row("s_per_proof", m.s_per_proof),
      metric_row("steady_s_per_proof", m.steady_s_per_proof),
      metric_row("fill_ms", m.fill_ms),
      metric_row("batch_elapsed_ms", m.batch_elapsed_ms),
      metric_row("proofs_completed", count(m.proofs_completed)),
      metric_row("partitions_completed", count(m.partitions_completed)),
      metric_row("avg_prove_s", m.avg_prove_s),
      metric_row("avg_gpu_per_partition_s", m.avg_gpu_per_partition_s),
      metric_row("gpu_util", m.gpu_util),
      metric_row("lock_util", m.lock_util),
      metric_row("idle_gap_count", count(m.idle_gaps.count)),
      metric_row("idle_gap_total_ms", m.idle_gaps.total_ms),
      metric_row("idle_gap_longest_ms", m.idle_gaps.longest_ms),
  };
  for (const DistributionInfo& d : distributions()) {
    const auto stats = distribution_stats(m.*d.field);
    for (std::size_t i = 0; i < stats.size(); ++i)
      rows.push_back(metric_row(fmt::format("{}_{}", d.name, kDistributionStats[i]), stats[i]));
  }
  rows.push_back(metric_row("max_concurrent_dealloc", count(m.max_concurrent_dealloc)));
  rows.push_back(metric_row("max_concurrent_dealloc_cpp", count(m.max_concurrent_dealloc_cpp)));
  rows.push_back(metric_row("max_concurrent_dealloc_rust", count(m.max_concurrent_dealloc_rust)));
  rows.push_back(metric_row("throttle_yields", count(m.throttle_yields)));
  rows.push_back(metric_row("post_lock_share", m.post_lock_share));
  rows.push_back(metric_row("throttle_up_share", m.throttle_up_share));
  rows.push_back(metric_row("interleave_share", m.interleave_share));
  rows.push_back(metric_row("budget_peak_share", m.budget_peak_share));
  rows.push_back(metric_row("dispatch_interval_ms", m.dispatch_interval_ms));
  rows.push_back(metric_row("pacer_rate", m.pacer_rate));
  rows.push_back(metric_row("dispatch_gpu_waiting", m.dispatch_gpu_waiting));
  return rows;
}

}  // namespace zkc::analysis
