// What the line parsers of the ingest share while one log is read (internal to analysis/ingest): the
// ProverLog being filled, the text pools and the repeat keys. Each parser gets the part of its line
// after the marker and the line's number; prover_log.cpp decides which parser a line goes to.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "analysis/ingest/log_formats.hpp"
#include "analysis/ingest/prover_log.hpp"

namespace zkc::analysis {

struct ParseState {
  ProverLog out;
  bool timeline_csv = false;  // the file is a run's timeline.csv: its first line is the header
  // The 64-bit hash of a repeat key (event, job, detail) -> the line of its first event: 16 bytes of
  // key and value per event, never the text.
  std::unordered_map<std::uint64_t, std::size_t> seen;
  std::string key;            // the repeat key being hashed (one buffer for all lines)
  std::string carry;          // a line cut by a read's end, completed by the next read
  std::string plain;          // a line without its ANSI sequences (one buffer for all lines)
  // One buffer per distinct event name, job id and detail: a long log has millions of events but a
  // few dozen names, one job id per proof and few details without a duration. Details are many
  // (most carry a duration), so their pool is bounded; job ids are one per proof. `keys`: the keys
  // and words of CUZK_TIMING, CUZK_NTT_H and tracing lines.
  TextPool names{256}, jobs{1 << 18}, details{4096}, keys{256};

  void issue(std::size_t line, LogIssueKind kind, std::string message) {
    out.issues.push_back({line, kind, std::move(message)});
  }
};

// TIMELINE,<rest>: the text after the marker (timeline_lines.cpp).
void parse_timeline(std::string_view rest, std::size_t line, ParseState& st);
// A record of a run's own timeline.csv, after its header (timeline_lines.cpp).
void parse_csv_record(std::string_view text, std::size_t line, ParseState& st);
// CUZK_TIMING: <rest> and CUZK_NTT_H: <rest> (timing_lines.cpp).
void parse_timing(std::string_view rest, std::size_t line, ParseState& st);
void parse_ntt_h(std::string_view rest, std::size_t line, ParseState& st);
// A tracing message's fields: the text after `marker` (tracing_lines.cpp).
void parse_tracing(const LineMarker& marker, std::string_view rest, std::size_t line, ParseState& st);

}  // namespace zkc::analysis
