#include "analysis/csv/csv.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>
#include <stdexcept>

namespace zkc::analysis {

std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string out = "\"";
  for (const char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::vector<CsvRecord> parse_csv(std::string_view text, std::string_view source) {
  std::vector<CsvRecord> records;
  std::size_t line = 1, i = 0;
  const auto error = [&](std::size_t at_line, std::string_view what) {
    return std::runtime_error(fmt::format("{}:{}: malformed CSV: {}", source, at_line, what));
  };
  while (i < text.size()) {
    CsvRecord record{line, {}};
    std::string field;
    for (;;) {  // one field per iteration
      field.clear();
      if (i < text.size() && text[i] == '"') {
        const std::size_t quote_line = line;
        ++i;
        for (;;) {
          if (i >= text.size()) throw error(quote_line, "unterminated quoted field");
          const char c = text[i++];
          if (c == '"') {
            if (i < text.size() && text[i] == '"') {
              field += '"';
              ++i;
              continue;
            }
            break;
          }
          if (c == '\n') ++line;
          field += c;
        }
        if (i < text.size() && text[i] != ',' && text[i] != '\n' && !(text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n'))
          throw error(line, "text after a closing quote");
      } else {
        while (i < text.size() && text[i] != ',' && text[i] != '\n') {
          if (text[i] == '"') throw error(line, "quote inside an unquoted field");
          if (text[i] == '\r' && !(i + 1 < text.size() && text[i + 1] == '\n')) throw error(line, "stray carriage return");
          if (text[i] != '\r') field += text[i];
          ++i;
        }
      }
      record.fields.push_back(field);
      if (i < text.size() && text[i] == '\r') ++i;  // the "\r" of "\r\n" after a quoted field
      // Every record written here ends with a newline, so text that stops inside one was cut (a full
      // disk, a crash mid-write): its last field may be half a value, which must not pass as whole.
      if (i >= text.size()) throw error(line, "the last line has no line end: the file is cut short");
      const char sep = text[i++];
      if (sep == '\n') {
        ++line;
        break;
      }
    }
    records.push_back(std::move(record));
  }
  return records;
}

std::optional<double> csv_number(std::string_view field) {
  double v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (field.empty() || ec != std::errc() || end != field.data() + field.size()) return std::nullopt;
  if (!std::isfinite(v)) return std::nullopt;  // "nan", "inf": never written here (unmeasured is empty)
  return v;
}

}  // namespace zkc::analysis
