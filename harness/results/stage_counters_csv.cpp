#include "harness/results/stage_counters_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>

#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"

namespace zkc::harness {

std::vector<StageCounterTotal> stage_counter_totals(std::span<const StageSpan> spans,
                                                    std::span<const std::string> counter_names) {
  std::vector<StageCounterTotal> out;
  std::vector<std::string> stages;
  for (const auto& s : spans) {
    if (std::find(stages.begin(), stages.end(), s.stage) == stages.end()) stages.push_back(s.stage);
  }
  for (const auto& stage : stages) {
    for (std::size_t k = 0; k < counter_names.size(); ++k) {
      StageCounterTotal t{stage, counter_names[k], 0, 0};
      for (const auto& s : spans) {
        if (s.stage != stage || k >= s.counters.size() || !s.counters[k]) continue;
        ++t.rows;
        t.total += *s.counters[k];
      }
      if (t.rows > 0) out.push_back(std::move(t));
    }
  }
  return out;
}

void write_stage_counters_csv(const std::filesystem::path& path, std::span<const StageCounterTotal> totals) {
  std::string out = "stage,counter,rows,total,mean_per_row\n";
  for (const auto& t : totals) {
    fmt::format_to(std::back_inserter(out), "{},{},{},{:.0f},{:.3f}\n", csv_field(t.stage), csv_field(t.counter),
                   t.rows, t.total, t.total / static_cast<double>(t.rows));
  }
  write_text_file(path, out);
}

}  // namespace zkc::harness
