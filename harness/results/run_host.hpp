// Which machine ran a run: meta.json's host section (written by collect_meta), read back so a sweep
// collected from several machines can say which one ran each point.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

namespace zkc::harness {

struct RunHost {
  std::string hostname;      // "" when the run could not read it (meta.json says why)
  unsigned online_cpus = 0;  // what its machine-sized defaults were sized from
};

// nullopt when meta.json is missing, not JSON, or has no host section; `why` then says which.
std::optional<RunHost> read_run_host(const std::filesystem::path& run_dir, std::string* why = nullptr);

}  // namespace zkc::harness
