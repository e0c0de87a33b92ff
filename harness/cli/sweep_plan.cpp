#include "harness/cli/sweep_plan.hpp"

#include <fmt/format.h>

#include "harness/config/config_writer.hpp"
#include "harness/system/text_hash.hpp"

namespace zkc::cli {

std::vector<Arm> sweep_arms(const SweepSpec& spec, unsigned cpus) {
  return select_arms(merge_arms(default_arms(cpus), spec.extra_arms), spec.arms);
}

std::vector<SweepRequest> sweep_requests(const SweepSpec& spec, const std::vector<Arm>& arms,
                                         const std::vector<std::string>& cli_overrides) {
  std::vector<SweepRequest> out;
  for (std::size_t p = 0; p < spec.points.size(); ++p) {
    // The part every arm of the point shares: its requested settings, hashed once.
    ConfigInput shared{spec.profile, spec.overrides};
    for (const auto& [k, v] : spec.points[p].settings) shared.overrides.push_back(k + "=" + v);
    shared.overrides.insert(shared.overrides.end(), cli_overrides.begin(), cli_overrides.end());
    std::string text;
    try {
      const config::Config requested = load_input(shared);
      for (const auto& [key, setting] : requested.settings())
        text += key + "=" + config::toml_value(setting.value) + "\n";
    } catch (const config::ConfigError& e) {
      throw config::ConfigError(fmt::format("point '{}': {}", spec.points[p].label, e.what()));
    }
    for (const auto& arm : arms) {
      SweepRequest r;
      r.point = p;
      r.arm = arm;
      r.input = {spec.profile, spec.overrides};
      for (const auto& [k, v] : spec.points[p].settings) r.input.overrides.push_back(k + "=" + v);
      r.input.overrides.insert(r.input.overrides.end(), arm.overrides.begin(), arm.overrides.end());
      r.input.overrides.insert(r.input.overrides.end(), cli_overrides.begin(), cli_overrides.end());
      r.key = fmt::format("{:016x}", harness::fnv1a(text + "arm=" + arm.name + "\n"));
      out.push_back(std::move(r));
    }
  }
  return out;
}

}  // namespace zkc::cli
