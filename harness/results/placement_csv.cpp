#include "harness/results/placement_csv.hpp"

#include <fmt/format.h>

#include <iterator>
#include <string>

#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"
#include "harness/topology/topology.hpp"

namespace zkc::harness {

void write_placement_csv(const std::filesystem::path& path, std::span<const topology::PlacementRow> rows) {
  std::string out = kPlacementCsvHeader;
  out += '\n';
  for (const auto& r : rows) {
    // A thread never sampled gets an empty cpus cell.
    const std::string cpus = topology::format_index_list(r.cpus);
    fmt::format_to(std::back_inserter(out), "{},{},{},{},{},{},{}\n", csv_field(r.pool), csv_field(r.name), r.tid,
                   r.samples, csv_field(cpus), r.migrations, csv_field(r.migrations_source));
  }
  write_text_file(path, out);
}

}  // namespace zkc::harness
