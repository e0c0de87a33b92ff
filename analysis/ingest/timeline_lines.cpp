// TIMELINE lines and the records of a run's own timeline.csv: four fields, checked alike, kept as
// events or reported as issues; repeats of an earlier event dropped.
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "analysis/csv/csv.hpp"
#include "analysis/ingest/line_text.hpp"
#include "analysis/ingest/parse_state.hpp"

namespace zkc::analysis {
namespace {

// Upper-case identifiers: the real prover's events are [A-Z_], the harness adds BG2_START/BG2_END,
// so digits are accepted after the first letter.
bool is_event_name(std::string_view s) {
  if (s.empty() || s.front() < 'A' || s.front() > 'Z') return false;
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; });
}

// A detail the real prover writes as one bare word (GPU_QUEUE's "monolithic"): read as it is.
bool bare_detail(std::string_view detail) {
  return std::find(std::begin(kBareDetails), std::end(kBareDetails), detail) != std::end(kBareDetails);
}

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
  const auto issue = [&](std::string message) { st.issue(line, LogIssueKind::timeline, std::move(message)); };
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
  if (const std::string why = bare_detail(detail) ? std::string() : detail_problem(detail); !why.empty()) {
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

}  // namespace

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

}  // namespace zkc::analysis
