#include "analysis/timeline/stage_kinds.hpp"

#include <array>

namespace zkc::analysis {
namespace {

using R = StageKind::Role;
// Pipeline order; the stages derived from log events (synthesis, gpu) sit beside the harness stages
// they stand for. Synthesis in greens, GPU worker in blues, lock/queue waits in greys, prep and b_g2
// in oranges and yellows, dealloc in reds.
constexpr std::array kStages = {
    StageKind{"slot_wait", "#c7c7c7", R::kWait, "an arena slot"},
    StageKind{"synthesis", "#59a14f", R::kComposite, ""},
    StageKind{"witness_gen", "#59a14f", R::kWork, ""},
    StageKind{"witness_copy", "#8cd17d", R::kWork, ""},
    StageKind{"spmv", "#2e7d32", R::kWork, "", "synthesis.threads"},
    StageKind{"density", "#b6d7a8", R::kWork, ""},
    StageKind{"queue_push", "#bab0ac", R::kWait, "room in the GPU queue"},
    StageKind{"gpu", "#4e79a7", R::kComposite, ""},
    StageKind{"split_alloc", "#a0cbe8", R::kWork, ""},
    StageKind{"register", "#86bcb6", R::kWork, ""},
    StageKind{"lock_wait", "#9d9d9d", R::kWait, "the device lock"},
    StageKind{"lock_held", "#222222", R::kComposite, ""},
    StageKind{"upload", "#76b7b2", R::kWork, ""},
    StageKind{"ntt_msm_h", "#4e79a7", R::kWork, ""},
    StageKind{"prep_wait", "#d4d4d4", R::kWait, "prep_msm (the barrier before batch_add)"},
    StageKind{"batch_add", "#2f5d8a", R::kWork, ""},
    StageKind{"tail_msm", "#6a9fd4", R::kWork, ""},
    StageKind{"free_abc", "#c9b2d6", R::kWork, ""},
    StageKind{"prep_queue", "#fdd0a2", R::kWait, "a groth16 pool thread"},
    StageKind{"prep_msm", "#f28e2b", R::kWork, ""},
    StageKind{"b_g2_queue", "#fff1b8", R::kWait, "a groth16 pool thread"},
    StageKind{"b_g2_msm", "#edc948", R::kWork, "", "gpus.gpu_threads"},
    StageKind{"finalize_wait", "#e6e6e6", R::kWait, "a finalizing place (engine.max_finalizing)"},
    StageKind{"finalize_queue", "#dadada", R::kWait, "the finalizer"},
    StageKind{"b_g2_join", "#ffbe7d", R::kWait, "b_g2_msm to finish"},
    StageKind{"dealloc_cpp", "#e15759", R::kWork, ""},
    StageKind{"dealloc_rust", "#b07aa1", R::kWork, ""},
    StageKind{"malloc_trim", "#ff9d9a", R::kWork, ""},
};

}  // namespace

std::span<const StageKind> stage_kinds() { return kStages; }

std::size_t stage_order(std::string_view name) {
  const StageKind* k = find_stage_kind(name);
  return k != nullptr ? static_cast<std::size_t>(k - kStages.data()) : kStages.size();
}

const StageKind* find_stage_kind(std::string_view name) {
  for (const auto& k : kStages)
    if (k.name == name) return &k;
  return nullptr;
}

}  // namespace zkc::analysis
