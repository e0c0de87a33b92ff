// Loads a configuration: schema defaults, then TOML files in order (later wins), then `--set key=value`
// overrides. Validation is strict and complete: every problem is collected and reported at once, each
// naming its source (file:line or --set), the key, and what is accepted; ConfigError carries them.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "harness/config/config_schema.hpp"

namespace zkc::config {

// Bad configuration input: the CLI maps it to exit code 2.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Setting {
  Value value;
  std::string origin;  // "default", "<file>:<line>", "--set"
};

class Config {
 public:
  const Setting& at(const std::string& key) const;  // throws std::out_of_range for an unknown key
  bool get_bool(const std::string& key) const { return std::get<bool>(at(key).value); }
  std::int64_t get_int(const std::string& key) const { return std::get<std::int64_t>(at(key).value); }
  double get_double(const std::string& key) const;  // accepts integer-valued settings too
  const std::string& get_string(const std::string& key) const { return std::get<std::string>(at(key).value); }
  const std::map<std::string, Setting>& settings() const { return settings_; }
  // Replaces a known key's value with one chosen by the engine ("0 = all CPUs" resolved), keeping a
  // record of why in the origin. Throws std::out_of_range for an unknown key.
  void set_resolved(const std::string& key, Value value, std::string origin);

 private:
  friend class ConfigBuilder;
  std::map<std::string, Setting> settings_;
};

// A TOML document given as text, e.g. an embedded profile; `name` is what messages call it.
struct TomlSource {
  std::string name;
  std::string text;
};

Config load_config(const ConfigSchema& schema, const std::vector<TomlSource>& sources,
                   const std::vector<std::string>& overrides);
// Reads each file (an unreadable one is a ConfigError naming it and the errno text), then as above.
Config load_config_files(const ConfigSchema& schema, const std::vector<std::filesystem::path>& files,
                         const std::vector<std::string>& overrides);

}  // namespace zkc::config
