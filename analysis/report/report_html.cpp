#include "analysis/report/report_html.hpp"

#include <fmt/format.h>

#include "analysis/report/report_sections.hpp"
#include "analysis/present/svg.hpp"

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
table.verdict td:nth-child(6) { max-width: 28em; }
details { margin: 0.5em 0; }
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

std::string render(const Block& block) {
  switch (block.kind) {
    case Block::Kind::kHeading: return h("h3", block.text);
    case Block::Kind::kParagraph: return para(block.text);
    case Block::Kind::kNote: return para(block.text, "note");
    case Block::Kind::kList: {
      std::string items;
      for (const auto& i : block.items) items += svg::wrap("li", {}, svg::escape(i));
      return svg::wrap("ul", {}, items) + "\n";
    }
    case Block::Kind::kTable: return html_table(block.table, block.css);
    case Block::Kind::kFigure: return block.svg + "\n";
    case Block::Kind::kLinks: {
      // A disclosure: closed by default, so the other runs cost a line until asked for.
      std::string items;
      for (const auto& [text, href] : block.links)
        items += svg::wrap("li", {}, svg::wrap("a", {{"href", href}}, svg::escape(text)));
      return svg::wrap("details", {},
                       svg::wrap("summary", {}, svg::escape(block.text)) + svg::wrap("ul", {}, items)) +
             "\n";
    }
  }
  return "";
}

}  // namespace

std::string report_html(const ReportInput& in) {
  std::string b;
  b += h("h1", in.title);
  b += para(fmt::format("{} runs, {} measurements, baseline arm \"{}\".", in.runs.size(), in.measurements.size(),
                        in.baseline_arm),
            "note");
  if (!in.notes.empty()) {
    std::string items;
    for (const auto& n : in.notes) items += svg::wrap("li", {}, svg::escape(n));
    b += svg::wrap("ul", {{"class", "notes"}}, items) + "\n";
  }
  for (const Section& s : report_sections(in)) {
    b += h("h2", s.title, s.id);
    for (const Block& block : s.blocks) b += render(block);
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
