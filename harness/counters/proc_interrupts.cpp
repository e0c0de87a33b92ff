#include "harness/counters/proc_interrupts.hpp"

#include <fmt/format.h>

#include <charconv>
#include <stdexcept>
#include <system_error>

#include "harness/system/text_file.hpp"

namespace zkc::harness::counters {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// The next whitespace-separated field of `rest` (consumed), or an empty view at the end.
std::string_view next_field(std::string_view& rest) {
  while (!rest.empty() && is_space(rest.front())) rest.remove_prefix(1);
  std::size_t n = 0;
  while (n < rest.size() && !is_space(rest[n])) ++n;
  const std::string_view field = rest.substr(0, n);
  rest.remove_prefix(n);
  return field;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s)
    if (!is_digit(c)) return false;
  return true;
}

// Long lines (192 CPUs: ~2 KB) are shortened in messages.
std::string excerpt(std::string_view line) {
  line = trim(line);
  if (line.size() <= 60) return std::string(line);
  return std::string(line.substr(0, 57)) + "...";
}

std::vector<int> parse_header(std::string_view line, std::string_view source, std::size_t line_no) {
  std::vector<int> cpus;
  std::string_view rest = line;
  for (std::string_view f = next_field(rest); !f.empty(); f = next_field(rest)) {
    int cpu = -1;
    const std::string_view digits = f.substr(f.size() >= 3 ? 3 : f.size());
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cpu);
    if (f.substr(0, 3) != "CPU" || !all_digits(digits) || ec != std::errc() || end != digits.data() + digits.size())
      throw std::runtime_error(fmt::format("{} line {}: expected a header of CPU columns (CPU0 CPU1 ...), found '{}'",
                                           source, line_no, excerpt(line)));
    if (!cpus.empty() && cpu <= cpus.back())
      throw std::runtime_error(
          fmt::format("{} line {}: header CPU columns are not increasing (CPU{} after CPU{})", source, line_no, cpu, cpus.back()));
    cpus.push_back(cpu);
  }
  if (cpus.empty())
    throw std::runtime_error(fmt::format("{} line {}: expected a header of CPU columns (CPU0 CPU1 ...), found '{}'",
                                         source, line_no, excerpt(line)));
  return cpus;
}

InterruptRow parse_row(std::string_view line, std::size_t ncpus, std::string_view source, std::size_t line_no) {
  InterruptRow row;
  std::string_view rest = line;
  const std::string_view head = next_field(rest);
  const std::size_t colon = head.find(':');
  if (colon == std::string_view::npos || colon == 0)
    throw std::runtime_error(
        fmt::format("{} line {}: expected a row starting with '<name>:', found '{}'", source, line_no, excerpt(line)));
  row.name = std::string(head.substr(0, colon));
  // Normally "TLB:" is one field followed by spaces; "TLB:123" glued together reads the same.
  rest = line.substr(static_cast<std::size_t>(head.data() - line.data()) + colon + 1);
  row.per_cpu.reserve(ncpus);
  while (row.per_cpu.size() < ncpus) {
    std::string_view after = rest;
    const std::string_view f = next_field(after);
    if (f.empty() || !is_digit(f.front())) break;  // end of line, or the description starts here
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(f.data(), f.data() + f.size(), v);
    if (!all_digits(f) || ec != std::errc() || end != f.data() + f.size())
      throw std::runtime_error(fmt::format("{} line {}: row '{}': malformed count '{}' (expected an unsigned 64-bit integer)",
                                           source, line_no, row.name, f));
    row.per_cpu.push_back(v);
    rest = after;
  }
  if (row.per_cpu.empty())
    throw std::runtime_error(fmt::format("{} line {}: row '{}' has no counts", source, line_no, row.name));
  row.description = std::string(trim(rest));
  return row;
}

}  // namespace

InterruptsTable parse_proc_interrupts(std::string_view text, std::string_view source) {
  InterruptsTable table;
  bool have_header = false;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (trim(line).empty()) continue;
    if (!have_header) {
      table.cpus = parse_header(line, source, line_no);
      have_header = true;
      continue;
    }
    table.rows.push_back(parse_row(line, table.cpus.size(), source, line_no));
  }
  if (!have_header)
    throw std::runtime_error(fmt::format("{} line {}: missing header of CPU columns (CPU0 CPU1 ...): the text is empty",
                                         source, line_no + 1));
  return table;
}

InterruptsTable read_proc_interrupts(const std::filesystem::path& path) {
  // read_text_file: std::system_error "cannot open <path>: <errno text>".
  const std::string text = read_text_file(path);
  return parse_proc_interrupts(text, path.string());
}

const InterruptRow* find_row(const InterruptsTable& table, std::string_view name) {
  for (const auto& row : table.rows)
    if (row.name == name) return &row;
  return nullptr;
}

std::optional<std::vector<std::uint64_t>> tlb_shootdowns_per_cpu(const InterruptsTable& table) {
  const InterruptRow* row = find_row(table, "TLB");
  if (row == nullptr) return std::nullopt;
  std::vector<std::uint64_t> counts = row->per_cpu;
  counts.resize(table.cpus.size(), 0);
  return counts;
}

std::uint64_t sum(std::span<const std::uint64_t> counts) {
  std::uint64_t total = 0;
  for (const auto c : counts) total += c;
  return total;
}

}  // namespace zkc::harness::counters
