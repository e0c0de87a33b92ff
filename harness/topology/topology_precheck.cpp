#include "harness/topology/topology_precheck.hpp"

#include <fmt/format.h>
#include <hwloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <string_view>

#include "harness/system/text_file.hpp"

namespace zkc::harness::topology {
namespace {

bool digit(char c) { return c >= '0' && c <= '9'; }

// One XML object's attributes of interest, read from its tag text.
struct ObjectTag {
  std::string_view type;
  std::string_view os_index;
  std::size_t widest_set = 0;  // 32-bit words of its largest cpuset/nodeset attribute
};

ObjectTag read_object_tag(std::string_view tag) {
  ObjectTag out;
  std::size_t at = 0;
  while ((at = tag.find('=', at)) != std::string_view::npos) {
    std::size_t name_end = at;
    while (name_end > 0 && tag[name_end - 1] == ' ') --name_end;
    std::size_t name_start = name_end;
    while (name_start > 0 && tag[name_start - 1] != ' ' && tag[name_start - 1] != '\n' && tag[name_start - 1] != '\t')
      --name_start;
    const std::string_view name = tag.substr(name_start, name_end - name_start);
    const std::size_t q = tag.find_first_of("\"'", at);
    if (q == std::string_view::npos) break;
    const std::size_t q_end = tag.find(tag[q], q + 1);
    if (q_end == std::string_view::npos) break;
    const std::string_view value = tag.substr(q + 1, q_end - q - 1);
    if (name == "type") out.type = value;
    if (name == "os_index") out.os_index = value;
    if (name.ends_with("cpuset") || name.ends_with("nodeset"))
      out.widest_set = std::max(out.widest_set, static_cast<std::size_t>(std::count(value.begin(), value.end(), ',')) + 1);
    at = q_end + 1;
  }
  return out;
}

struct XmlCounts {
  std::size_t objects = 0, pus = 0, numa = 0, depth = 0;
};

// Checks one <object ...> tag against the limits; `line` for the message.
void check_object(const ObjectTag& o, const XmlCounts& n, std::size_t line, const std::string& path) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(fmt::format("XML topology {}:{}: {}", path, line, what));
  };
  if (n.depth > kMaxXmlDepth) fail(fmt::format("objects nested {} deep; accepted: at most {}", n.depth, kMaxXmlDepth));
  if (n.objects > kMaxXmlObjects) fail(fmt::format("more than {} objects; accepted: at most {}", kMaxXmlObjects, kMaxXmlObjects));
  if (n.pus > kMaxPus) fail(fmt::format("more than {} PUs; accepted: at most {} (Linux's largest CPU count)", kMaxPus, kMaxPus));
  if (o.widest_set > kMaxCpusetWords)
    fail(fmt::format("a cpuset or nodeset of {} words; accepted: at most {} (indexes up to {})", o.widest_set,
                     kMaxCpusetWords, kMaxOsIndex));
  if (!o.os_index.empty()) {
    const bool number = o.os_index.size() <= 10 && std::all_of(o.os_index.begin(), o.os_index.end(), digit);
    if (!number || std::stoull(std::string(o.os_index)) > kMaxOsIndex)
      fail(fmt::format("{} os_index=\"{}\"; accepted: 0 to {}", o.type, o.os_index, kMaxOsIndex));
  }
}

}  // namespace

void precheck_synthetic(const std::string& description) {
  std::uint64_t pus = 1;
  std::size_t at = 0;
  while (at < description.size()) {
    const std::size_t end = std::min(description.find(' ', at), description.size());
    const std::string_view level = std::string_view(description).substr(at, end - at);
    at = end + 1;
    // "[numa...]" attaches memory; a level is "type:count" with optional "(attributes)".
    const std::size_t colon = level.find(':');
    if (level.empty() || level.front() == '[' || colon == std::string_view::npos) continue;
    std::uint64_t count = 0;
    for (std::size_t i = colon + 1; i < level.size() && digit(level[i]); ++i) {
      count = count * 10 + static_cast<std::uint64_t>(level[i] - '0');
      if (count > kMaxPus) break;
    }
    pus = std::min<std::uint64_t>(pus * std::max<std::uint64_t>(count, 1), kMaxPus + 1);
  }
  if (pus > kMaxPus) {
    throw std::invalid_argument(fmt::format("synthetic topology \"{}\": more than {} PUs (the product of the level "
                                            "counts); accepted: at most {} PUs (Linux's largest CPU count)",
                                            description, kMaxPus, kMaxPus));
  }
}

void precheck_xml(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!ec && size > kMaxXmlBytes)
    throw std::invalid_argument(fmt::format("XML topology {}: {} bytes; accepted: at most {} MiB (an lstopo export "
                                            "of the largest machines is a few MiB)",
                                            path, size, kMaxXmlBytes >> 20));
  const std::string text = read_text_file(path);
  XmlCounts n;
  std::size_t line = 1, counted_to = 0;
  for (std::size_t at = text.find('<'); at != std::string::npos; at = text.find('<', at)) {
    line += static_cast<std::size_t>(std::count(text.begin() + static_cast<std::ptrdiff_t>(counted_to),
                                                text.begin() + static_cast<std::ptrdiff_t>(at), '\n'));
    counted_to = at;
    const std::string_view rest = std::string_view(text).substr(at);
    const std::string_view closer = rest.starts_with("<!--") ? "-->" : rest.starts_with("<?") ? "?>" : ">";
    const std::size_t end = text.find(closer, at + 1);
    if (end == std::string::npos) break;  // hwloc reports a cut file itself
    const std::string_view tag = std::string_view(text).substr(at + 1, end - at - 1);
    at = end + closer.size();
    if (tag.starts_with("/object")) {
      n.depth -= n.depth > 0 ? 1 : 0;
    } else if (tag.starts_with("object") && (tag.size() == 6 || tag[6] == ' ' || tag[6] == '\n' || tag[6] == '/')) {
      const ObjectTag o = read_object_tag(tag);
      ++n.objects;
      n.pus += o.type == "PU" ? 1 : 0;
      n.numa += o.type == "NUMANode" ? 1 : 0;
      if (!tag.ends_with("/")) ++n.depth;
      check_object(o, n, line, path);
    }
  }
  if (n.objects > 0 && n.numa == 0 && text.find("version=\"2.") != std::string::npos) {
    throw std::invalid_argument(fmt::format("XML topology {}: no NUMANode object; hwloc 2 needs at least one (an "
                                            "`lstopo file.xml` export has them; add <object type=\"NUMANode\" ...> "
                                            "under the Machine)",
                                            path));
  }
}

void probe_xml_load(const std::string& path) {
  const pid_t pid = ::fork();
  if (pid < 0) return;  // cannot tell: the caller loads it in-process, as before
  if (pid == 0) {
    hwloc_topology_t t = nullptr;
    int rc = 1;
    if (hwloc_topology_init(&t) == 0) {
      if (hwloc_topology_set_xml(t, path.c_str()) == 0 && hwloc_topology_load(t) == 0) rc = 0;
      hwloc_topology_destroy(t);
    }
    ::_exit(rc);
  }
  int status = 0;
  for (int waited_ms = 0;; waited_ms += 10) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) break;
    if (done < 0) return;
    if (waited_ms >= kXmlProbeTimeoutMs) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      throw std::invalid_argument(fmt::format("XML topology {}: hwloc did not finish loading it in {} s", path,
                                              kXmlProbeTimeoutMs / 1000));
    }
    ::usleep(10'000);
  }
  if (WIFSIGNALED(status)) {
    throw std::invalid_argument(fmt::format("XML topology {}: hwloc crashes loading it ({}); accepted: an `lstopo "
                                            "file.xml` export (every object with its cpuset and nodeset)",
                                            path, ::strsignal(WTERMSIG(status))));
  }
}

}  // namespace zkc::harness::topology
