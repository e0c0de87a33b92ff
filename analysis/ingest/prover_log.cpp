// Reading a prover log line by line: each line goes to the parser of the first marker on it
// (log_formats' kLineMarkers) or is counted as ignored; a file is read a chunk at a time.
#include "analysis/ingest/prover_log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <memory>
#include <system_error>
#include <utility>

#include "analysis/ingest/line_text.hpp"
#include "analysis/ingest/parse_state.hpp"
#include "analysis/ingest/stage_rows.hpp"

namespace zkc::analysis {
namespace {

// The longest line kept whole (a real one is under 200 bytes): a file of garbage without newlines is
// read through, never held.
constexpr std::size_t kMaxLineBytes = 1 << 20;

// The first marker on a line and where it is; marker == nullptr when the line has none.
struct MarkerHit {
  std::size_t at = std::string_view::npos;
  const LineMarker* marker = nullptr;
};

MarkerHit first_marker(std::string_view line) {
  MarkerHit hit;
  for (const LineMarker& m : kLineMarkers) {
    for (std::size_t from = 0;;) {
      const std::size_t at = line.find(m.marker, from);
      if (at == std::string_view::npos || at >= hit.at) break;
      // A tracing message is the whole message: its fields follow after a space, or nothing does.
      const std::size_t end = at + m.marker.size();
      if (!m.message || end == line.size() || line[end] == ' ') {
        hit = {at, &m};
        break;
      }
      from = at + 1;
    }
  }
  return hit;
}

// One line of the log (without its newline).
void parse_line(std::string_view line, ParseState& st) {
  ProverLog& out = st.out;
  const std::size_t number = ++out.lines;
  // Trailing blanks and "\r" are never part of a field (a detail or a timing value).
  line = trim_right(without_ansi(line, st.plain));
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
  // Two markers on one line only happen with two writers interleaving; the first one owns it.
  const MarkerHit hit = first_marker(line);
  if (hit.marker == nullptr) {
    ++out.ignored_lines;
    return;
  }
  ++(out.*line_kind(hit.marker->kind).lines);
  const std::string_view rest = line.substr(hit.at + hit.marker->marker.size());
  switch (hit.marker->kind) {
    case LogIssueKind::timeline: parse_timeline(rest, number, st); break;
    case LogIssueKind::timing: parse_timing(rest, number, st); break;
    case LogIssueKind::ntt_h: parse_ntt_h(rest, number, st); break;
    case LogIssueKind::pacer:
    case LogIssueKind::pinned_pool: parse_tracing(*hit.marker, rest, number, st); break;
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

const LineKindInfo& line_kind(LogIssueKind kind) { return kLineKinds[static_cast<std::size_t>(kind)]; }

const LineMarker& pool_marker(PoolAction action) {
  for (const LineMarker& m : kLineMarkers)
    if (m.kind == LogIssueKind::pinned_pool && m.action == action) return m;
  return kLineMarkers[0];  // unreachable: every action has its message
}

std::optional<double> LineValues::value(std::string_view key) const {
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

}  // namespace zkc::analysis
