#include "harness/results/meta_json.hpp"

#include <fmt/format.h>
#include <hwloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <string>

#include "harness/system/host_info.hpp"
#include "harness/system/proc_readers.hpp"

#ifndef ZKC_VERSION
#define ZKC_VERSION "unknown"
#endif

namespace zkc::harness {
namespace {

struct CommandResult {
  bool ran = false;  // popen and pclose worked and the command exited normally
  int exit_code = -1;
  std::string output;  // stdout and stderr together
  std::string failure;  // why it did not run, when !ran
};

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (const char c : s) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  return out + "'";
}

CommandResult run_command(const std::string& command) {
  CommandResult r;
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) {
    r.failure = fmt::format("popen: {}", std::strerror(errno));
    return r;
  }
  std::array<char, 1024> buf;
  while (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) r.output += buf.data();
  const int status = ::pclose(pipe);
  if (status == -1) {
    r.failure = fmt::format("pclose: {}", std::strerror(errno));
  } else if (!WIFEXITED(status)) {
    r.failure = "terminated by a signal";
  } else {
    r.ran = true;
    r.exit_code = WEXITSTATUS(status);
  }
  while (!r.output.empty() && (r.output.back() == '\n' || r.output.back() == '\r')) r.output.pop_back();
  return r;
}

std::string describe_failure(const CommandResult& r) {
  if (!r.ran) return r.failure;
  return fmt::format("exit {}: {}", r.exit_code, r.output.empty() ? "(no output)" : r.output);
}

std::string local_iso_time() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  char buf[40] = "";
  if (::localtime_r(&now, &local) == nullptr || std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S%z", &local) == 0)
    return "unknown";
  return buf;
}

// A value, or null plus the reader's reason in notes.
template <typename T>
nlohmann::json or_null(const std::optional<T>& v, const std::string& why, nlohmann::json& notes) {
  if (v) return *v;
  notes.push_back(why);
  return nullptr;
}

using Topology = std::unique_ptr<hwloc_topology, void (*)(hwloc_topology_t)>;

}  // namespace

std::filesystem::path default_source_dir() {
#ifdef ZKC_SOURCE_DIR
  return ZKC_SOURCE_DIR;
#else
  return ".";
#endif
}

nlohmann::json git_revision(const std::filesystem::path& source_dir, nlohmann::json& notes) {
  nlohmann::json git = {{"revision", "unknown"}, {"dirty", nullptr}};
  const std::string base = "git -C " + shell_quote(source_dir.string());
  const CommandResult rev = run_command(base + " rev-parse --short HEAD");
  if (!rev.ran || rev.exit_code != 0 || rev.output.empty()) {
    notes.push_back(fmt::format("git revision of {}: {}", source_dir.string(), describe_failure(rev)));
    return git;
  }
  git["revision"] = rev.output;
  const CommandResult status = run_command(base + " status --porcelain");
  if (!status.ran || status.exit_code != 0) {
    notes.push_back(fmt::format("git status of {}: {}", source_dir.string(), describe_failure(status)));
    return git;
  }
  git["dirty"] = !status.output.empty();
  return git;
}

nlohmann::json l3_domains(nlohmann::json& notes) {
  hwloc_topology_t raw = nullptr;
  if (hwloc_topology_init(&raw) != 0) {
    notes.push_back(fmt::format("hwloc_topology_init: {}", std::strerror(errno)));
    return nullptr;
  }
  const Topology topology(raw, hwloc_topology_destroy);
  if (hwloc_topology_load(raw) != 0) {
    notes.push_back(fmt::format("hwloc_topology_load: {}", std::strerror(errno)));
    return nullptr;
  }
  const int count = hwloc_get_nbobjs_by_type(raw, HWLOC_OBJ_L3CACHE);
  if (count < 0) {
    notes.push_back("hwloc: L3 caches found at several depths");
    return nullptr;
  }
  nlohmann::json domains = nlohmann::json::array();
  for (int i = 0; i < count; ++i) {
    const hwloc_obj_t obj = hwloc_get_obj_by_type(raw, HWLOC_OBJ_L3CACHE, static_cast<unsigned>(i));
    if (obj == nullptr) {
      notes.push_back(fmt::format("hwloc: L3 cache {} of {} missing", i, count));
      continue;
    }
    nlohmann::json d = {{"index", i}, {"size_bytes", nullptr}, {"cpuset", nullptr}};
    if (obj->attr != nullptr) d["size_bytes"] = obj->attr->cache.size;
    char* list = nullptr;
    if (obj->cpuset != nullptr && hwloc_bitmap_list_asprintf(&list, obj->cpuset) >= 0 && list != nullptr) {
      d["cpuset"] = list;
    } else {
      notes.push_back(fmt::format("hwloc: cannot print the cpuset of L3 cache {}", i));
    }
    std::free(list);
    domains.push_back(std::move(d));
  }
  return domains;
}

nlohmann::json collect_meta(const std::filesystem::path& source_dir) {
  nlohmann::json notes = nlohmann::json::array();
  nlohmann::json meta;
  meta["tool"] = "zkcontend";
  meta["version"] = ZKC_VERSION;
#ifdef NDEBUG
  meta["build_type"] = "release (optimized, NDEBUG)";
#else
  meta["build_type"] = "debug";
#endif
  meta["collected_at"] = local_iso_time();
  meta["git"] = git_revision(source_dir, notes);

  const HostInfo host = read_host_info();
  nlohmann::json h;
  std::array<char, 256> name{};
  if (::gethostname(name.data(), name.size() - 1) == 0) {
    h["hostname"] = name.data();
  } else {
    h["hostname"] = nullptr;
    notes.push_back(fmt::format("gethostname: {}", std::strerror(errno)));
  }
  h["cpu_model"] = host.cpu_model;
  h["online_cpus"] = host.online_cpus;
  h["memory_total_bytes"] = host.total_memory_bytes;
  h["kernel_release"] = host.kernel_release;
  std::string why;
  h["mem_available_bytes"] = or_null(read_mem_available_bytes("/proc", &why), why, notes);
  h["thp_mode"] = or_null(read_thp_mode("/sys", &why), why, notes);
  h["perf_event_paranoid"] = or_null(read_perf_event_paranoid("/proc", &why), why, notes);
  h["invlpgb"] = or_null(cpu_has_flag("invlpgb", "/proc", &why), why, notes);
  h["l3_domains"] = l3_domains(notes);
  meta["host"] = std::move(h);
  meta["notes"] = std::move(notes);
  return meta;
}

}  // namespace zkc::harness
