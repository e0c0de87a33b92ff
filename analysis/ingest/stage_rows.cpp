#include "analysis/ingest/stage_rows.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <iterator>
#include <string>
#include <utility>

#include "model/events.hpp"

namespace zkc::analysis {
namespace {

// The real prover's families of the shared table (the others are the harness's own events).
const EventFamily* const kStageKinds[] = {&event_family(Family::kSynthesis), &event_family(Family::kQueueWait),
                                          &event_family(Family::kGpu)};

// Sorts rows by (start, end), equal ones kept in their order as std::stable_sort would, but through
// 24-byte keys and one move per row: stable_sort's buffer would hold half the rows again.
void sort_by_start(std::vector<StageRow>& rows) {
  struct Key {
    double start_ms, end_ms;
    std::size_t index;
  };
  std::vector<Key> keys;
  keys.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) keys.push_back({rows[i].start_ms, rows[i].end_ms, i});
  std::sort(keys.begin(), keys.end(), [](const Key& a, const Key& b) {
    return a.start_ms != b.start_ms ? a.start_ms < b.start_ms : a.end_ms != b.end_ms ? a.end_ms < b.end_ms
                                                                                       : a.index < b.index;
  });
  // keys[k].index: the row that goes to position k. Each cycle of that permutation is walked once;
  // a placed position is marked by pointing at itself.
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (keys[i].index == i) continue;
    StageRow held = std::move(rows[i]);
    std::size_t j = i;
    while (keys[j].index != i) {
      const std::size_t from = keys[j].index;
      rows[j] = std::move(rows[from]);
      keys[j].index = j;
      j = from;
    }
    rows[j] = std::move(held);
    keys[j].index = j;
  }
}

}  // namespace

Unmatched pair_stage_rows(const std::vector<TimelineEvent>& events, std::vector<StageRow>& rows) {
  // Proof numbers in first-appearance order of the job ids, in file order (what a reader of the log
  // sees first is proof 0). The keys point into the events' shared text.
  std::map<std::string_view, int> proof_of;
  std::size_t ends = 0;
  std::vector<const TimelineEvent*> sorted;
  sorted.reserve(events.size());
  for (const TimelineEvent& e : events) {
    proof_of.emplace(e.job_id, static_cast<int>(proof_of.size()));
    for (const EventFamily* kind : kStageKinds) ends += closes(*kind, e) ? 1 : 0;
    sorted.push_back(&e);
  }
  rows.reserve(rows.size() + ends);  // one row per end at most: no doubling while rows are added
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const TimelineEvent* a, const TimelineEvent* b) { return a->offset_ms < b->offset_ms; });
  struct Open {
    double start_ms;
    std::string worker;  // GPU_START's worker=W; synthesis and queue rows have fixed lanes
  };
  std::map<std::pair<std::size_t, std::string>, std::deque<Open>> open;  // (kind, job \x1f partition)
  Unmatched unmatched;
  for (const TimelineEvent* e : sorted) {
    for (std::size_t k = 0; k < std::size(kStageKinds); ++k) {
      const EventFamily& kind = *kStageKinds[k];
      const bool is_start = opens(kind, *e);
      if (!is_start && !closes(kind, *e)) continue;
      std::string key(e->job_id);
      key += '\x1f';
      key += detail_value(e->detail, "partition").value_or("");
      const auto slot = open.try_emplace({k, std::move(key)}).first;
      auto& queue = slot->second;
      if (is_start) {
        queue.push_back({e->offset_ms, std::string(detail_value(e->detail, "worker").value_or(""))});
        break;
      }
      if (queue.empty()) {
        ++unmatched.ends[name(kind.end)];
        open.erase(slot);
        break;
      }
      const Open start = std::move(queue.front());
      queue.pop_front();
      // A closed pair's queue goes at once: a long log holds only what is in flight, not a deque per pair.
      if (queue.empty()) open.erase(slot);
      StageRow row;
      row.proof = proof_of.at(e->job_id);
      row.partition = partition_of(*e).value_or(-1);
      row.stage = kind.stage;
      row.start_ms = start.start_ms;
      row.end_ms = e->offset_ms;
      // GPU rows: the start names the worker that took the partition; the end's worker= is the fallback.
      const std::string w = kind.lane_key.empty() ? ""
                            : !start.worker.empty() ? start.worker
                                                    : std::string(detail_value(e->detail, kind.lane_key).value_or("?"));
      row.worker = lane_worker(kind.lane, w);
      rows.push_back(std::move(row));
      break;
    }
  }
  for (const auto& [key, starts] : open)
    if (!starts.empty()) unmatched.starts[name(kStageKinds[key.first]->start)] += starts.size();
  sort_by_start(rows);
  return unmatched;
}

std::optional<int> partition_of(const TimelineEvent& e) {
  const std::optional<double> n = detail_number(e.detail, "partition");
  if (!n || *n < 0 || *n != std::floor(*n) || *n > 1e9) return std::nullopt;
  return static_cast<int>(*n);
}


}  // namespace zkc::analysis
