#include "harness/cli/sweep_shard.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <numeric>

#include "harness/config/config_loader.hpp"

namespace zkc::cli {
namespace {

bool parse_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return !s.empty() && ec == std::errc() && end == s.data() + s.size();
}

}  // namespace

Shard parse_shard(const std::string& text) {
  const std::size_t slash = text.find('/');
  Shard s;
  // An unset $SHARD in a job array: every node would otherwise run every run.
  if (text.empty()) {
    throw config::ConfigError(fmt::format("--shard is empty (an unset variable in the job script?): accepted: K/N "
                                          "with 1 <= K <= N <= {} (e.g. 2/3: the second of three shards)",
                                          kMaxShards));
  }
  if (slash == std::string::npos || !parse_int(std::string_view(text).substr(0, slash), s.index) ||
      !parse_int(std::string_view(text).substr(slash + 1), s.count) || s.count < 1 || s.count > kMaxShards ||
      s.index < 1 || s.index > s.count) {
    throw config::ConfigError(
        fmt::format("--shard '{}': accepted: K/N with 1 <= K <= N <= {} (e.g. 2/3: the second of three shards)", text,
                    kMaxShards));
  }
  return s;
}

std::vector<int> shard_of(const std::vector<SweepRequest>& requests, int shard_count) {
  std::vector<std::size_t> order(requests.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  // Equal keys (a spec listing the same configuration twice) keep the spec's order.
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return requests[a].key < requests[b].key; });
  std::vector<int> out(requests.size());
  for (std::size_t rank = 0; rank < order.size(); ++rank)
    out[order[rank]] = static_cast<int>(rank % static_cast<std::size_t>(shard_count)) + 1;
  return out;
}

}  // namespace zkc::cli
