// Minimal RFC 4180 CSV for the run's tables (and for reading a run's timeline.csv back in analysis/ingest,
// hence here, below the harness): fields containing a comma, a quote or a line break are
// quoted with inner quotes doubled (timeline details are comma-separated key=value lists). Records end
// with "\n"; the parser also accepts "\r\n".
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkc::analysis {

// `field` as one CSV field, quoted only when it needs to be.
std::string csv_field(std::string_view field);

struct CsvRecord {
  std::size_t line = 0;  // 1-based line where the record starts
  std::vector<std::string> fields;
};

// A numeric field: its whole text must be a finite number (std::from_chars, so no locale and no
// leading space; "nan" and "inf" are refused); nullopt otherwise, the empty field included. Callers
// say which file and line was bad.
std::optional<double> csv_number(std::string_view field);

// Parses a whole CSV text strictly: a stray quote, text after a closing quote, an unterminated quote
// or a last record without its line end (a file cut short) is a std::runtime_error naming
// `source:line`. A final empty line is not a record.
std::vector<CsvRecord> parse_csv(std::string_view text, std::string_view source);

}  // namespace zkc::analysis
