#include "analysis/ingest/prover_log.hpp"

#include "analysis/metrics/run_metrics.hpp"
#include "model/events.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <deque>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <stdexcept>
#include <system_error>
#include <unordered_map>
#include <utility>

#include "analysis/csv/csv.hpp"

namespace zkc::analysis {
namespace {

constexpr std::string_view kTimelineMarker = "TIMELINE,";
constexpr std::string_view kTimingMarker = "CUZK_TIMING:";
// The longest line kept whole (a real one is under 200 bytes): a file of garbage without newlines is
// read through, never held.
constexpr std::size_t kMaxLineBytes = 1 << 20;
constexpr std::string_view kTimelineFormat = "TIMELINE,{offset_ms},{event},{job_id},{detail}";

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// A whole-token finite number. from_chars alone would accept "12ms" as 12 (it stops early) and
// "inf"/"nan", none of which is a duration a log should carry.
std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

// Upper-case identifiers: the real prover's events are [A-Z_], the harness adds BG2_START/BG2_END,
// so digits are accepted after the first letter.
bool is_event_name(std::string_view s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

// Quotes a piece of a log line for a message; long garbage (a line torn by a crash) is cut so the
// report stays readable.
std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 60;
  if (s.size() <= kMax) return fmt::format("\"{}\"", s);
  return fmt::format("\"{}...\" ({} characters)", s.substr(0, kMax), s.size());
}

// What a parse carries from line to line.
struct ParseState {
  ProverLog out;
  bool timeline_csv = false;  // the file is a run's timeline.csv: its first line is the header
  // The 64-bit hash of a repeat key (event, job, detail) -> the line of its first event: 16 bytes of
  // key and value per event, never the text.
  std::unordered_map<std::uint64_t, std::size_t> seen;
  std::string key;            // the repeat key being hashed (one buffer for all lines)
  std::string carry;          // a line cut by a read's end, completed by the next read
  // One buffer per distinct event name, job id and detail: a long log has millions of events but a
  // few dozen names, one job id per proof and few details without a duration. Details are many
  // (most carry a duration), so their pool is bounded; job ids are one per proof.
  TextPool names{256}, jobs{1 << 18}, details{4096}, timing_keys{256};
};

// Events that happen once per (job, partition) or per job carry the partition or are PROOF_*; the
// same event, job and detail again is a repeat (a log written twice, two runs in one file). Other
// events (no partition) may legitimately repeat and are never dropped.
bool is_repeat(std::string_view event, std::string_view job, std::string_view detail, std::size_t line,
               ParseState& st) {
  if (!event.starts_with("PROOF_") && !detail_value(detail, "partition")) return false;
  std::string& key = st.key;
  key.clear();
  key.append(event).append(1, '\x1f').append(job).append(1, '\x1f').append(detail);
  const auto [it, fresh] = st.seen.try_emplace(std::hash<std::string>{}(key), line);
  if (fresh) return false;
  ProverLog& out = st.out;
  if (out.repeated_events++ == 0) {
    out.repeated_example = fmt::format("{} {} {} (line {} repeats line {})", event, job, detail, line, it->second);
    out.repeated_first_line = line;
  }
  return true;
}

// The four fields of one event, from a TIMELINE line or a timeline.csv record: checked, then kept as
// an event or reported as an issue.
void add_event(std::string_view offset_text, std::string_view event, std::string_view job, std::string_view detail,
               std::size_t line, ParseState& st) {
  ProverLog& out = st.out;
  const auto issue = [&](std::string message) {
    out.issues.push_back({line, LogIssueKind::timeline, std::move(message)});
  };
  const std::optional<double> offset = parse_number(offset_text);
  if (!offset) {
    issue(fmt::format("TIMELINE offset {} is not a number; expected milliseconds since the run's start in {}",
                      quoted(offset_text), kTimelineFormat));
    return;
  }
  if (!valid_offset_ms(*offset)) {
    issue(fmt::format("TIMELINE offset {} is out of range; expected milliseconds since the run's start in [0, {:g}]",
                      quoted(offset_text), kMaxOffsetMs));
    return;
  }
  if (!is_event_name(event)) {
    issue(fmt::format("TIMELINE event {} is not an upper-case event name (A-Z, 0-9, _; e.g. GPU_START)",
                      quoted(event)));
    return;
  }
  if (job.empty()) {
    issue(fmt::format("TIMELINE job id is empty; expected the proof's job id after the event in {}", kTimelineFormat));
    return;
  }
  if (const std::string why = detail_problem(detail); !why.empty()) {
    issue(fmt::format("TIMELINE {}: {}; expected a comma-separated key=value list (e.g. worker=0,partition=3)",
                      event, why));
    return;
  }
  // A partition index no proof can have (--partitions accepts at most kMaxPartitions) is a torn or
  // foreign line: one such line would otherwise make every proof "incomplete" (0 proofs counted).
  if (const auto p = detail_number(detail, "partition"); p && *p >= static_cast<double>(kMaxPartitions)) {
    issue(fmt::format("TIMELINE {} partition={}: above {} (at most {} partitions per proof, as --partitions "
                      "accepts); line left out",
                      event, *detail_value(detail, "partition"), kMaxPartitions - 1, kMaxPartitions));
    return;
  }
  if (is_repeat(event, job, detail, line, st)) return;
  out.events.push_back({*offset, st.names.get(event), st.jobs.get(job), st.details.get(detail)});
}

// One CSV record on one line (a quoted field of a timeline.csv, which never spans lines in a run's own
// timeline): its fields, or nullopt with `why` when it is not well-formed CSV.
std::optional<std::vector<std::string>> csv_line(std::string_view text, std::string* why) {
  try {
    auto records = parse_csv(std::string(text) + "\n", "");
    if (records.size() == 1) return std::move(records.front().fields);
    *why = "a quoted field spans lines";
  } catch (const std::runtime_error& e) {
    // "<source>:<line>: malformed CSV: <what>" with an empty source: keep what comes after the prefix.
    const std::string_view msg = e.what();
    const std::size_t at = msg.find("malformed CSV: ");
    *why = std::string(at == std::string_view::npos ? msg : msg.substr(at + 15));
  }
  return std::nullopt;
}

void parse_timeline(std::string_view rest, std::size_t line, ParseState& st) {
  ProverLog& out = st.out;
  // offset, event, job id, then the detail: everything after the third comma here.
  std::string_view fields[3];
  for (std::size_t i = 0; i < 3; ++i) {
    const std::size_t comma = rest.find(',');
    if (comma == std::string_view::npos) {
      out.issues.push_back({line, LogIssueKind::timeline,
                            fmt::format("TIMELINE line has {} of the 4 fields after the marker; expected {}",
                                        i + (rest.empty() ? 0 : 1), kTimelineFormat)});
      return;
    }
    fields[i] = rest.substr(0, comma);
    rest.remove_prefix(comma + 1);
  }
  // The real prover writes the detail bare; a timeline.csv row with the marker in front has it quoted
  // as CSV ("worker=0,partition=3"), which is read as that one field.
  std::string detail(rest);
  if (!rest.empty() && rest.front() == '"') {
    std::string why;
    const auto f = csv_line(rest, &why);
    if (!f || f->size() != 1) {
      out.issues.push_back({line, LogIssueKind::timeline,
                            fmt::format("TIMELINE detail {} starts with a quote but is not one quoted CSV field ({})",
                                        quoted(rest), f ? "text after the closing quote" : why)});
      return;
    }
    detail = f->front();
  }
  add_event(fields[0], fields[1], fields[2], detail, line, st);
}

// A record of a run's own timeline.csv (after its header): offset_ms,event,job_id,detail as RFC 4180.
void parse_csv_record(std::string_view text, std::size_t line, ParseState& st) {
  ProverLog& out = st.out;
  std::string why;
  const auto f = csv_line(text, &why);
  if (!f) {
    out.issues.push_back({line, LogIssueKind::timeline, fmt::format("timeline.csv record is not CSV: {}", why)});
    return;
  }
  if (f->size() != 4) {
    out.issues.push_back({line, LogIssueKind::timeline,
                          fmt::format("timeline.csv record has {} fields; expected 4: {}", f->size(),
                                      kTimelineCsvHeader)});
    return;
  }
  add_event((*f)[0], (*f)[1], (*f)[2], (*f)[3], line, st);
}

void parse_timing(std::string_view rest, std::size_t line, ParseState& st) {
  ProverLog& out = st.out;
  const auto issue = [&](std::string message) {
    out.issues.push_back({line, LogIssueKind::timing, std::move(message)});
  };
  CuzkTiming timing{line, {}};
  std::size_t tokens = 0;
  while (true) {
    while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
    if (rest.empty()) break;
    std::size_t end = 0;
    while (end < rest.size() && !is_space(rest[end])) ++end;
    const std::string_view token = rest.substr(0, end);
    rest.remove_prefix(end);
    ++tokens;
    const std::size_t eq = token.find('=');
    const std::optional<double> value =
        eq == std::string_view::npos ? std::nullopt : parse_number(token.substr(eq + 1));
    if (eq == 0 || !value) {
      issue(fmt::format("CUZK_TIMING token {} is not key=number; expected e.g. prep_msm_ms=1812.5", quoted(token)));
      continue;
    }
    // A repeated key is a torn or concatenated line; keeping the first value keeps the line's own one.
    const std::string_view key = token.substr(0, eq);
    auto& values = timing.values;
    const auto at = std::lower_bound(values.begin(), values.end(), key,
                                     [](const auto& kv, std::string_view k) { return kv.first < k; });
    if (at != values.end() && at->first == key)
      issue(fmt::format("CUZK_TIMING key {} appears more than once on the line; the first value is kept", quoted(key)));
    else
      values.emplace(at, st.timing_keys.get(key), *value);
  }
  if (tokens == 0) issue("CUZK_TIMING line has no key=value pairs after the marker");
  if (!timing.values.empty()) out.timings.push_back(std::move(timing));
}

std::optional<int> partition_of(const TimelineEvent& e) {
  const std::optional<double> n = detail_number(e.detail, "partition");
  if (!n || *n < 0 || *n != std::floor(*n) || *n > 1e9) return std::nullopt;
  return static_cast<int>(*n);
}

// One line of the log (without its newline).
void parse_line(std::string_view line, ParseState& st) {
  ProverLog& out = st.out;
  const std::size_t number = ++out.lines;
  // Trailing blanks and "\r" are never part of a field (a detail or a timing value).
  line = trim_right(line);
  if (number == 1 && line == kTimelineCsvHeader) {
    st.timeline_csv = true;
    ++out.ignored_lines;
    return;
  }
  if (st.timeline_csv && !line.empty() && line.find(kTimelineMarker) == std::string_view::npos) {
    ++out.timeline_lines;
    parse_csv_record(line, number, st);
    return;
  }
  const std::size_t tl = line.find(kTimelineMarker);
  const std::size_t tm = line.find(kTimingMarker);
  // Both markers on one line only happens with two writers interleaving; the first one owns it.
  if (tl != std::string_view::npos && (tm == std::string_view::npos || tl < tm)) {
    ++out.timeline_lines;
    parse_timeline(line.substr(tl + kTimelineMarker.size()), number, st);
  } else if (tm != std::string_view::npos) {
    ++out.timing_lines;
    parse_timing(line.substr(tm + kTimingMarker.size()), number, st);
  } else {
    ++out.ignored_lines;
  }
}

// The complete lines of `text`, the last one too when `last` (the end of the input); an incomplete
// last line is kept in st.carry for the next chunk. A line longer than kMaxLineBytes (a torn write,
// binary garbage) is cut there: its start is parsed (and reported as whatever it is), the rest dropped.
void parse_chunk(std::string_view text, bool last, ParseState& st) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    if (nl == std::string_view::npos) {
      const std::size_t room = kMaxLineBytes > st.carry.size() ? kMaxLineBytes - st.carry.size() : 0;
      st.carry.append(text.substr(0, std::min(room, text.size())));
      break;
    }
    if (st.carry.empty()) {
      parse_line(text.substr(0, nl), st);
    } else {
      const std::size_t room = kMaxLineBytes > st.carry.size() ? kMaxLineBytes - st.carry.size() : 0;
      st.carry.append(text.substr(0, std::min(room, nl)));
      parse_line(st.carry, st);
      st.carry.clear();
    }
    text.remove_prefix(nl + 1);
  }
  if (last && !st.carry.empty()) {
    parse_line(st.carry, st);
    st.carry.clear();
  }
}

}  // namespace

std::optional<double> CuzkTiming::value(std::string_view key) const {
  const auto at = std::lower_bound(values.begin(), values.end(), key,
                                   [](const auto& kv, std::string_view k) { return kv.first < k; });
  if (at == values.end() || at->first != key) return std::nullopt;
  return at->second;
}

std::string repeated_events_note(const ProverLog& log) {
  return fmt::format("{} repeated event{} dropped (the same event, job and detail as an earlier line; first: {}): a "
                     "log written twice, or two runs in one file? The first of each is kept",
                     log.repeated_events, log.repeated_events == 1 ? "" : "s", log.repeated_example);
}

ProverLog parse_prover_log(std::string_view text) {
  ParseState st;
  parse_chunk(text, true, st);
  return std::move(st.out);
}

ProverLog read_prover_log(const std::filesystem::path& path) {
  // stdio rather than ifstream: a stream reports a read error (a directory, EIO) as a plain end of
  // file, which would turn an unreadable log into an empty one; ferror and errno tell them apart.
  // Read and parsed a chunk at a time: the text is never held whole, only its events.
  const std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!file) throw std::system_error(errno, std::generic_category(), "cannot open prover log " + path.string());
  ParseState st;
  std::vector<char> buffer(1 << 20);
  while (true) {
    errno = 0;
    const std::size_t n = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (n < buffer.size() && std::ferror(file.get()))
      throw std::system_error(errno != 0 ? errno : EIO, std::generic_category(),
                              "cannot read prover log " + path.string());
    const bool last = n < buffer.size();
    parse_chunk(std::string_view(buffer.data(), n), last, st);
    if (last) break;
  }
  return std::move(st.out);
}

PartitionsSeen infer_partitions_per_proof(const std::vector<TimelineEvent>& events) {
  std::map<std::string_view, std::size_t> per_job;  // job -> largest partition index + 1
  for (const TimelineEvent& e : events) {
    if (const auto p = partition_of(e); p && *p >= 0) {
      auto& n = per_job[e.job_id];
      n = std::max(n, static_cast<std::size_t>(*p) + 1);
    }
  }
  PartitionsSeen seen;
  seen.jobs = per_job.size();
  for (const auto& [job, n] : per_job) seen.per_proof = std::max(seen.per_proof, n);
  for (const auto& [job, n] : per_job) seen.short_jobs += n < seen.per_proof ? 1 : 0;
  return seen;
}

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

// Starts and ends of kStageKinds that found no partner, by event name.
struct Unmatched {
  std::map<std::string_view, std::size_t> starts, ends;
};

// Stages: pair starts and ends per (job, partition) in time order, first start with first end, as
// compute_metrics does, so the waterfall shows the intervals the metrics measured. Sorted by start.
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

// CUZK_TIMING means, each over the lines that carry the key (a line missing a key does not count
// as a zero).
void add_timing_means(const std::vector<CuzkTiming>& timings, std::vector<MetricRow>& extra) {
  std::map<std::string, std::pair<double, std::size_t>> sums;
  for (const CuzkTiming& t : timings)
    for (const auto& [key, value] : t.values) {
      auto& [sum, n] = sums[std::string(key)];
      sum += value;
      ++n;
    }
  const auto add_mean = [&extra](const std::string& key, const std::pair<double, std::size_t>& s) {
    const bool ms = key.size() > 3 && key.ends_with("_ms");
    extra.push_back({"cuzk_" + key + "_mean", s.first / static_cast<double>(s.second), ms ? "ms" : ""});
  };
  static constexpr std::string_view kKnown[] = {"prep_msm_ms", "b_g2_msm_ms", "gpu_total_ms", "async_dealloc_ms"};
  for (const std::string_view key : kKnown)
    if (const auto it = sums.find(std::string(key)); it != sums.end()) add_mean(it->first, it->second);
  for (const auto& [key, s] : sums)
    if (std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) add_mean(key, s);
  extra.push_back({"cuzk_timing_lines", static_cast<double>(timings.size()), "count"});
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
  issue_note(LogIssueKind::timeline, "malformed TIMELINE line", "malformed TIMELINE lines");
  issue_note(LogIssueKind::timing, "malformed CUZK_TIMING entry", "malformed CUZK_TIMING entries");
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
  // The timings' means first: the lines go before the metrics and the stages are made.
  add_timing_means(log.timings, run.extra);
  std::vector<CuzkTiming>().swap(log.timings);
  MetricsOptions options;
  options.partitions_per_proof = partitions_for_metrics(run.events, partitions_per_proof, run.notes);
  run.metrics = compute_metrics(run.events, options);
  const Unmatched unmatched = pair_stage_rows(run.events, run.stages);
  add_quality_notes(log, unmatched, run.notes);
  return run;
}

}  // namespace zkc::analysis
