#include "harness/counters/process_counters.hpp"

#include <fmt/format.h>
#include <sys/resource.h>

#include <cerrno>
#include <charconv>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>

#include "harness/system/text_file.hpp"

namespace zkc::harness::counters {
namespace {

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6; }

std::uint64_t count(long v) { return v < 0 ? 0 : static_cast<std::uint64_t>(v); }

UsageSample usage(int who, const char* what) {
  rusage ru{};
  if (::getrusage(who, &ru) != 0) throw std::system_error(errno, std::generic_category(), what);
  return UsageSample{count(ru.ru_minflt), count(ru.ru_majflt), count(ru.ru_nvcsw), count(ru.ru_nivcsw),
                     seconds(ru.ru_utime), seconds(ru.ru_stime)};
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// "<key>:<spaces><N> kB" -> N * 1024; throws naming the line when the value is not that.
std::uint64_t kib_value(std::string_view value, std::string_view key, std::string_view source, std::size_t line_no) {
  while (!value.empty() && is_space(value.front())) value.remove_prefix(1);
  while (!value.empty() && is_space(value.back())) value.remove_suffix(1);
  std::uint64_t kib = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), kib);
  std::string_view unit = value.substr(static_cast<std::size_t>(end - value.data()));
  while (!unit.empty() && is_space(unit.front())) unit.remove_prefix(1);
  if (ec != std::errc() || end == value.data() || unit != "kB" || kib > std::numeric_limits<std::uint64_t>::max() / 1024)
    throw std::runtime_error(
        fmt::format("{} line {}: {}: expected '<number> kB', found '{}'", source, line_no, key, value));
  return kib * 1024;
}

}  // namespace

UsageSample read_process_usage() { return usage(RUSAGE_SELF, "getrusage(RUSAGE_SELF)"); }
UsageSample read_thread_usage() { return usage(RUSAGE_THREAD, "getrusage(RUSAGE_THREAD)"); }

MemorySample parse_status_memory(std::string_view text, std::string_view source) {
  std::optional<std::uint64_t> rss, hwm;
  std::size_t line_no = 0, pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (line.starts_with("VmRSS:")) rss = kib_value(line.substr(6), "VmRSS", source, line_no);
    else if (line.starts_with("VmHWM:")) hwm = kib_value(line.substr(6), "VmHWM", source, line_no);
  }
  if (!rss) throw std::runtime_error(fmt::format("{}: no VmRSS line", source));
  if (!hwm) throw std::runtime_error(fmt::format("{}: no VmHWM line", source));
  return MemorySample{*rss, *hwm};
}

MemorySample read_memory(const std::filesystem::path& status) {
  const std::string text = read_text_file(status);  // std::system_error "cannot open <path>: <errno text>"
  return parse_status_memory(text, status.string());
}

}  // namespace zkc::harness::counters
