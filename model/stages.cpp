#include "model/stages.hpp"

#include <array>

namespace zkc::model {
namespace {

using R = StageKind::Role;
using S = Stage;
// Pipeline order; the stages derived from log events (synthesis, gpu) sit beside the harness stages
// they stand for. Synthesis in greens, GPU worker in blues, lock/queue waits in greys, prep and b_g2
// in oranges and yellows, dealloc in reds.
constexpr std::array kStages = {
    StageKind{S::kSlotWait, "slot_wait", "#c7c7c7", R::kWait, "an arena slot"},
    StageKind{S::kBudgetWait, "budget_wait", "#b3b3b3", R::kWait, "a memory-budget reservation"},
    StageKind{S::kSynthesis, "synthesis", "#59a14f", R::kComposite, ""},
    StageKind{S::kWitnessGen, "witness_gen", "#59a14f", R::kWork, ""},
    StageKind{S::kWitnessCopy, "witness_copy", "#8cd17d", R::kWork, ""},
    StageKind{S::kSpmv, "spmv", "#2e7d32", R::kWork, "", "synthesis.threads"},
    // synthesis.path = direct: on the synthesis worker's own thread, in place of witness_copy and spmv.
    StageKind{S::kDirectEval, "direct_eval", "#3f8f6b", R::kWork, ""},
    StageKind{S::kDensity, "density", "#b6d7a8", R::kWork, ""},
    StageKind{S::kQueuePush, "queue_push", "#bab0ac", R::kWait, "room in the GPU queue"},
    StageKind{S::kGpu, "gpu", "#4e79a7", R::kComposite, ""},
    StageKind{S::kSplitAlloc, "split_alloc", "#a0cbe8", R::kWork, ""},
    StageKind{S::kRegister, "register", "#86bcb6", R::kWork, ""},
    StageKind{S::kLockWait, "lock_wait", "#9d9d9d", R::kWait, "the device lock"},
    StageKind{S::kLockHeld, "lock_held", "#222222", R::kComposite, ""},
    StageKind{S::kUpload, "upload", "#76b7b2", R::kWork, ""},
    StageKind{S::kNttMsmH, "ntt_msm_h", "#4e79a7", R::kWork, ""},
    StageKind{S::kPrepWait, "prep_wait", "#d4d4d4", R::kWait, "prep_msm (the barrier before batch_add)"},
    StageKind{S::kBatchAdd, "batch_add", "#2f5d8a", R::kWork, ""},
    StageKind{S::kTailMsm, "tail_msm", "#6a9fd4", R::kWork, ""},
    StageKind{S::kFreeAbc, "free_abc", "#c9b2d6", R::kWork, ""},
    StageKind{S::kPrepQueue, "prep_queue", "#fdd0a2", R::kWait, "a groth16 pool thread"},
    StageKind{S::kPrepMsm, "prep_msm", "#f28e2b", R::kWork, ""},
    StageKind{S::kBG2Queue, "b_g2_queue", "#fff1b8", R::kWait, "a groth16 pool thread"},
    StageKind{S::kBG2Msm, "b_g2_msm", "#edc948", R::kWork, "", "gpus.gpu_threads"},
    StageKind{S::kFinalizeWait, "finalize_wait", "#e6e6e6", R::kWait, "a finalizing place (engine.max_finalizing)"},
    StageKind{S::kFinalizeQueue, "finalize_queue", "#dadada", R::kWait, "the finalizer"},
    StageKind{S::kBG2Join, "b_g2_join", "#ffbe7d", R::kWait, "b_g2_msm to finish"},
    StageKind{S::kDeallocCpp, "dealloc_cpp", "#e15759", R::kWork, ""},
    StageKind{S::kDeallocRust, "dealloc_rust", "#b07aa1", R::kWork, ""},
    StageKind{S::kMallocTrim, "malloc_trim", "#ff9d9a", R::kWork, ""},
};

constexpr bool indexed_by_id() {
  for (std::size_t i = 0; i < kStages.size(); ++i)
    if (static_cast<std::size_t>(kStages[i].id) != i) return false;
  return kStages.size() == static_cast<std::size_t>(Stage::kMallocTrim) + 1;
}
static_assert(indexed_by_id(), "kStages must list every Stage once, in the enum's order");

}  // namespace

std::span<const StageKind> stage_kinds() { return kStages; }

const StageKind& kind(Stage s) { return kStages[static_cast<std::size_t>(s)]; }

std::string_view name(Stage s) { return kind(s).name; }

std::size_t stage_order(std::string_view name) {
  const StageKind* k = find_stage_kind(name);
  return k != nullptr ? static_cast<std::size_t>(k - kStages.data()) : kStages.size();
}

const StageKind* find_stage_kind(std::string_view name) {
  for (const auto& k : kStages)
    if (k.name == name) return &k;
  return nullptr;
}

}  // namespace zkc::model
