// ConfigSchema: every configuration key the harness accepts, with its type, unit, default and range.
// Loading validates against it strictly: an unknown key, a wrong type or an out-of-range value is an
// error that names the key and what is accepted (see config_loader.hpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace zkc::config {

using Value = std::variant<bool, std::int64_t, double, std::string>;

enum class ValueType { kBool, kInt, kFloat, kString, kEnum };

struct KeySpec {
  std::string key;  // dotted: "batch.count"
  ValueType type = ValueType::kInt;
  // Explicit "= {}" so designated initializers may leave members out without -Wextra warnings.
  Value default_value = {};
  std::optional<double> min = {};          // kInt / kFloat, inclusive
  std::optional<double> max = {};          // kInt / kFloat, inclusive
  std::vector<std::string> choices = {};   // kEnum
  std::string unit = {};                   // "proofs", "ms", "" ...
  std::string doc = {};
};

// What a key accepts, in words: "an integer in [1, 1000]", "one of: none, compact".
std::string describe_accepted(const KeySpec& spec);
std::string type_name(ValueType type);

class ConfigSchema {
 public:
  // Throws std::logic_error on a duplicate key or a default that its own spec rejects.
  void add(KeySpec spec);
  const KeySpec* find(const std::string& key) const;
  // The known key closest to `key` by edit distance, or "" when none is reasonably close.
  std::string closest_key(const std::string& key) const;
  const std::vector<KeySpec>& keys() const { return keys_; }

 private:
  std::vector<KeySpec> keys_;
};

// Checks `v` against `spec`; returns "" when accepted, else why not (without the key name).
std::string check_value(const KeySpec& spec, const Value& v);

}  // namespace zkc::config
