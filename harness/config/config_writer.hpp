// The resolved configuration as a TOML document: every setting of a Config (defaults included), grouped
// in tables by the key's first component, each non-default one with a trailing comment naming where it
// came from (`# runs/x.toml:3`, `# --set`). Written next to a run's results, it reproduces the run:
// loading it back with load_config gives the same values.
#pragma once

#include <string>
#include <string_view>

#include "harness/config/config_loader.hpp"

namespace zkc::config {

std::string resolved_config_toml(const Config& config);

// Helpers, exposed for tests: a key component (bare when [A-Za-z0-9_-]+, else quoted), a TOML basic
// string, and a value (floats always carry '.', 'e', "inf" or "nan" so TOML reads them back as floats).
std::string toml_key(std::string_view component);
std::string toml_string(std::string_view s);
std::string toml_value(const Value& v);

}  // namespace zkc::config
