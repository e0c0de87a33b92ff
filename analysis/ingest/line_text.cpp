#include "analysis/ingest/line_text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <system_error>

namespace zkc::analysis {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f'; }

std::string_view trim_left(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

std::optional<double> parse_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::string quoted(std::string_view s) {
  constexpr std::size_t kMax = 60;
  if (s.size() <= kMax) return fmt::format("\"{}\"", s);
  return fmt::format("\"{}...\" ({} characters)", s.substr(0, kMax), s.size());
}

std::string_view without_ansi(std::string_view line, std::string& buffer) {
  constexpr char kEsc = '\x1b';
  if (line.find(kEsc) == std::string_view::npos) return line;
  buffer.clear();
  for (std::size_t i = 0; i < line.size();) {
    if (line[i] != kEsc) {
      buffer += line[i++];
      continue;
    }
    ++i;
    if (i < line.size() && line[i] == '[') {
      ++i;  // parameters and intermediates (0x20-0x3f), then one final byte (0x40-0x7e)
      while (i < line.size() && line[i] >= 0x20 && line[i] <= 0x3f) ++i;
      if (i < line.size() && line[i] >= 0x40 && line[i] <= 0x7e) ++i;
    }
  }
  return buffer;
}

std::string_view next_token(std::string_view& rest) {
  rest = trim_left(rest);
  std::size_t end = 0;
  while (end < rest.size() && !is_space(rest[end])) ++end;
  const std::string_view token = rest.substr(0, end);
  rest.remove_prefix(end);
  return token;
}

}  // namespace zkc::analysis
