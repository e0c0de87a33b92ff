#include "analysis/report/report_md.hpp"

#include <fmt/format.h>

#include "analysis/report/report_sections.hpp"

namespace zkc::analysis {

std::string report_md(const ReportInput& in) {
  const ReportSections sec = report_sections(in);
  const bool measured = !sec.summaries.empty();
  std::string md = fmt::format("# {}\n\n{} runs, {} measurements, baseline arm \"{}\".\n\n", markdown_escape(in.title),
                               in.runs.size(), in.measurements.size(), markdown_escape(in.baseline_arm));
  for (const auto& n : in.notes) md += "- " + markdown_escape(n) + "\n";
  if (!sec.hosts.notes.empty()) md += "- " + markdown_escape(mixed_hosts_note(sec.hosts)) + "\n";
  if (!in.notes.empty() || !sec.hosts.notes.empty()) md += "\n";

  md += "## 1. Waterfalls\n\nOne waterfall per run: see report.html.\n\n";
  for (const auto& r : in.runs)
    md += fmt::format("- {}{}\n", markdown_escape(r.id), r.label.empty() ? "" : " (" + markdown_escape(r.label) + ")");
  md += "\n## 2. GPU busy/idle\n\nTimelines: see report.html.\n\n";
  if (!in.runs.empty()) md += markdown_table(sec.gpu_idle);

  md += "\n## 3. s/proof vs concurrency\n\n";
  md += measured ? "Chart: see report.html.\n\n" + markdown_table(sec.sproof) : "No A/B or sweep measurements.\n";

  md += "\n## 4. Stage inflation under load\n\n";
  if (sec.inflation.empty()) md += "No A/B or sweep measurements.\n";
  for (const auto& [arm, table] : sec.inflation)
    md += "### Arm " + markdown_escape(arm) + "\n\n" + markdown_table(table) + "\n";

  md += "\n## 5. Counters per arm\n\n" + markdown_table(sec.counters);

  md += "\n## 6. Expected Results\n\n";
  if (!measured || sec.after_arm.empty()) {
    md += "Needs measurements of the baseline and at least one other arm.\n";
  } else {
    md += markdown_table(sec.expected);
    md += "\n### Each arm against " + markdown_escape(in.baseline_arm) + "\n\n" + markdown_table(sec.each_arm);
  }
  if (!sec.hosts.empty()) {
    md += "\n### Hosts: which machine ran each point\n\n";
    for (const auto& n : sec.hosts.notes) md += "- " + markdown_escape(n) + "\n";
    if (!sec.hosts.notes.empty()) md += "\n";
    md += markdown_table(sec.hosts.table);
  }
  return md;
}

}  // namespace zkc::analysis
