#include "analysis/report/palette.hpp"

#include <array>
#include <functional>
#include <utility>

#include "model/stages.hpp"

namespace zkc::analysis {
namespace {

constexpr std::array<std::string_view, 10> kSeries = {"#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1",
                                                      "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"};
// Extra colours for stages nobody listed, picked by name hash so they stay stable across reports.
constexpr std::array<std::string_view, 6> kSpare = {"#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#9467bd", "#d62728"};

}  // namespace

std::string stage_colour(std::string_view stage) {
  if (const StageKind* k = find_stage_kind(stage)) return std::string(k->colour);
  return std::string(kSpare[std::hash<std::string_view>{}(stage) % kSpare.size()]);
}

std::string series_colour(std::size_t index) { return std::string(kSeries[index % kSeries.size()]); }

}  // namespace zkc::analysis
