#include "harness/cli/sweep_spec.hpp"

#include <fmt/format.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cstdint>
#include <map>

#include "analysis/present/sweep_points.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/config_writer.hpp"
#include "harness/system/input_file.hpp"
#include "model/experiment.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const fs::path& file, const toml::node& at, const std::string& what) {
  throw config::ConfigError(fmt::format("{}:{}: {}", file.string(), at.source().begin.line, what));
}

// A scalar as a TOML literal; anything else is an error naming the key.
std::string literal(const fs::path& file, const std::string& key, const toml::node& v) {
  if (v.is_string()) return config::toml_string(*v.value<std::string>());
  if (v.is_boolean()) return config::toml_value(config::Value{*v.value<bool>()});
  if (v.is_integer()) return config::toml_value(config::Value{*v.value<std::int64_t>()});
  if (v.is_floating_point()) return config::toml_value(config::Value{*v.value<double>()});
  fail(file, v, fmt::format("{}: accepted: a boolean, number or string", key));
}

std::vector<std::string> string_list(const fs::path& file, const toml::table& t, const char* key) {
  std::vector<std::string> out;
  const toml::node* n = t.get(key);
  if (n == nullptr) return out;
  const toml::array* a = n->as_array();
  if (a == nullptr) fail(file, *n, fmt::format("sweep.{}: accepted: an array of strings", key));
  for (const auto& e : *a) {
    if (!e.is_string()) fail(file, e, fmt::format("sweep.{}: accepted: an array of strings", key));
    out.push_back(*e.value<std::string>());
  }
  return out;
}

}  // namespace

std::string point_label(const std::vector<std::pair<std::string, std::string>>& settings) {
  static const std::map<std::string, std::string> kShort = {
      {std::string(model::kProofsKey), std::string(model::kProofsShort)},
      {std::string(model::kJobsKey), std::string(model::kJobsShort)},
      {"workload.partitions", "P"},
      {"synthesis.partition_workers", "pw"},
      {"gpus.gpu_workers_per_device", "gw"},
      {"gpus.gpu_threads", "gt"}};
  // The short keys first, in the order people say them ("c=20 j=15"), then the others as given.
  static const std::vector<std::string> kOrder = {std::string(model::kProofsKey), std::string(model::kJobsKey),
                                                  "workload.partitions",
                                                  "synthesis.partition_workers", "gpus.gpu_workers_per_device",
                                                  "gpus.gpu_threads"};
  auto ordered = settings;
  std::stable_sort(ordered.begin(), ordered.end(), [](const auto& a, const auto& b) {
    const auto rank = [](const std::string& k) {
      return static_cast<std::size_t>(std::find(kOrder.begin(), kOrder.end(), k) - kOrder.begin());
    };
    return rank(a.first) < rank(b.first);
  });
  std::string out;
  for (const auto& [k, v] : ordered) {
    const auto it = kShort.find(k);
    if (!out.empty()) out += ' ';
    out += (it != kShort.end() ? it->second : k) + "=" + v;
  }
  return out;
}

namespace {

using Settings = std::vector<std::pair<std::string, std::string>>;

toml::table parse_spec_file(const fs::path& path) {
  if (const std::string why = harness::input_file_problem(path); !why.empty())
    throw config::ConfigError(fmt::format("{}: {}", path.string(), why));
  try {
    return toml::parse_file(path.string());
  } catch (const toml::parse_error& e) {
    throw config::ConfigError(fmt::format("{}:{}: {}", path.string(), e.source().begin.line, e.description()));
  }
}

void check_top_level_tables(const fs::path& path, const toml::table& doc) {
  for (const auto& [key, node] : doc) {
    const std::string k(key.str());
    if (k != "sweep" && k != "point" && k != "grid" && k != "arms") {
      fail(path, node, fmt::format("unknown table '{}' (accepted: sweep, point, grid, arms)", k));
    }
  }
}

// The [sweep] table: name, repeats, profile, set and arms. Required, so that an empty file is refused
// rather than running the default profile.
void read_sweep_table(const fs::path& path, const toml::table& doc, SweepSpec& spec) {
  const toml::node* sweep_node = doc.get("sweep");
  if (sweep_node == nullptr) {
    throw config::ConfigError(fmt::format(
        "{}: no [sweep] table{}; a sweep spec needs one (name, profile, set, arms, repeats; see configs/sweeps/)",
        path.string(), doc.empty() ? " (the file is empty)" : ""));
  }
  const toml::table* s = sweep_node->as_table();
  if (s == nullptr) fail(path, *sweep_node, "sweep: accepted: a [sweep] table");
  for (const auto& [key, node] : *s) {
    const std::string k(key.str());
    if (k == "name") {
      if (!node.is_string()) fail(path, node, "sweep.name: accepted: a string");
      spec.name = *node.value<std::string>();
    } else if (k == "repeats") {
      if (!node.is_integer() || *node.value<std::int64_t>() < 1 || *node.value<std::int64_t>() > 1000) {
        fail(path, node, "sweep.repeats: accepted: an integer in [1, 1000]");
      }
      spec.repeats = static_cast<int>(*node.value<std::int64_t>());
    } else if (k != "profile" && k != "set" && k != "arms") {
      fail(path, node, fmt::format("unknown key sweep.{} (accepted: name, profile, set, arms, repeats)", k));
    }
  }
  spec.profile = string_list(path, *s, "profile");
  spec.overrides = string_list(path, *s, "set");
  if (s->contains("arms")) {
    spec.arms = string_list(path, *s, "arms");
    if (spec.arms.empty()) fail(path, *s->get("arms"), "sweep.arms: accepted: a non-empty array of arm names "
                                                       "(leave it out for [\"baseline\"])");
  }
}

// The [[point]] tables, each as its settings.
std::vector<Settings> read_explicit_points(const fs::path& path, const toml::table& doc) {
  std::vector<Settings> points;
  const toml::node* pts = doc.get("point");
  if (pts == nullptr) return points;
  const toml::array* a = pts->as_array();
  if (a == nullptr) fail(path, *pts, "point: accepted: [[point]] tables");
  for (const auto& e : *a) {
    const toml::table* t = e.as_table();
    if (t == nullptr) fail(path, e, "point: accepted: [[point]] tables");
    Settings settings;
    for (const auto& [k, v] : *t) settings.emplace_back(std::string(k.str()), literal(path, std::string(k.str()), v));
    points.push_back(std::move(settings));
  }
  return points;
}

// Refuses a grid of more than kMaxSweepRuns points (with the explicit ones). Counted before anything is
// expanded: a grid of 10^6 points would otherwise be built and prepared, silently, for minutes.
void check_grid_size(const fs::path& path, const toml::node& g, const toml::table& t, std::size_t explicit_points) {
  std::size_t points = std::max<std::size_t>(explicit_points, 1);
  for (const auto& [k, v] : t) {
    const toml::array* values = v.as_array();
    if (values == nullptr || values->empty()) fail(path, v, fmt::format("grid.{}: accepted: a non-empty array", k.str()));
    points = values->size() > kMaxSweepRuns / points ? kMaxSweepRuns + 1 : points * values->size();
  }
  if (points > kMaxSweepRuns) {
    std::string sizes;
    for (const auto& [k, v] : t) sizes += fmt::format(" x {} ({})", v.as_array()->size(), k.str());
    fail(path, g, fmt::format("the grid has more than {} points ({} explicit point(s){}); at most {} runs per "
                              "sweep: split it into several specs",
                              kMaxSweepRuns, std::max<std::size_t>(explicit_points, 1), sizes, kMaxSweepRuns));
  }
}

// The [grid] table's combinations (its cartesian product); one empty combination without a grid.
std::vector<Settings> read_grid(const fs::path& path, const toml::table& doc, std::size_t explicit_points) {
  std::vector<Settings> grid = {{}};
  const toml::node* g = doc.get("grid");
  if (g == nullptr) return grid;
  const toml::table* t = g->as_table();
  if (t == nullptr) fail(path, *g, "grid: accepted: a table of key = [values]");
  check_grid_size(path, *g, *t, explicit_points);
  for (const auto& [k, v] : *t) {
    const toml::array* values = v.as_array();
    std::vector<Settings> next;
    for (const auto& combo : grid) {
      for (const auto& value : *values) {
        auto c = combo;
        c.emplace_back(std::string(k.str()), literal(path, std::string(k.str()), value));
        next.push_back(std::move(c));
      }
    }
    grid = std::move(next);
  }
  return grid;
}

// Each explicit point x each grid combination, labelled, and the keys they vary.
void add_points(std::vector<Settings> explicit_points, const std::vector<Settings>& grid, SweepSpec& spec) {
  if (explicit_points.empty()) explicit_points.push_back({});
  for (const auto& p : explicit_points) {
    for (const auto& g : grid) {
      SweepPoint point;
      point.settings = p;
      point.settings.insert(point.settings.end(), g.begin(), g.end());
      point.label = point_label(point.settings);
      for (const auto& [k, v] : point.settings) {
        if (std::find(spec.varied_keys.begin(), spec.varied_keys.end(), k) == spec.varied_keys.end()) {
          spec.varied_keys.push_back(k);
        }
      }
      spec.points.push_back(std::move(point));
    }
  }
}

}  // namespace

SweepSpec read_sweep_spec(const fs::path& path) {
  const toml::table doc = parse_spec_file(path);
  SweepSpec spec;
  spec.name = path.stem().string();
  check_top_level_tables(path, doc);
  read_sweep_table(path, doc, spec);
  for (auto& p : spec.profile) {
    if (!fs::exists(p) && fs::exists(path.parent_path() / p)) p = (path.parent_path() / p).string();
  }
  std::vector<Settings> explicit_points = read_explicit_points(path, doc);
  const std::vector<Settings> grid = read_grid(path, doc, explicit_points.size());
  add_points(std::move(explicit_points), grid, spec);
  if (doc.contains("arms")) spec.extra_arms = read_arms_file(path);
  return spec;
}

bool add_isolation_point(SweepSpec& spec) {
  // The same test explain uses to find a sweep's reference, on the same labels.
  if (std::any_of(spec.points.begin(), spec.points.end(),
                  [](const SweepPoint& p) { return analysis::is_isolation_point(p.label); }))
    return false;
  SweepPoint iso;
  iso.settings = model::isolation_settings();
  iso.label = point_label(iso.settings);
  spec.points.insert(spec.points.begin(), std::move(iso));
  for (const auto& [k, v] : iso.settings)
    if (std::find(spec.varied_keys.begin(), spec.varied_keys.end(), k) == spec.varied_keys.end())
      spec.varied_keys.push_back(k);
  return true;
}

}  // namespace zkc::cli
