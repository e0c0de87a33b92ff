// `sweep --collect`: which finished run folders under <sweep>/runs/ are runs of the spec, from
// whichever shard or machine wrote them. A folder belongs to the spec when it is named
// <hash>-<arm>-r<repeat> (as `sweep` names runs), its arm and repeat are the spec's, and its
// config.toml holds the requested value of every key the engine did not choose itself (the values
// marked "auto:" or "balance fit:" are the machine's own and may differ between hosts). The default
// arms are rebuilt for the CPU count the run's meta.json records, since I2 is sized from it.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

#include "harness/cli/sweep_plan.hpp"
#include "harness/cli/sweep_spec.hpp"

namespace zkc::cli {

struct CollectedRun {
  std::size_t request = 0;  // index into the requests given
  int repeat = 0;
  std::string folder;       // name under runs/
  std::string host;         // meta.json host.hostname ("" when it was not known)
};

struct Collection {
  std::vector<CollectedRun> runs;                               // by request, then repeat
  std::vector<std::pair<std::string, std::string>> refused;     // folder, why it is not a run of the spec
  std::vector<std::pair<std::string, std::string>> duplicates;  // folder, the folder used for that run
  std::vector<std::pair<std::size_t, int>> missing;             // request, repeat with no run yet
};

// `requests`: the spec's configurations as this machine plans them (sweep_requests); the order of
// points and arms does not depend on the machine. Unfinished (.tmp-*) folders are in progress or
// stale, and not looked at. Duplicates (the same run done twice, e.g. by an unsharded sweep and a
// shard) keep the first folder by name.
Collection collect_runs(const std::filesystem::path& runs_dir, const SweepSpec& spec,
                        const std::vector<std::string>& cli_overrides, const std::vector<SweepRequest>& requests);

}  // namespace zkc::cli
