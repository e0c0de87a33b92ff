#include "harness/cli/report_writer.hpp"

#include "harness/cli/ab_design.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "analysis/report/report_html.hpp"
#include "analysis/report/report_md.hpp"
#include "analysis/report/trace_json.hpp"
#include "harness/cli/sweep_csv.hpp"
#include "harness/results/csv.hpp"
#include "harness/results/run_loader.hpp"
#include "harness/system/text_file.hpp"
#include "harness/cli/arms.hpp"

namespace zkc::cli {
namespace {

namespace fs = std::filesystem;

double number(const std::string& s, const fs::path& file, std::size_t line) {
  if (const auto v = harness::csv_number(s)) return *v;
  throw std::runtime_error(fmt::format("{}:{}: '{}' is not a number", file.string(), line, s));
}

// ab.csv: arm,repeat,metric,value,run (long format).
std::vector<analysis::Measurement> read_ab_csv(const fs::path& path) {
  const auto records = harness::parse_csv(harness::read_text_file(path), path.string());
  if (records.empty() || records[0].fields.size() < 4 || records[0].fields[0] != "arm") {
    throw std::runtime_error(fmt::format("{}:1: expected the header arm,repeat,metric,value,run", path.string()));
  }
  std::vector<analysis::Measurement> out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (f.size() < 4) throw std::runtime_error(fmt::format("{}:{}: expected 5 fields", path.string(), records[r].line));
    out.push_back({"", f[0], static_cast<int>(number(f[1], path, records[r].line)), f[2],
                   number(f[3], path, records[r].line), f.size() > 4 ? f[4] : ""});
  }
  return out;
}

// sweep.csv: point,arm,repeat,run, the varied keys (dotted names), host (older files: none), then
// metrics (plain names).
std::vector<analysis::Measurement> read_sweep_csv(const fs::path& path) {
  const auto records = harness::parse_csv(harness::read_text_file(path), path.string());
  if (records.empty() || records[0].fields.size() < 4 || records[0].fields[0] != "point") {
    throw std::runtime_error(fmt::format("{}:1: expected the header point,arm,repeat,run,...", path.string()));
  }
  const auto& h = records[0].fields;
  std::vector<analysis::Measurement> out;
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& f = records[r].fields;
    if (f.size() != h.size()) {
      throw std::runtime_error(fmt::format("{}:{}: {} fields, the header has {}", path.string(), records[r].line,
                                           f.size(), h.size()));
    }
    const auto host = std::find(h.begin() + 4, h.end(), kSweepHostColumn);
    for (std::size_t c = 4; c < h.size(); ++c) {
      if (h[c].find('.') != std::string::npos || f[c].empty()) continue;  // a key, or not measured
      if (h.begin() + static_cast<std::ptrdiff_t>(c) == host) continue;
      out.push_back({f[0], f[1], static_cast<int>(number(f[2], path, records[r].line)), h[c],
                     number(f[c], path, records[r].line), f[3]});
      if (host != h.end()) out.back().host = f[static_cast<std::size_t>(host - h.begin())];
    }
  }
  return out;
}

// What `ab` recorded about itself (ab.json); without the file, the arm named as the one holding every
// intervention (I1+I2+I3: a sweep's).
void read_ab_json(const fs::path& path, analysis::ReportInput& in) {
  in.all_interventions = all_interventions_arm(1).name;
  if (!fs::exists(path)) {
    for (const auto& m : in.measurements)
      if (m.arm == in.all_interventions) {
        in.after_arm = m.arm;
        in.after_how = "by its name";
        break;
      }
    return;
  }
  try {
    const nlohmann::json j = nlohmann::json::parse(harness::read_text_file(path));
    in.baseline_arm = j.at("baseline").get<std::string>();
    for (const auto& a : j.at("arms"))
      in.arms.push_back({a.at("name").get<std::string>(), a.at("overrides").get<std::vector<std::string>>()});
    if (const auto& after = j.at("after"); !after.is_null()) {
      in.after_arm = after.at("arm").get<std::string>();
      in.after_how = after.at("how").get<std::string>();
    }
    in.warnings = j.at("warnings").get<std::vector<std::string>>();
    if (j.contains("design")) {
      try {
        in.design = design_from_json(j.at("design"));
      } catch (const std::runtime_error& e) {
        throw std::runtime_error(fmt::format("{}: not the ab.json zkcontend writes: {}", path.string(), e.what()));
      }
    }
    in.interrupted = j.value("interrupted", false);
    if (j.contains("isolation"))  // ab --isolation: each arm's c=1 j=1 runs, under isolation/ only
      for (const auto& iso : j.at("isolation")) {
        const std::string run = iso.at("run").get<std::string>();
        const std::string name = run.starts_with("isolation/") ? run.substr(10) : "";
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
          throw std::runtime_error(fmt::format("{}: isolation run '{}': accepted: isolation/<run folder>",
                                               path.string(), run));
        in.isolation.push_back({iso.at("arm").get<std::string>(), harness::load_run(path.parent_path() / run)});
      }
    const auto& order = j.at("order");
    const auto warmup = j.at("warmup").size();
    in.notes.push_back(fmt::format("Arm order per round: {} (seed {}); {} warm-up run{} discarded before the first "
                                   "measured one.",
                                   order.at("mode").get<std::string>(), order.at("seed").get<std::uint64_t>(), warmup,
                                   warmup == 1 ? "" : "s"));
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not the ab.json zkcontend writes: {}", path.string(), e.what()));
  }
}

}  // namespace

std::vector<fs::path> run_folders(const fs::path& dir) {
  if (harness::is_run_folder(dir)) return {dir};
  std::vector<fs::path> out;
  std::error_code ec;
  if (fs::is_regular_file(dir / "sweep.csv", ec)) {
    // A sweep folder may hold runs that are not the sweep's (another spec's, refused by --collect).
    const auto records = harness::parse_csv(harness::read_text_file(dir / "sweep.csv"), (dir / "sweep.csv").string());
    std::set<fs::path> listed;
    for (std::size_t r = 1; r < records.size(); ++r)
      if (records[r].fields.size() > 3 && harness::is_run_folder(dir / records[r].fields[3]))
        listed.insert(dir / records[r].fields[3]);
    return {listed.begin(), listed.end()};
  }
  if (!fs::is_directory(dir / "runs", ec)) return out;
  for (const auto& e : fs::directory_iterator(dir / "runs", ec)) {
    if (harness::is_run_folder(e.path())) out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<analysis::Measurement> read_measurements(const fs::path& dir) {
  if (fs::exists(dir / "ab.csv")) return read_ab_csv(dir / "ab.csv");
  if (fs::exists(dir / "sweep.csv")) return read_sweep_csv(dir / "sweep.csv");
  return {};
}

void write_reports_for(const fs::path& out, const std::string& title, std::vector<analysis::RunData> runs,
                       const std::vector<analysis::Measurement>& measurements) {
  analysis::ReportInput input;
  input.title = title;
  input.runs = std::move(runs);
  input.measurements = measurements;
  harness::write_text_file(out / "report.html", analysis::report_html(input));
  harness::write_text_file(out / "report.md", analysis::report_md(input));
}

namespace {
analysis::ReportInput load_input(const fs::path& dir, const std::vector<fs::path>& folders, const std::string& title) {
  if (folders.empty()) {
    throw std::runtime_error(fmt::format("{}: neither a run folder (timeline.csv, summary.csv) nor a folder with "
                                         "runs/ of them", dir.string()));
  }
  analysis::ReportInput input;
  input.title = title;
  for (const auto& f : folders) input.runs.push_back(harness::load_run(f));
  input.measurements = read_measurements(dir);
  read_ab_json(dir / "ab.json", input);
  return input;
}
}  // namespace

analysis::ReportInput read_report_input(const fs::path& dir, const std::string& title) {
  return load_input(dir, run_folders(dir), title);
}

analysis::ReportInput write_reports(const fs::path& dir, const std::string& title) {
  const auto folders = run_folders(dir);  // one listing: the traces go to the runs they came from
  analysis::ReportInput input = load_input(dir, folders, title);
  // What a report killed hard left behind (its writers' temporaries), as run folders' .tmp- are.
  harness::remove_stale_temp_files(dir);
  for (const auto& f : folders) harness::remove_stale_temp_files(f);
  for (std::size_t i = 0; i < input.runs.size(); ++i)
    harness::write_text_file(folders[i] / "trace.json", analysis::trace_json(input.runs[i]));
  harness::write_text_file(dir / "report.html", analysis::report_html(input));
  harness::write_text_file(dir / "report.md", analysis::report_md(input));
  return input;
}

}  // namespace zkc::cli
