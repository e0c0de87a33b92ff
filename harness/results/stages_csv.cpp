#include "harness/results/stages_csv.hpp"

#include <fmt/format.h>

#include <string>

#include "harness/results/csv.hpp"
#include "harness/results/text_file.hpp"

namespace zkc::harness {

void write_stages_csv(const std::filesystem::path& path, std::span<const StageSpan> spans) {
  std::string out = kStagesCsvHeader;
  out += '\n';
  for (const auto& s : spans) {
    fmt::format_to(std::back_inserter(out), "{},{},{},{:.3f},{:.3f},{:.3f},{},{}\n", s.proof, s.partition,
                   csv_field(s.stage), s.start_ms, s.end_ms, s.end_ms - s.start_ms, s.tid, csv_field(s.worker));
  }
  write_text_file(path, out);
}

}  // namespace zkc::harness
