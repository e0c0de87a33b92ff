#include "harness/cli/sweep_csv.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

#include "harness/results/csv.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/system/text_file.hpp"

namespace zkc::cli {

void write_sweep_csv(const std::filesystem::path& dir, const std::vector<std::string>& varied_keys,
                     const std::vector<SweepCsvRow>& rows) {
  std::vector<std::string> metrics;
  std::vector<std::map<std::string, double>> values(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    for (const auto& m : harness::read_summary_csv(dir / rows[i].run / "summary.csv")) {
      if (std::find(metrics.begin(), metrics.end(), m.name) == metrics.end()) metrics.push_back(m.name);
      values[i][m.name] = m.value;
    }
  }
  std::string out = "point,arm,repeat,run";
  for (const auto& k : varied_keys) out += "," + harness::csv_field(k);
  out += std::string(",") + kSweepHostColumn;
  for (const auto& m : metrics) out += "," + harness::csv_field(m);
  out += '\n';
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const auto& r = rows[i];
    out += fmt::format("{},{},{},{}", harness::csv_field(r.point), harness::csv_field(r.arm), r.repeat,
                       harness::csv_field(r.run));
    for (const auto& k : varied_keys) {
      std::string v;
      for (const auto& [sk, sv] : r.settings)
        if (sk == k) v = sv;
      out += "," + harness::csv_field(v);
    }
    out += "," + harness::csv_field(r.host);
    for (const auto& m : metrics) {
      const auto it = values[i].find(m);
      out += ",";
      if (it != values[i].end() && std::isfinite(it->second)) out += fmt::format("{}", it->second);
    }
    out += '\n';
  }
  harness::write_text_file(dir / "sweep.csv", out);
}

}  // namespace zkc::cli
