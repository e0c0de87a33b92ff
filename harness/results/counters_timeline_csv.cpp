#include "harness/results/counters_timeline_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "harness/results/csv.hpp"
#include "harness/system/text_file.hpp"

namespace zkc::harness {

void write_counters_timeline_csv(const std::filesystem::path& path, std::span<const counters::SamplerRow> rows) {
  // Columns: every CPU number any row has, ascending (CPUs can come online during a run).
  std::vector<int> cpus;
  for (const auto& row : rows)
    if (row.tlb_available) cpus.insert(cpus.end(), row.tlb_cpus.begin(), row.tlb_cpus.end());
  std::sort(cpus.begin(), cpus.end());
  cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());

  std::string out = kCountersTimelineCsvFixedHeader;
  for (const int cpu : cpus) {
    out += ',';
    out += csv_field(fmt::format("tlb_cpu{}", cpu));
  }
  out += '\n';

  std::optional<std::uint64_t> previous_tlb;
  std::vector<std::string> cells(cpus.size());
  for (const auto& row : rows) {
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{:.3f},", row.t_ms);
    if (row.tlb_available) {
      const std::uint64_t delta = previous_tlb && row.tlb_total > *previous_tlb ? row.tlb_total - *previous_tlb : 0;
      fmt::format_to(it, "{},{},", row.tlb_total, delta);
      previous_tlb = row.tlb_total;
    } else {
      out += ",,";
    }
    fmt::format_to(it, "{},{},{},{},", row.usage.minor_faults, row.usage.major_faults, row.usage.voluntary_ctx_switches,
                   row.usage.involuntary_ctx_switches);
    if (row.mem_available) fmt::format_to(it, "{:.3f}", static_cast<double>(row.mem.rss_bytes) / (1024.0 * 1024.0));

    std::fill(cells.begin(), cells.end(), std::string());
    if (row.tlb_available) {
      const std::size_t n = std::min(row.tlb_cpus.size(), row.tlb_per_cpu.size());
      for (std::size_t i = 0; i < n; ++i) {
        const auto col = std::lower_bound(cpus.begin(), cpus.end(), row.tlb_cpus[i]);
        cells[static_cast<std::size_t>(col - cpus.begin())] = fmt::format("{}", row.tlb_per_cpu[i]);
      }
    }
    for (const auto& cell : cells) {
      out += ',';
      out += cell;
    }
    out += '\n';
  }
  write_text_file(path, out);
}

}  // namespace zkc::harness
