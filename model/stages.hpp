// The one list of stage kinds (the `stage` column of stages.csv, and the stages derived from a prover
// log): a typed handle per stage (`Stage`), their pipeline order, their colour in every chart, and
// what their time is made of, so the recorder's callers, the waterfall legend, the palette and
// `explain`'s attribution all read one declaration. A producer names a stage by its handle: a stage
// nobody declared does not compile.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace zkc::model {

// In pipeline order (the order of kStages in stages.cpp, checked there at compile time).
enum class Stage : std::uint8_t {
  kSlotWait,
  kBudgetWait,
  kSynthesis,
  kWitnessGen,
  kWitnessCopy,
  kSpmv,
  kDirectEval,
  kDensity,
  kQueuePush,
  kGpu,
  kSplitAlloc,
  kRegister,
  kLockWait,
  kLockHeld,
  kUpload,
  kNttMsmH,
  kPrepWait,
  kBatchAdd,
  kTailMsm,
  kFreeAbc,
  kPrepQueue,
  kPrepMsm,
  kBG2Queue,
  kBG2Msm,
  kFinalizeWait,
  kFinalizeQueue,
  kBG2Join,
  kDeallocCpp,
  kDeallocRust,
  kMallocTrim,
};

struct StageKind {
  enum class Role {
    kWork,       // the thread computes (or a sim GPU stage stands in for the device): on-CPU, run queue, rest
    kWait,       // a wait the pipeline itself records (a lock, a queue, a pool queue, a barrier)
    kComposite,  // encloses other rows (synthesis, gpu): no accounting of its own
  };
  Stage id;
  std::string_view name;
  std::string_view colour;  // "#rrggbb"
  Role role = Role::kWork;
  std::string_view waits_for;  // kWait: what it waits for ("the device lock", "a groth16 thread")
  // A stage whose jobs spread over a pool: the setting holding the pool's thread count (its rows sum
  // the thread time of every job); "" for a stage that runs on one thread at a time.
  std::string_view pool_threads_key = "";
};

// In pipeline order.
std::span<const StageKind> stage_kinds();
const StageKind& kind(Stage s);
std::string_view name(Stage s);  // "witness_gen", as stages.csv spells it
// nullptr for a stage nobody declared (an ingested log's, or a newer harness's).
const StageKind* find_stage_kind(std::string_view name);
// Position in pipeline order (legends, tables); undeclared stages sort after the declared ones.
std::size_t stage_order(std::string_view name);

}  // namespace zkc::model

// Analysis speaks the model's vocabulary.
namespace zkc::analysis {
using namespace zkc::model;
}  // namespace zkc::analysis
