// Arms of an A/B comparison: named sets of configuration overrides. The defaults are the seed's
// interventions, cumulatively (baseline, I1, I1+I2, I1+I2+I3), split finalize and the phase arena
// (memory.allocator = arena); configs/arms/memory.toml has the other memory strategies. A TOML arms
// file adds or replaces arms:
//
//   [arms.baseline]
//   [arms."I1+I2"]
//   "interventions.serialize_dealloc" = true
//   "gpus.gpu_threads" = 32
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace zkc::cli {

struct Arm {
  std::string name;                    // "I1+I2"
  std::vector<std::string> overrides;  // "key=value", TOML literals
};

// The default arms on a machine with `cpus` online CPUs, from the toggle list (harness/config/toggles.hpp):
// baseline, the cumulative interventions (I1, I1+I2, I1+I2+I3), then each stand-alone toggle's arm.
std::vector<Arm> default_arms(unsigned cpus);

// The default arm that stacks every cumulative intervention ("I1+I2+I3" with the seed's three): the
// "after" of Expected Results. Derived from the toggle list, as default_arms is.
Arm all_interventions_arm(unsigned cpus);

// Reads `[arms.<name>]` tables of key = value; config::ConfigError naming the file (and line) for
// bad TOML, a non-table arm or a nested value. Keys are validated later, with the arm named.
std::vector<Arm> read_arms_file(const std::filesystem::path& path);

// `base` with `extra` merged in (same name: extra wins, in base's position; new: appended).
std::vector<Arm> merge_arms(std::vector<Arm> base, const std::vector<Arm>& extra);

// The arms named in `names` ("a,b" split by the caller), in that order; ConfigError naming an
// unknown one and listing the known. Empty `names` selects all. Also a ConfigError when two of the
// selected arms would share a run folder (the same arm_slug, or one arm listed twice).
std::vector<Arm> select_arms(const std::vector<Arm>& arms, const std::vector<std::string>& names);

// A folder-safe form of an arm name: "I1+I2" -> "I1-I2"; a leading '.' (and an empty name) gets a
// '-' in front, so an arm's run folder is never hidden.
std::string arm_slug(const std::string& name);

}  // namespace zkc::cli
