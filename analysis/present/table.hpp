// A plain table (header and text cells) rendered to Markdown, XHTML or terminal text, so report.md,
// report.html and the terminal show the same numbers from one computation.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace zkc::analysis {

struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;  // short rows are padded with empty cells
  std::vector<std::string> footnotes;          // printed under the table
};

// GitHub-flavoured Markdown: pipes and backslashes in cells escaped, newlines turned into spaces.
std::string markdown_table(const Table& table);
// <table class="css_class"> with <thead>/<tbody>, every cell escaped, then footnotes as <p class="note">.
std::string html_table(const Table& table, std::string_view css_class);
// Aligned plain text for a terminal: columns padded to their widest cell (UTF-8 counted by code
// point), then the footnotes, each on its own line.
std::string text_table(const Table& table);
// Text escaped for Markdown prose (headings, notes): punctuation with a meaning is backslashed.
std::string markdown_escape(std::string_view text);

}  // namespace zkc::analysis
