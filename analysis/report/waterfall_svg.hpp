// The waterfall of one run: a row band per worker lane (synthesis slots and pool, GPU workers, prep,
// the groth16 pool, finalizer, dealloc threads), a colour per stage with a legend, a time axis, and
// lock-held spans outlined over the GPU worker lanes. Every span has a hover tooltip.
#pragma once

#include <string>

#include "model/run_data.hpp"

namespace zkc::analysis {

// A complete <svg class="waterfall"> element (standalone or inline in XHTML). Runs without stage rows
// (ingested logs) are drawn from their TIMELINE events on lanes "synth", "gpu<W>", "prep", ...
std::string waterfall_svg(const RunData& run);

}  // namespace zkc::analysis
