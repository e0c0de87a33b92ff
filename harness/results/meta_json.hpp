// meta.json: what a result needs to be interpreted later: the tool's version and build type, the
// source revision, and the machine facts that change contention (CPU, memory, L3 domains, THP mode,
// perf access, INVLPGB). Collecting never throws: a fact that cannot be read is null and the "notes"
// array says why ("<path>: <errno text>").
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>

namespace zkc::harness {

// ZKC_SOURCE_DIR when this file was compiled with it, else "." (the working directory).
std::filesystem::path default_source_dir();

// Keys: tool, version, build_type, collected_at (local ISO 8601), git {revision, dirty},
// host {hostname, cpu_model, online_cpus, memory_total_bytes, mem_available_bytes, kernel_release,
// thp_mode, perf_event_paranoid, invlpgb, l3_domains [{index, size_bytes, cpuset}]}, notes [..].
nlohmann::json collect_meta(const std::filesystem::path& source_dir = default_source_dir());

// The git facts of `source_dir` alone: {revision ("unknown" when git fails), dirty (bool or null)};
// failures are appended to `notes`.
nlohmann::json git_revision(const std::filesystem::path& source_dir, nlohmann::json& notes);

// L3 cache domains from hwloc: [{index, size_bytes, cpuset ("0-7,64-71")}], or null (with a note).
nlohmann::json l3_domains(nlohmann::json& notes);

}  // namespace zkc::harness
