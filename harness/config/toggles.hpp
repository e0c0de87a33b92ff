// The A/B toggles: every switch an arm flips to compare a scheduling or memory strategy, declared once.
// The schema takes their keys from this list (pipeline_schema.cpp), the run header prints their values
// from it (describe_toggles), the default arms are built from it (harness/cli/arms.cpp) and configs/README
// documents them through the schema. A new intervention is one entry here plus its behaviour in the
// engine (run_plan.cpp reads the key; the pipeline acts on it).
#pragma once

#include <functional>
#include <map>
#include <string>
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

// "I1 off, I2 4 threads, ...": each toggle's value in `cfg` (or in `resolved`, for values the plan chose
// automatically), labelled; booleans as on/off.
std::string describe_toggles(const Config& cfg, const std::map<std::string, Value>& resolved = {});

}  // namespace zkc::config
