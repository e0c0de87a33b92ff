#include "model/experiment.hpp"

#include <fmt/format.h>

#include <charconv>

namespace zkc::model {

std::vector<std::pair<std::string, std::string>> isolation_settings() {
  return {{std::string(kProofsKey), std::to_string(kIsolation.proofs)},
          {std::string(kJobsKey), std::to_string(kIsolation.jobs)}};
}

std::vector<std::string> isolation_overrides() {
  std::vector<std::string> out;
  for (const auto& [k, v] : isolation_settings()) out.push_back(fmt::format("{}={}", k, v));
  return out;
}

std::optional<Concurrency> concurrency_in(const std::map<std::string, std::string>& settings) {
  const auto whole = [&](std::string_view key) -> std::optional<std::int64_t> {
    const auto it = settings.find(std::string(key));
    if (it == settings.end()) return std::nullopt;
    std::int64_t v = 0;
    const auto [ptr, ec] = std::from_chars(it->second.data(), it->second.data() + it->second.size(), v);
    if (ec != std::errc() || ptr != it->second.data() + it->second.size()) return std::nullopt;
    return v;
  };
  const auto c = whole(kProofsKey), j = whole(kJobsKey);
  if (!c || !j) return std::nullopt;
  return Concurrency{*c, *j};
}

std::string concurrency_label(const std::map<std::string, std::string>& settings) {
  const auto value = [&](std::string_view key) {
    const auto it = settings.find(std::string(key));
    return it == settings.end() ? std::string() : it->second;
  };
  return fmt::format("{}={} {}={}", kProofsShort, value(kProofsKey), kJobsShort, value(kJobsKey));
}

bool sets_concurrency(std::string_view o) {
  for (const std::string_view key : {kProofsKey, kJobsKey})
    if (o.size() > key.size() && o.starts_with(key) && o[key.size()] == '=') return true;
  return false;
}

}  // namespace zkc::model
