// The A/B toggles: every switch an arm flips to compare a scheduling or memory strategy, declared once.
// The schema takes their keys from this list (pipeline_schema.cpp), the run header prints their values
// from it (describe_toggles), the default arms and the "every intervention" arm are built from it
// (harness/cli/arms.cpp), configs/README documents them through the schema, and every run carries all
// their values (ToggleValues, in RunPlan::toggles). A new intervention is one entry in toggles.cpp
// plus its behaviour, which reads its own value from ToggleValues by key (docs/ARCHITECTURE.md,
// "Adding an intervention", walks through one).
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/config/config_schema.hpp"

namespace zkc::config {

class Config;

struct Toggle {
  std::string label;  // in the run header and default arm names: "I1", "finalize"
  KeySpec key;        // the key with its type, default, range and doc
  // How the default arms use it: kCumulative ones stack in list order (I1, I1+I2, I1+I2+I3); a kAlone
  // one is an arm of its own, named `arm`, against the baseline; kNone: arms files only.
  enum class Arms { kNone, kCumulative, kAlone } arms = Arms::kNone;
  std::string arm;                               // kAlone: the arm's name
  std::function<std::string(unsigned cpus)> on;  // the TOML value the arm sets, from the online CPU count
};

// Every toggle, in the order the run header and the default arms show them.
const std::vector<Toggle>& toggles();

// Every toggle's value in one configuration, read through the list: the engine hands it to the parts
// that act on toggles, so an intervention needs no field or hand-typed read of its own.
class ToggleValues {
 public:
  ToggleValues() = default;  // every toggle at its default
  explicit ToggleValues(const Config& cfg);
  // The value of the toggle `key`; std::logic_error when `key` is not a declared toggle (or, for
  // flag(), not a boolean one): a programming error that any run with the toggle's code shows.
  const Value& value(std::string_view key) const;
  bool flag(std::string_view key) const;

 private:
  std::map<std::string, Value, std::less<>> values_;
};

// "I1 off, I2 4 threads, ...": each toggle's value in `cfg` (or in `resolved`, for values the plan chose
// automatically), labelled; booleans as on/off.
std::string describe_toggles(const Config& cfg, const std::map<std::string, Value>& resolved = {});

}  // namespace zkc::config
