#include "harness/results/stages_csv.hpp"

#include <fmt/format.h>

#include <string>

#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"

namespace zkc::harness {

void write_stages_csv(const std::filesystem::path& path, std::span<const StageSpan> spans,
                      std::span<const std::string> counter_names) {
  std::string out = kStagesCsvHeader;
  for (const auto& name : counter_names) {
    out += ',';
    out += csv_field(name);
  }
  out += '\n';
  for (const auto& s : spans) {
    fmt::format_to(std::back_inserter(out), "{},{},{},{:.3f},{:.3f},{:.3f},{},{}", s.proof, s.partition,
                   csv_field(s.stage), s.start_ms, s.end_ms, s.end_ms - s.start_ms, s.tid, csv_field(s.worker));
    // A stage without counter readings, or a counter this machine lacks: empty cells.
    for (std::size_t i = 0; i < counter_names.size(); ++i) {
      out += ',';
      if (i < s.counters.size() && s.counters[i]) fmt::format_to(std::back_inserter(out), "{:.0f}", *s.counters[i]);
    }
    out += '\n';
  }
  write_text_file(path, out);
}

}  // namespace zkc::harness
