#include "harness/cli/arms.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <utility>

#include "harness/config/config_loader.hpp"
#include "harness/config/config_writer.hpp"
#include "harness/config/toggles.hpp"
#include "harness/system/input_file.hpp"

namespace zkc::cli {

namespace {

// The cumulative interventions stacked in list order: I1, I1+I2, I1+I2+I3.
std::vector<Arm> stacked_arms(unsigned cpus) {
  std::vector<Arm> arms;
  Arm stacked;
  for (const config::Toggle& t : config::toggles()) {
    if (t.arms != config::Toggle::Arms::kCumulative) continue;
    stacked.name += (stacked.name.empty() ? "" : "+") + t.label;
    stacked.overrides.push_back(t.key.key + "=" + t.on(cpus));
    arms.push_back(stacked);
  }
  return arms;
}

}  // namespace

std::vector<Arm> default_arms(unsigned cpus) {
  // Built from the toggle list: the cumulative interventions stack in order, the others stand alone.
  std::vector<Arm> arms = {{"baseline", {}}};
  for (Arm& a : stacked_arms(cpus)) arms.push_back(std::move(a));
  for (const config::Toggle& t : config::toggles()) {
    if (t.arms == config::Toggle::Arms::kAlone) arms.push_back({t.arm, {t.key.key + "=" + t.on(cpus)}});
  }
  return arms;
}

Arm all_interventions_arm(unsigned cpus) {
  std::vector<Arm> stacked = stacked_arms(cpus);
  return stacked.empty() ? Arm{} : std::move(stacked.back());
}

std::vector<Arm> read_arms_file(const std::filesystem::path& path) {
  toml::table doc;
  if (const std::string why = harness::input_file_problem(path); !why.empty())
    throw config::ConfigError(fmt::format("{}: {}", path.string(), why));
  try {
    doc = toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw config::ConfigError(fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description()));
  }
  const toml::table* arms = doc["arms"].as_table();
  if (arms == nullptr) throw config::ConfigError(fmt::format("{}: no [arms.<name>] tables", path.string()));
  std::vector<Arm> out;
  for (const auto& [name, node] : *arms) {
    const toml::table* t = node.as_table();
    if (t == nullptr) {
      throw config::ConfigError(fmt::format("{}:{}: arms.{} must be a table of key = value overrides", path.string(),
                                            node.source().begin.line, name.str()));
    }
    Arm arm{std::string(name.str()), {}};
    // Dotted keys ("interventions.membw_throttle" = true, or [arms.x.interventions]) flatten to one key.
    std::vector<std::pair<std::string, const toml::node*>> stack = {{"", t}};
    while (!stack.empty()) {
      auto [prefix, n] = stack.back();
      stack.pop_back();
      for (const auto& [k, v] : *n->as_table()) {
        const std::string key = prefix.empty() ? std::string(k.str()) : prefix + "." + std::string(k.str());
        if (v.is_table()) {
          stack.emplace_back(key, &v);
        } else if (v.is_string()) {
          arm.overrides.push_back(key + "=" + config::toml_string(*v.value<std::string>()));
        } else if (v.is_boolean()) {
          arm.overrides.push_back(key + "=" + config::toml_value(config::Value{*v.value<bool>()}));
        } else if (v.is_integer()) {
          arm.overrides.push_back(key + "=" + config::toml_value(config::Value{*v.value<std::int64_t>()}));
        } else if (v.is_floating_point()) {
          arm.overrides.push_back(key + "=" + config::toml_value(config::Value{*v.value<double>()}));
        } else {
          throw config::ConfigError(fmt::format("{}:{}: arms.{}.{}: accepted: a boolean, number or string",
                                                path.string(), v.source().begin.line, arm.name, key));
        }
      }
    }
    out.push_back(std::move(arm));
  }
  return out;
}

std::vector<Arm> merge_arms(std::vector<Arm> base, const std::vector<Arm>& extra) {
  for (const auto& a : extra) {
    auto it = std::find_if(base.begin(), base.end(), [&](const Arm& b) { return b.name == a.name; });
    if (it != base.end()) {
      *it = a;
    } else {
      base.push_back(a);
    }
  }
  return base;
}

namespace {

// Each arm's runs live in a folder named by its slug: two selected arms with one slug (I1+I2 and
// I1-I2, or an arm listed twice) would meet there after the first ran, so they are refused up front.
void check_distinct_folders(const std::vector<Arm>& arms) {
  for (std::size_t i = 0; i < arms.size(); ++i) {
    for (std::size_t k = 0; k < i; ++k) {
      if (arms[k].name == arms[i].name)
        throw config::ConfigError(fmt::format("arm '{}' is selected twice", arms[i].name));
      if (arm_slug(arms[k].name) == arm_slug(arms[i].name)) {
        throw config::ConfigError(fmt::format(
            "arms '{}' and '{}' would share the run folder name '{}' (characters outside [A-Za-z0-9._-] become "
            "'-'); rename one of them",
            arms[k].name, arms[i].name, arm_slug(arms[i].name)));
      }
    }
  }
}

}  // namespace

std::vector<Arm> select_arms(const std::vector<Arm>& arms, const std::vector<std::string>& names) {
  if (names.empty()) {
    check_distinct_folders(arms);
    return arms;
  }
  std::vector<Arm> out;
  for (const auto& n : names) {
    auto it = std::find_if(arms.begin(), arms.end(), [&](const Arm& a) { return a.name == n; });
    if (it == arms.end()) {
      std::vector<std::string> known;
      for (const auto& a : arms) known.push_back(a.name);
      throw config::ConfigError(fmt::format("--arms: unknown arm '{}' (known: {})", n, fmt::join(known, ", ")));
    }
    out.push_back(*it);
  }
  check_distinct_folders(out);
  return out;
}

std::string arm_slug(const std::string& name) {
  std::string out;
  for (char c : name) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                       c == '_' || c == '-';
    out += plain ? c : '-';
  }
  if (out.empty() || out.front() == '.') out.insert(out.begin(), '-');  // never hidden (.tmp- is reserved), never empty
  return out;
}

}  // namespace zkc::cli
