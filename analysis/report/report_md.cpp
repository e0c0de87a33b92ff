#include "analysis/report/report_md.hpp"

#include <fmt/format.h>

#include "analysis/report/report_sections.hpp"

namespace zkc::analysis {
namespace {

std::string render(const Block& block) {
  switch (block.kind) {
    case Block::Kind::kHeading: return "### " + markdown_escape(block.text) + "\n\n";
    case Block::Kind::kParagraph:
    case Block::Kind::kNote: return markdown_escape(block.text) + "\n\n";
    case Block::Kind::kList: {
      std::string out;
      for (const auto& i : block.items) out += "- " + markdown_escape(i) + "\n";
      return out + "\n";
    }
    case Block::Kind::kTable: return markdown_table(block.table) + "\n";
    case Block::Kind::kFigure: return markdown_escape(block.text) + "\n\n";
    case Block::Kind::kLinks: {
      std::string out = markdown_escape(block.text) + ":\n\n";
      for (const auto& [text, href] : block.links) out += fmt::format("- [{}]({})\n", markdown_escape(text), href);
      return out + "\n";
    }
  }
  return "";
}

}  // namespace

std::string report_md(const ReportInput& in) {
  std::string md = fmt::format("# {}\n\n{} runs, {} measurements, baseline arm \"{}\".\n\n", markdown_escape(in.title),
                               in.runs.size(), in.measurements.size(), markdown_escape(in.baseline_arm));
  for (const auto& n : in.notes) md += "- " + markdown_escape(n) + "\n";
  if (!in.notes.empty()) md += "\n";
  for (const Section& s : report_sections(in)) {
    md += "## " + markdown_escape(s.title) + "\n\n";
    for (const Block& block : s.blocks) md += render(block);
  }
  return md;
}

}  // namespace zkc::analysis
