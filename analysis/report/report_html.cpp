#include "analysis/report/report_html.hpp"

#include <fmt/format.h>

#include "analysis/report/charts_svg.hpp"
#include "analysis/report/gpu_timeline_svg.hpp"
#include "analysis/report/report_sections.hpp"
#include "analysis/report/svg.hpp"
#include "analysis/report/waterfall_svg.hpp"

namespace zkc::analysis {
namespace {

constexpr std::string_view kXhtmlNamespace = "http://www.w3.org/1999/xhtml";

// Plain CSS without '<' or '&', so the <style> element needs no CDATA section to stay valid XML.
constexpr std::string_view kCss = R"(
body { font-family: system-ui, sans-serif; margin: 1.5em; color: #222; max-width: 1300px; }
h1 { font-size: 1.5em; } h2 { margin-top: 2em; border-bottom: 1px solid #ccc; } h3 { font-size: 1.05em; }
svg { max-width: 100%; height: auto; display: block; margin: 0.5em 0; }
table { border-collapse: collapse; margin: 0.5em 0; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; }
th { background: #f0f0f0; }
td { font-variant-numeric: tabular-nums; }
p.note { color: #555; font-size: 0.85em; margin: 0.2em 0; }
.empty { color: #777; font-style: italic; }
)";

std::string h(std::string_view tag, std::string_view text, std::string_view id = {}) {
  return svg::wrap(tag, id.empty() ? svg::Attrs{} : svg::Attrs{{"id", std::string(id)}}, svg::escape(text)) + "\n";
}

std::string para(std::string_view text, std::string_view css_class = {}) {
  return svg::wrap("p", css_class.empty() ? svg::Attrs{} : svg::Attrs{{"class", std::string(css_class)}},
                   svg::escape(text)) +
         "\n";
}

std::string run_heading(const RunData& r) { return r.label.empty() ? r.id : r.id + " (" + r.label + ")"; }

}  // namespace

std::string report_html(const ReportInput& in) {
  const ReportSections sec = report_sections(in);
  const bool measured = !sec.summaries.empty();
  std::string b;
  b += h("h1", in.title);
  b += para(fmt::format("{} runs, {} measurements, baseline arm \"{}\".", in.runs.size(), in.measurements.size(),
                        in.baseline_arm),
            "note");
  if (!in.notes.empty() || !sec.hosts.notes.empty()) {
    std::string items;
    for (const auto& n : in.notes) items += svg::wrap("li", {}, svg::escape(n));
    if (!sec.hosts.notes.empty()) items += svg::wrap("li", {}, svg::escape(mixed_hosts_note(sec.hosts)));
    b += svg::wrap("ul", {{"class", "notes"}}, items) + "\n";
  }

  b += h("h2", "1. Waterfalls", "waterfalls");
  if (in.runs.empty()) b += para("No runs.", "empty");
  for (const auto& r : in.runs)
    b += svg::wrap("section", {{"class", "run"}}, h("h3", run_heading(r)) + waterfall_svg(r)) + "\n";

  b += h("h2", "2. GPU busy/idle", "gpu");
  for (const auto& r : in.runs) b += gpu_timeline_svg(r) + "\n";
  if (!in.runs.empty()) b += html_table(sec.gpu_idle, "gpu-idle");

  b += h("h2", "3. s/proof vs concurrency", "sproof");
  if (measured)
    b += sproof_vs_concurrency_svg(sec.summaries, in.x_key) + "\n" + html_table(sec.sproof, "sproof");
  else
    b += para("No A/B or sweep measurements.", "empty");

  b += h("h2", "4. Stage inflation under load", "inflation");
  if (sec.inflation.empty()) b += para("No A/B or sweep measurements.", "empty");
  for (const auto& [arm, table] : sec.inflation) b += h("h3", "Arm " + arm) + html_table(table, "inflation");

  b += h("h2", "5. Counters per arm", "counters");
  b += html_table(sec.counters, "counters");

  b += h("h2", "6. Expected Results", "expected");
  if (!measured || sec.after_arm.empty())
    b += para("Needs measurements of the baseline and at least one other arm.", "empty");
  else
    b += html_table(sec.expected, "expected") + h("h3", "Each arm against " + in.baseline_arm) +
         html_table(sec.each_arm, "each-arm");
  if (!sec.hosts.empty()) {
    b += h("h3", "Hosts: which machine ran each point");
    for (const auto& n : sec.hosts.notes) b += para(n, "note");
    b += html_table(sec.hosts.table, "hosts");
  }

  std::string head = svg::wrap("head", {},
                               "<meta charset=\"utf-8\"/>" +
                                   svg::element("title", {}, in.title.empty() ? "zkcontend report" : in.title) +
                                   svg::wrap("style", {}, std::string(kCss)));
  return "<!DOCTYPE html>\n" +
         svg::wrap("html", {{"xmlns", std::string(kXhtmlNamespace)}, {"lang", "en"}},
                   "\n" + head + "\n" + svg::wrap("body", {}, "\n" + b)) +
         "\n";
}

}  // namespace zkc::analysis
