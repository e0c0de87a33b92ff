#include "analysis/stats/disturbed_rounds.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace zkc::analysis {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

std::vector<DisturbedRound> disturbed_rounds(std::span<const Measurement> data, std::string_view metric,
                                             std::string_view point) {
  std::map<int, std::vector<double>> logs;  // round -> log of every run's value
  for (const Measurement& m : data)
    if (m.metric == metric && m.point == point && std::isfinite(m.value) && m.value > 0)
      logs[m.repeat].push_back(std::log(m.value));
  std::vector<double> levels;  // of the rounds before, all of them
  std::vector<DisturbedRound> out;
  const double limit = std::log1p(kDisturbedRoundPct / 100);
  for (auto& [round, values] : logs) {
    const double level = median(values);
    if (levels.size() >= kDisturbedRoundHistory) {
      const double above = level - median(levels);
      if (above > limit) out.push_back({round, 100 * std::expm1(above)});
    }
    levels.push_back(level);
  }
  return out;
}

std::string disturbed_rounds_text(const std::vector<DisturbedRound>& rounds) {
  if (rounds.empty()) return "";
  std::vector<std::string> spans;
  double lo = rounds.front().level_change_pct, hi = lo;
  for (std::size_t i = 0; i < rounds.size();) {
    std::size_t j = i;
    while (j + 1 < rounds.size() && rounds[j + 1].round == rounds[j].round + 1) ++j;
    // 1-based, as the terminal and the report number rounds.
    spans.push_back(i == j ? fmt::format("{}", rounds[i].round + 1)
                           : fmt::format("{}-{}", rounds[i].round + 1, rounds[j].round + 1));
    for (std::size_t k = i; k <= j; ++k) {
      lo = std::min(lo, rounds[k].level_change_pct);
      hi = std::max(hi, rounds[k].level_change_pct);
    }
    i = j + 1;
  }
  std::string list;
  for (std::size_t i = 0; i < spans.size(); ++i)
    list += (i == 0 ? "" : i + 1 == spans.size() ? " and " : ", ") + spans[i];
  return fmt::format("round{} {} (every run of the round {:.0f}-{:.0f}% slower than the rounds before: a host burst)",
                     rounds.size() == 1 ? "" : "s", list, lo, hi);
}

}  // namespace zkc::analysis
