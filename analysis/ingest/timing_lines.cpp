// The C++ side's lines: CUZK_TIMING (key=number pairs, the word-valued keys of older logs, and the
// free-text shapes of log_formats' kTimingShapes) and CUZK_NTT_H (key=<number>ms pairs).
#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "analysis/ingest/line_text.hpp"
#include "analysis/ingest/parse_state.hpp"

namespace zkc::analysis {
namespace {

// How the key=value tokens after one marker are read.
struct PairRules {
  std::string_view name;     // the marker's name in messages: "CUZK_TIMING"
  LogIssueKind kind;
  std::string_view unit;     // every value is <number><unit> ("" = a plain number)
  std::string_view example;  // a good token, for the messages
  bool word_keys = false;    // kWordKeys are read (CUZK_TIMING)
};

// `key` = `value` into the line's sorted values; false when the line already has the key.
template <typename Value>
bool put(std::vector<std::pair<SharedText, Value>>& into, std::string_view key, Value value, ParseState& st) {
  const auto at = std::lower_bound(into.begin(), into.end(), key,
                                   [](const auto& kv, std::string_view k) { return kv.first < k; });
  if (at != into.end() && at->first == key) return false;
  into.emplace(at, st.keys.get(key), std::move(value));
  return true;
}

const WordKey* word_key(std::string_view key) {
  for (const WordKey& w : kWordKeys)
    if (w.key == key) return &w;
  return nullptr;
}

std::string word_list(const WordKey& w) {
  std::string out;
  for (std::size_t i = 0; i < w.words.size(); ++i)
    out += fmt::format("{}{}", i == 0 ? "" : i + 1 == w.words.size() ? " or " : ", ", w.words[i]);
  return out;
}

// A word-valued token (prestage_setup=ok): read into `words`, or an issue naming the words it takes.
void read_word(const WordKey& w, std::string_view token, std::string_view word, std::size_t line,
               const PairRules& rules, LineValues& out, ParseState& st) {
  if (std::find(w.words.begin(), w.words.end(), word) == w.words.end()) {
    st.issue(line, rules.kind,
             fmt::format("{} token {}: {} takes {}", rules.name, quoted(token), w.key, word_list(w)));
    return;
  }
  const bool seen = std::any_of(out.words.begin(), out.words.end(), [&](const auto& kv) { return kv.first == w.key; });
  if (seen)
    st.issue(line, rules.kind,
             fmt::format("{} key {} appears more than once on the line; the first value is kept", rules.name,
                         quoted(w.key)));
  else
    out.words.emplace_back(st.keys.get(w.key), st.keys.get(word));
}

// The key=value tokens of `rest` into `out`; an issue for each token that is not one.
void read_pairs(std::string_view rest, std::size_t line, const PairRules& rules, LineValues& out, ParseState& st) {
  std::size_t tokens = 0;
  for (std::string_view token = next_token(rest); !token.empty(); token = next_token(rest)) {
    ++tokens;
    const std::size_t eq = token.find('=');
    const std::string_view key = eq == std::string_view::npos ? std::string_view() : token.substr(0, eq);
    std::string_view text = eq == std::string_view::npos ? std::string_view() : token.substr(eq + 1);
    if (const WordKey* w = rules.word_keys && !key.empty() ? word_key(key) : nullptr; w != nullptr) {
      read_word(*w, token, text, line, rules, out, st);
      continue;
    }
    const bool unit_ok = text.ends_with(rules.unit);
    if (unit_ok) text.remove_suffix(rules.unit.size());
    const std::optional<double> value = unit_ok ? parse_number(text) : std::nullopt;
    if (key.empty() || !value) {
      st.issue(line, rules.kind,
               fmt::format("{} token {} is not key={}; expected e.g. {}", rules.name, quoted(token),
                           rules.unit.empty() ? std::string("number") : fmt::format("<number>{}", rules.unit),
                           rules.example));
      continue;
    }
    // A repeated key is a torn or concatenated line; keeping the first value keeps the line's own one.
    if (!put(out.values, key, *value, st))
      st.issue(line, rules.kind,
               fmt::format("{} key {} appears more than once on the line; the first value is kept", rules.name,
                           quoted(key)));
  }
  if (tokens == 0) st.issue(line, rules.kind, fmt::format("{} line has no key=value pairs after the marker", rules.name));
}

std::string_view first_word(std::string_view s) {
  s = trim_left(s);
  std::size_t end = 0;
  while (end < s.size() && !is_space(s[end])) ++end;
  return s.substr(0, end);
}

// The free-text shape `rest` is in (its first word is the shape's), or nullptr.
const std::string_view* shape_of(std::string_view rest) {
  const std::string_view word = first_word(rest);
  for (const std::string_view& shape : kTimingShapes)
    if (first_word(shape) == word) return &shape;
  return nullptr;
}

// `text` read against `shape`: its literal text exactly, each {key} a number put into `out`.
bool match_shape(std::string_view shape, std::string_view text, LineValues& out, ParseState& st) {
  while (!shape.empty()) {
    const std::size_t open = shape.find('{');
    const std::string_view literal = shape.substr(0, open);
    if (!text.starts_with(literal)) return false;
    text.remove_prefix(literal.size());
    shape.remove_prefix(literal.size());
    if (shape.empty()) break;
    const std::size_t close = shape.find('}');
    const std::string_view key = shape.substr(1, close - 1);
    shape.remove_prefix(close + 1);
    const std::string_view next = shape.substr(0, shape.find('{'));
    const std::size_t end = next.empty() ? text.size() : text.find(next);
    if (end == std::string_view::npos) return false;
    const std::optional<double> value = parse_number(text.substr(0, end));
    if (!value) return false;
    put(out.values, key, *value, st);
    text.remove_prefix(end);
  }
  return text.empty();
}

}  // namespace

void parse_timing(std::string_view rest, std::size_t line, ParseState& st) {
  LineValues timing{line, {}, {}};
  rest = trim_left(trim_right(rest));
  if (const std::string_view* shape = shape_of(rest)) {
    if (!match_shape(*shape, rest, timing, st)) {
      st.issue(line, LogIssueKind::timing,
               fmt::format("CUZK_TIMING line {} does not match its shape; expected \"{}\" (each {{key}} a number)",
                           quoted(rest), *shape));
      return;
    }
  } else {
    read_pairs(rest, line, {"CUZK_TIMING", LogIssueKind::timing, "", "prep_msm_ms=1812.5", true}, timing, st);
  }
  if (!timing.values.empty() || !timing.words.empty()) st.out.timings.push_back(std::move(timing));
}

void parse_ntt_h(std::string_view rest, std::size_t line, ParseState& st) {
  LineValues ntt{line, {}, {}};
  read_pairs(rest, line, {"CUZK_NTT_H", LogIssueKind::ntt_h, kNttHUnit, "d_b_alloc=712ms"}, ntt, st);
  if (!ntt.values.empty()) st.out.ntt_h.push_back(std::move(ntt));
}

}  // namespace zkc::analysis
