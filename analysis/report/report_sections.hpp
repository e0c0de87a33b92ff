// The report as one list of sections, computed once and rendered by report_html and report_md, so
// the two files show the same numbers in the same order, and adding a section touches one list
// (kSections in report_sections.cpp). The verdict comes first: the answer before the evidence.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "analysis/present/report_input.hpp"
#include "analysis/present/table.hpp"

namespace zkc::analysis {

struct Block {
  enum class Kind { kHeading, kParagraph, kNote, kList, kTable, kFigure, kLinks };
  Kind kind = Kind::kParagraph;
  std::string text;                // heading, paragraph, note; figure: what Markdown says instead; links: summary
  std::vector<std::string> items;  // list
  Table table;                     // table
  std::string css;                 // table: its class; figure: the SVG element's wrapper class ("" none)
  std::string svg;                 // figure: a complete inline <svg> (HTML only)
  std::vector<std::pair<std::string, std::string>> links;  // (text, href relative to the report)
};

struct Section {
  std::string id, title;  // id: the HTML anchor; title: "1. Verdict"
  std::vector<Block> blocks;
};

std::vector<Section> report_sections(const ReportInput& input);

}  // namespace zkc::analysis
