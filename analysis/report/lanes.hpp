// Lanes of a waterfall or trace: which worker lanes a run has, in the pipeline's order, and how the
// spans of one lane are stacked into rows when they overlap (several prep threads share the lane
// "prep", concurrent dealloc threads share "dealloc-cpp": their overlap is what the seed studies).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "model/run_data.hpp"

namespace zkc::analysis {

// Lane order: synth-N (numeric), synth-pool, synth; gpu* (natural order); prep; groth16; finalizer;
// dealloc-*; anything else by name.
bool lane_less(std::string_view a, std::string_view b);

struct Lane {
  std::string name;
  std::vector<const StageRow*> spans;  // in (start, longest first) order
  std::vector<std::size_t> row;        // per span: its row within the lane
  std::size_t rows = 1;
};

// Lanes of `stages` in lane order, each packed into rows: a span joins the first row where it is
// either after everything open there or nested inside the innermost open span (lock_held and the
// device stages it contains share a row), so rows never hold partial overlaps. Spans with an empty
// worker go to the lane "(none)".
std::vector<Lane> build_lanes(const std::vector<StageRow>& stages);

// The spans to draw for a run: its stages.csv rows, or for a run without them (an ingested log)
// spans derived from its TIMELINE events (stage_rows_from_events).
std::vector<StageRow> lane_rows(const RunData& run);

}  // namespace zkc::analysis
