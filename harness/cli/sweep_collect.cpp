#include "harness/cli/sweep_collect.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <regex>
#include <set>

#include "harness/config/config_writer.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/results/run_host.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/system/text_file.hpp"
#include "model/experiment.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

// How the engine marks the values it chose (run_execution.cpp: prepare_run and apply_balance record
// them with these origins, and config.toml keeps the origin as the line's comment).
constexpr std::string_view kChosenMarks[] = {"  # auto: ", "  # balance fit: "};

struct FolderName {
  std::string slug;
  int repeat = 0;
};

// <16 hex>-<arm slug>-r<k>, optionally -<n> (a commit that found its name taken).
std::optional<FolderName> parse_folder_name(const std::string& name) {
  static const std::regex kName("^[0-9a-f]{16}-(.+)-r([0-9]{1,6})(-[0-9]+)?$");
  std::smatch m;
  if (!std::regex_match(name, m, kName)) return std::nullopt;
  FolderName out;
  out.slug = m[1].str();
  const std::string r = m[2].str();
  std::from_chars(r.data(), r.data() + r.size(), out.repeat);
  return out;
}

// A run's recorded configuration and the keys whose value its machine chose.
struct Recorded {
  config::Config config;
  std::set<std::string> chosen;
};

Recorded read_recorded(const fs::path& file) {
  Recorded out;
  out.config = config::load_config_files(config::pipeline_schema(), {file}, {});
  const std::string text = harness::read_text_file(file);
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at <= text.size();) {
    const std::size_t end = std::min(text.find('\n', at), text.size());
    lines.emplace_back(text.data() + at, end - at);
    at = end + 1;
  }
  for (const auto& [key, setting] : out.config.settings()) {
    // The loader's origin is "<file>:<line>".
    const std::size_t colon = setting.origin.rfind(':');
    if (colon == std::string::npos) continue;
    std::size_t line = 0;
    const char* b = setting.origin.data() + colon + 1;
    const char* e = setting.origin.data() + setting.origin.size();
    if (std::from_chars(b, e, line).ec != std::errc() || line == 0 || line > lines.size()) continue;
    for (const auto mark : kChosenMarks)
      if (lines[line - 1].find(mark) != std::string_view::npos) out.chosen.insert(key);
  }
  return out;
}

// The first key where `recorded` differs from what `requested` asks ("" when none).
std::string first_difference(const Recorded& recorded, const config::Config& requested, std::string* detail) {
  for (const auto& [key, want] : requested.settings()) {
    if (recorded.chosen.contains(key)) continue;
    const auto it = recorded.config.settings().find(key);
    const std::string have = it == recorded.config.settings().end() ? "(absent)" : config::toml_value(it->second.value);
    const std::string asked = config::toml_value(want.value);
    if (have != asked) {
      *detail = fmt::format("{} = {} where the spec asks {}", key, have, asked);
      return key;
    }
  }
  return "";
}

// "" when the run's results read back whole (what sweep.csv and the reports load); else the first
// damaged file and why.
std::string unreadable_results(const fs::path& folder) {
  try {
    (void)harness::load_run(folder);
    return "";
  } catch (const std::exception& e) {
    std::string text = e.what();
    return "damaged results: " + text.substr(0, text.find('\n'));
  }
}

// The folders under runs_dir, sorted (hidden ones and plain files aside).
std::vector<std::string> run_folder_names(const fs::path& runs_dir) {
  std::vector<std::string> names;
  std::error_code ec;
  if (fs::is_directory(runs_dir, ec)) {
    for (const auto& e : fs::directory_iterator(runs_dir, ec)) {
      const std::string name = e.path().filename().string();
      if (!name.starts_with(".") && e.is_directory()) names.push_back(name);
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

// The request (of the run's arm) whose configuration `recorded` is; `configs` are the requests'
// configurations, in order. nullopt and *why when the arm is unknown or no configuration matches.
std::optional<std::size_t> matching_request(const Recorded& recorded, const std::string& slug, const SweepSpec& spec,
                                            const std::vector<SweepRequest>& requests,
                                            const std::vector<config::Config>& configs, std::string* why) {
  std::optional<std::size_t> match;
  std::string closest;
  bool arm_known = false;
  for (std::size_t i = 0; i < requests.size() && i < configs.size() && !match; ++i) {
    if (arm_slug(requests[i].arm.name) != slug) continue;
    arm_known = true;
    std::string detail;
    if (first_difference(recorded, configs[i], &detail).empty()) match = i;
    else if (closest.empty()) closest = fmt::format("{} (point '{}', arm '{}')", detail,
                                                    spec.points[requests[i].point].label, requests[i].arm.name);
  }
  if (!arm_known) {
    *why = fmt::format("arm '{}' is not one of the spec's arms", slug);
    return std::nullopt;
  }
  if (!match) {
    // An isolation point's runs are refused by a collect that did not add the point.
    const bool isolation = model::is_isolation({recorded.config.get_int(std::string(model::kProofsKey)),
                                                recorded.config.get_int(std::string(model::kJobsKey))});
    *why = "its configuration is not one the spec asks for: " + closest +
           (isolation ? " (a c=1 j=1 run: if the sweep ran with --isolation, collect with --isolation too)" : "");
  }
  return match;
}

}  // namespace

Collection collect_runs(const fs::path& runs_dir, const SweepSpec& spec, const std::vector<std::string>& cli_overrides,
                        const std::vector<SweepRequest>& requests) {
  Collection out;
  // The requested configurations, per CPU count the default arms are sized for: same order as
  // `requests` (points, then arms; arm names do not depend on the CPU count).
  std::map<unsigned, std::vector<config::Config>> requested_for;
  const auto requested = [&](unsigned cpus) -> const std::vector<config::Config>& {
    auto [it, fresh] = requested_for.try_emplace(cpus);
    if (fresh) {
      const auto reqs = sweep_requests(spec, sweep_arms(spec, cpus), cli_overrides);
      for (const auto& r : reqs) it->second.push_back(load_input(r.input));
    }
    return it->second;
  };

  std::map<std::pair<std::size_t, int>, std::string> taken;
  for (const auto& name : run_folder_names(runs_dir)) {
    const fs::path folder = runs_dir / name;
    const auto refuse = [&](std::string why) { out.refused.emplace_back(name, std::move(why)); };
    if (!harness::is_run_folder(folder)) {
      refuse("not a finished run (no timeline.csv and summary.csv)");
      continue;
    }
    const auto parsed = parse_folder_name(name);
    if (!parsed) {
      refuse("not named as a sweep names its runs (<hash>-<arm>-r<repeat>)");
      continue;
    }
    std::string why;
    const auto host = harness::read_run_host(folder, &why);
    if (!host) {
      refuse(why + ": which machine ran it is unknown");
      continue;
    }
    // The files the tables and reports read back: a cut summary.csv or timeline.csv refuses this run
    // by name (another copy of it may still be collected), never the whole collect later on.
    if (const std::string damaged = unreadable_results(folder); !damaged.empty()) {
      refuse(damaged);
      continue;
    }
    Recorded recorded;
    try {
      recorded = read_recorded(folder / "config.toml");
    } catch (const std::exception& e) {
      std::string text = e.what();
      refuse("config.toml: " + text.substr(0, text.find('\n')));
      continue;
    }
    const std::optional<std::size_t> match =
        matching_request(recorded, parsed->slug, spec, requests, requested(host->online_cpus), &why);
    if (!match) {
      refuse(why);
      continue;
    }
    if (parsed->repeat >= spec.repeats) {
      refuse(fmt::format("repeat {}: the spec has {} repeat{}", parsed->repeat, spec.repeats,
                         spec.repeats == 1 ? "" : "s"));
      continue;
    }
    const auto [it, fresh] = taken.try_emplace({*match, parsed->repeat}, name);
    if (!fresh) {
      out.duplicates.emplace_back(name, it->second);
      continue;
    }
    out.runs.push_back({*match, parsed->repeat, name, host->hostname});
  }
  std::sort(out.runs.begin(), out.runs.end(), [](const CollectedRun& a, const CollectedRun& b) {
    return std::pair(a.request, a.repeat) < std::pair(b.request, b.repeat);
  });
  for (std::size_t i = 0; i < requests.size(); ++i)
    for (int rep = 0; rep < spec.repeats; ++rep)
      if (!taken.contains({i, rep})) out.missing.emplace_back(i, rep);
  return out;
}

}  // namespace zkc::cli
