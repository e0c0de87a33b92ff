#include "harness/system/proc_readers.hpp"

#include "harness/system/errno_text.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <charconv>

namespace zkc::harness {

std::optional<std::string> read_kernel_file(const std::filesystem::path& path, std::string* error) {
  const auto failed = [&](int err) -> std::optional<std::string> {
    if (error != nullptr) *error = path.string() + ": " + errno_text(err);
    return std::nullopt;
  };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return failed(errno);
  std::string out;
  std::array<char, 4096> buf;
  for (;;) {
    const ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      return failed(err);
    }
    if (n == 0) break;
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return out;
}

namespace {

template <typename T>
std::optional<T> missing(const std::filesystem::path& path, std::string_view what, std::string* error) {
  if (error != nullptr) *error = path.string() + ": no " + std::string(what);
  return std::nullopt;
}

std::string_view trim(std::string_view s) {
  const auto first = s.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = s.find_last_not_of(" \t\r\n");
  return s.substr(first, last - first + 1);
}

// The value after `key:` on the line starting with `key` ("MemAvailable:   123 kB" -> "123 kB").
std::optional<std::string_view> field_of(std::string_view text, std::string_view key) {
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(pos, end - pos);
    if (line.substr(0, key.size()) == key) {
      const std::string_view rest = trim(line.substr(key.size()));
      if (!rest.empty() && rest.front() == ':') return trim(rest.substr(1));
    }
    pos = end + 1;
  }
  return std::nullopt;
}

template <typename T>
std::optional<T> leading_number(std::string_view s) {
  T v{};
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end == s.data()) return std::nullopt;
  return v;
}

// A "<N> kB" field of a /proc file, in bytes.
std::optional<std::uint64_t> kib_field(const std::filesystem::path& path, std::string_view key, std::string* error) {
  const auto text = read_kernel_file(path, error);
  if (!text) return std::nullopt;
  const auto value = field_of(*text, key);
  const auto kib = value ? leading_number<std::uint64_t>(*value) : std::nullopt;
  if (!kib) return missing<std::uint64_t>(path, key, error);
  return *kib * 1024;
}

}  // namespace

namespace {

std::optional<std::string> bracketed_word(const std::filesystem::path& path, std::string* error) {
  const auto text = read_kernel_file(path, error);
  if (!text) return std::nullopt;
  const auto open = text->find('['), close = text->find(']');
  if (open == std::string::npos || close == std::string::npos || close <= open + 1)
    return missing<std::string>(path, "bracketed mode", error);
  return text->substr(open + 1, close - open - 1);
}

}  // namespace

std::optional<std::string> read_thp_mode(const std::filesystem::path& sys_root, std::string* error) {
  return bracketed_word(sys_root / "kernel/mm/transparent_hugepage/enabled", error);
}

std::optional<std::string> read_thp_defrag(const std::filesystem::path& sys_root, std::string* error) {
  return bracketed_word(sys_root / "kernel/mm/transparent_hugepage/defrag", error);
}

std::optional<SmapsRollup> read_smaps_rollup(const std::filesystem::path& proc_root, std::string* error) {
  const auto path = proc_root / "self/smaps_rollup";
  const auto text = read_kernel_file(path, error);
  if (!text) return std::nullopt;
  SmapsRollup r;
  for (auto [key, out] : {std::pair{"Rss", &r.rss}, std::pair{"AnonHugePages", &r.anon_huge_pages},
                          std::pair{"LazyFree", &r.lazy_free}}) {
    const auto value = field_of(*text, key);
    const auto kib = value ? leading_number<std::uint64_t>(*value) : std::nullopt;
    if (!kib) return missing<SmapsRollup>(path, key, error);
    *out = *kib * 1024;
  }
  return r;
}


std::optional<int> read_perf_event_paranoid(const std::filesystem::path& proc_root, std::string* error) {
  const auto path = proc_root / "sys/kernel/perf_event_paranoid";
  const auto text = read_kernel_file(path, error);
  if (!text) return std::nullopt;
  const std::string_view t = trim(*text);
  int v = 0;
  const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
  if (t.empty() || ec != std::errc() || end != t.data() + t.size()) return missing<int>(path, "integer", error);
  return v;
}

std::optional<bool> cpu_has_flag(std::string_view flag, const std::filesystem::path& proc_root, std::string* error) {
  const auto path = proc_root / "cpuinfo";
  const auto text = read_kernel_file(path, error);
  if (!text) return std::nullopt;
  const auto flags = field_of(*text, "flags");
  if (!flags) return missing<bool>(path, "flags line", error);
  std::string_view rest = *flags;
  while (!rest.empty()) {
    const std::size_t space = rest.find(' ');
    if (rest.substr(0, space) == flag) return true;
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return false;
}

std::optional<std::uint64_t> read_mem_available_bytes(const std::filesystem::path& proc_root, std::string* error) {
  return kib_field(proc_root / "meminfo", "MemAvailable", error);
}

std::optional<std::uint64_t> read_mem_total_bytes(const std::filesystem::path& proc_root, std::string* error) {
  return kib_field(proc_root / "meminfo", "MemTotal", error);
}

std::optional<std::uint64_t> read_peak_rss_bytes(const std::filesystem::path& proc_root, std::string* error) {
  return kib_field(proc_root / "self/status", "VmHWM", error);
}

}  // namespace zkc::harness
