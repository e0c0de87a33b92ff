// The small text helpers every line parser of the ingest shares: blanks, whole-token numbers, quoting
// a piece of a line for a message, and dropping ANSI colour sequences.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace zkc::analysis {

bool is_space(char c);
std::string_view trim_left(std::string_view s);
std::string_view trim_right(std::string_view s);

// A whole-token finite number. from_chars alone would accept "12ms" as 12 (it stops early) and
// "inf"/"nan", none of which is a duration a log should carry.
std::optional<double> parse_number(std::string_view s);

// Quotes a piece of a log line for a message; long garbage (a line torn by a crash) is cut so the
// report stays readable.
std::string quoted(std::string_view s);

// `line` without its ANSI escape sequences (CSI: ESC [ parameters final-byte; a lone ESC is dropped),
// written into `buffer` when there is one to drop; otherwise `line` itself.
std::string_view without_ansi(std::string_view line, std::string& buffer);

// The next blank-separated token of `rest` (leading blanks skipped), removed from it; empty at the end.
std::string_view next_token(std::string_view& rest);

}  // namespace zkc::analysis
