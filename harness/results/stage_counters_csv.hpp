// stage_counters.csv: per-stage totals of every counter, the view to compare runs by ("how many
// shootdown IPIs did the dealloc threads send, how many page faults did SpMV take"):
// `stage,counter,rows,total,mean_per_row`. Only counters with at least one measured row appear.
#pragma once

#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "harness/recorder/recorder.hpp"

namespace zkc::harness {

struct StageCounterTotal {
  std::string stage;
  std::string counter;
  std::size_t rows = 0;  // rows of this stage with a value for this counter
  double total = 0;
};

// In first-appearance order of stages, counters in name order. Pool-wide rows (spmv, b_g2_msm)
// are summed like the others, so their totals count shared pool work once per overlapping stage.
std::vector<StageCounterTotal> stage_counter_totals(std::span<const StageSpan> spans,
                                                    std::span<const std::string> counter_names);

void write_stage_counters_csv(const std::filesystem::path& path, std::span<const StageCounterTotal> totals);

}  // namespace zkc::harness
