#include "harness/results/timeline_csv.hpp"

#include <fmt/format.h>

#include <stdexcept>
#include <string>

#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"

namespace zkc::harness {

void write_timeline_csv(const std::filesystem::path& path, std::span<const analysis::TimelineEvent> events) {
  // Streamed: a long log's timeline is as large as the log, and is never held whole a second time.
  TextFileWriter out(path);
  std::string row(kTimelineCsvHeader);
  row += '\n';
  out.write(row);
  for (const auto& e : events) {
    row.clear();
    fmt::format_to(std::back_inserter(row), "{:.3f},{},{},{}\n", e.offset_ms, csv_field(e.event), csv_field(e.job_id),
                   csv_field(e.detail));
    out.write(row);
  }
  out.commit();
}

std::vector<analysis::TimelineEvent> read_timeline_csv(const std::filesystem::path& path) {
  const std::string source = path.string();
  const std::vector<CsvRecord> records = parse_csv(read_text_file(path), source);
  const auto fail = [&](std::size_t line, const std::string& what) {
    return std::runtime_error(fmt::format("{}:{}: {}", source, line, what));
  };
  if (records.empty()) throw fail(1, fmt::format("empty file, expected the header '{}'", kTimelineCsvHeader));
  const auto& header = records.front().fields;
  if (header != parse_csv(std::string(kTimelineCsvHeader) + "\n", "header").front().fields)
    throw fail(1, fmt::format("expected the header '{}'", kTimelineCsvHeader));

  std::vector<analysis::TimelineEvent> events;
  events.reserve(records.size() - 1);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& rec = records[r];
    if (rec.fields.size() != 4) throw fail(rec.line, fmt::format("expected 4 fields, found {}", rec.fields.size()));
    const std::string& offset = rec.fields[0];
    const auto ms = csv_number(offset);
    if (!ms) throw fail(rec.line, fmt::format("offset_ms '{}' is not a number", offset));
    if (!analysis::valid_offset_ms(*ms)) {
      throw fail(rec.line, fmt::format("offset_ms '{}' is out of range: expected milliseconds since the run's start "
                                       "in [0, {:g}]", offset, analysis::kMaxOffsetMs));
    }
    if (rec.fields[1].empty()) throw fail(rec.line, "empty event name");
    events.push_back({*ms, rec.fields[1], rec.fields[2], rec.fields[3]});
  }
  return events;
}

}  // namespace zkc::harness
