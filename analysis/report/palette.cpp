#include "analysis/report/palette.hpp"

#include <array>
#include <functional>
#include <utility>

namespace zkc::analysis {
namespace {

// Pipeline order; the stages derived from log events (synthesis, gpu) sit beside the harness stages
// they stand for. Synthesis in greens, GPU worker in blues, lock/queue waits in greys, prep and b_g2
// in oranges and yellows, dealloc in reds.
constexpr std::array<std::pair<std::string_view, std::string_view>, 23> kStages = {{
    {"synthesis", "#59a14f"},   {"witness_gen", "#59a14f"},  {"witness_copy", "#8cd17d"}, {"spmv", "#2e7d32"},
    {"density", "#b6d7a8"},     {"queue_push", "#bab0ac"},   {"gpu", "#4e79a7"},          {"split_alloc", "#a0cbe8"},
    {"register", "#86bcb6"},    {"lock_wait", "#9d9d9d"},    {"lock_held", "#222222"},    {"upload", "#76b7b2"},
    {"ntt_msm_h", "#4e79a7"},   {"prep_wait", "#d4d4d4"},    {"batch_add", "#2f5d8a"},    {"tail_msm", "#6a9fd4"},
    {"free_abc", "#c9b2d6"},    {"prep_msm", "#f28e2b"},     {"b_g2_msm", "#edc948"},     {"b_g2_join", "#ffbe7d"},
    {"dealloc_cpp", "#e15759"}, {"dealloc_rust", "#b07aa1"}, {"malloc_trim", "#ff9d9a"},
}};

constexpr std::array<std::string_view, 10> kSeries = {"#4e79a7", "#e15759", "#59a14f", "#f28e2b", "#b07aa1",
                                                      "#76b7b2", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"};
// Extra colours for stages nobody listed, picked by name hash so they stay stable across reports.
constexpr std::array<std::string_view, 6> kSpare = {"#8c564b", "#17becf", "#bcbd22", "#7f7f7f", "#9467bd", "#d62728"};

}  // namespace

std::string stage_colour(std::string_view stage) {
  for (const auto& [name, colour] : kStages)
    if (name == stage) return std::string(colour);
  return std::string(kSpare[std::hash<std::string_view>{}(stage) % kSpare.size()]);
}

std::size_t stage_rank(std::string_view stage) {
  for (std::size_t i = 0; i < kStages.size(); ++i)
    if (kStages[i].first == stage) return i;
  return kStages.size();
}

std::string series_colour(std::size_t index) { return std::string(kSeries[index % kSeries.size()]); }

}  // namespace zkc::analysis
