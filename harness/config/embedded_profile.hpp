// The default profile (configs/default.toml) compiled into the binary, so `zkcontend run` and
// `./zkcontend ab` work from any directory without a --config.
#pragma once

#include <string_view>

namespace zkc::config {

inline constexpr std::string_view kDefaultProfileName = "configs/default.toml (embedded)";
std::string_view default_profile_toml();

}  // namespace zkc::config
