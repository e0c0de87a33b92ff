// The daemon's tracing lines (tracing_subscriber's default layout: "<time> <LEVEL> <target>: <message>
// key=value ..."): the dispatch pacer's status and the pinned pool's messages of log_formats'
// kLineMarkers. Each is kept with the fields it carries; a missing field or one that is not a number
// (a String field is Debug-quoted: ema_waiting="1.3"; a bool is true/false) is an issue.
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "analysis/ingest/line_text.hpp"
#include "analysis/ingest/parse_state.hpp"

namespace zkc::analysis {
namespace {

// The next key=value field of `rest`, removed from it: a value that starts with a quote runs to the
// closing quote (\" and \\ inside it escaped, as Debug writes a string), others to the next blank.
struct Field {
  std::string_view token, key, value;
  bool quoted = false, closed = true;
};

Field next_field(std::string_view& rest) {
  rest = trim_left(rest);
  Field f;
  const std::size_t eq = rest.find('=');
  std::size_t blank = 0;
  while (blank < rest.size() && !is_space(rest[blank])) ++blank;
  if (eq == std::string_view::npos || eq > blank || eq + 1 >= rest.size() || rest[eq + 1] != '"') {
    f.token = rest.substr(0, blank);
    rest.remove_prefix(blank);
    const std::size_t at = f.token.find('=');
    if (at != std::string_view::npos) {
      f.key = f.token.substr(0, at);
      f.value = f.token.substr(at + 1);
    }
    return f;
  }
  std::size_t end = eq + 2;
  while (end < rest.size() && rest[end] != '"') end += rest[end] == '\\' ? 2 : 1;
  f.quoted = true;
  f.closed = end < rest.size();
  end = std::min(end, rest.size());
  f.key = rest.substr(0, eq);
  f.value = rest.substr(eq + 2, end - eq - 2);
  f.token = rest.substr(0, std::min(end + 1, rest.size()));
  rest.remove_prefix(f.token.size());
  return f;
}

// A field's number: a number, true (1) or false (0), quoted or not.
std::optional<double> field_number(std::string_view value) {
  if (value == "true") return 1.0;
  if (value == "false") return 0.0;
  return parse_number(value);
}

std::string field_list(std::span<const std::string_view> fields) {
  std::string out;
  for (const std::string_view f : fields) out += fmt::format("{}{}", out.empty() ? "" : ", ", f);
  return out;
}

// The declared fields of `marker` read from `rest` into `out`; issues for the bad and the missing.
void read_fields(const LineMarker& marker, std::string_view rest, std::size_t line, LineValues& out,
                 ParseState& st) {
  const auto issue = [&](std::string message) { st.issue(line, marker.kind, std::move(message)); };
  for (Field f = next_field(rest); !f.token.empty(); f = next_field(rest)) {
    const bool declared = std::find(marker.fields.begin(), marker.fields.end(), f.key) != marker.fields.end();
    if (!declared) continue;  // a field this reader does not use (a later prover may add some)
    const std::optional<double> value = f.closed ? field_number(f.value) : std::nullopt;
    if (!value) {
      issue(fmt::format("{} field {} is not a number; expected {}=<number> (or true/false, quoted or not)",
                        marker.marker, quoted(f.token), f.key));
      continue;
    }
    const auto at = std::lower_bound(out.values.begin(), out.values.end(), f.key,
                                     [](const auto& kv, std::string_view k) { return kv.first < k; });
    if (at != out.values.end() && at->first == f.key)
      issue(fmt::format("{} field {} appears more than once on the line; the first value is kept", marker.marker,
                        quoted(f.key)));
    else
      out.values.emplace(at, st.keys.get(f.key), *value);
  }
  std::string missing;
  for (const std::string_view f : marker.fields)
    if (!out.value(f)) missing += fmt::format("{}{}", missing.empty() ? "" : ", ", f);
  if (!missing.empty())
    issue(fmt::format("{} line lacks {}; expected the fields {}", marker.marker, missing, field_list(marker.fields)));
}

}  // namespace

void parse_tracing(const LineMarker& marker, std::string_view rest, std::size_t line, ParseState& st) {
  LineValues values{line, {}, {}};
  read_fields(marker, rest, line, values, st);
  if (marker.kind == LogIssueKind::pacer)
    st.out.pacer.push_back(std::move(values));
  else
    st.out.pinned_pool.push_back({marker.action, std::move(values)});
}

}  // namespace zkc::analysis
