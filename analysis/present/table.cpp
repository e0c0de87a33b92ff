#include "analysis/present/table.hpp"

#include <algorithm>

#include "analysis/present/svg.hpp"

namespace zkc::analysis {
namespace {

std::string md_cell(std::string_view text) {
  std::string out;
  for (const char c : text) {
    if (c == '|' || c == '\\') out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

std::size_t columns(const Table& t) {
  std::size_t n = t.header.size();
  for (const auto& r : t.rows) n = std::max(n, r.size());
  return n;
}

// Display width of UTF-8 text: code points, not bytes (the tables hold '±', '≥' and arrows).
std::size_t width(std::string_view text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

std::string text_table(const Table& t) {
  const std::size_t n = columns(t);
  std::vector<std::size_t> w(n, 0);
  const auto measure = [&](const std::vector<std::string>& cells) {
    for (std::size_t i = 0; i < cells.size(); ++i) w[i] = std::max(w[i], width(cells[i]));
  };
  measure(t.header);
  for (const auto& r : t.rows) measure(r);
  const auto line = [&](const std::vector<std::string>& cells) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) {
      const std::string cell = i < cells.size() ? cells[i] : "";
      out += cell;
      if (i + 1 < n) out += std::string(w[i] - width(cell) + 2, ' ');
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = n == 0 ? "" : line(t.header);
  for (const auto& r : t.rows) out += line(r);
  for (const auto& f : t.footnotes) out += f + "\n";
  return out;
}

std::string markdown_escape(std::string_view text) {
  std::string out;
  // '#' and '>' only mean something at the start of a line (heading, quote); the rest anywhere.
  if (!text.empty() && (text.front() == '#' || text.front() == '>')) out += '\\';
  for (const char c : text) {
    if (std::string_view("\\`*_[]<|").find(c) != std::string_view::npos) out += '\\';
    out += (c == '\n' || c == '\r') ? ' ' : c;
  }
  return out;
}

std::string markdown_table(const Table& t) {
  const std::size_t n = columns(t);
  if (n == 0) return {};
  const auto line = [n](const std::vector<std::string>& cells) {
    std::string out = "|";
    for (std::size_t i = 0; i < n; ++i) {
      out += ' ';
      out += md_cell(i < cells.size() ? cells[i] : "");
      out += " |";
    }
    out += '\n';
    return out;
  };
  std::string out = line(t.header) + "|";
  for (std::size_t i = 0; i < n; ++i) out += " --- |";
  out += "\n";
  for (const auto& r : t.rows) out += line(r);
  for (const auto& f : t.footnotes) {
    out += '\n';
    out += markdown_escape(f);
    out += '\n';
  }
  return out;
}

std::string html_table(const Table& t, std::string_view css_class) {
  const std::size_t n = columns(t);
  // Cells are written open and closed even when empty: an HTML (not XML) parser ignores "/>".
  const auto row = [n](const std::vector<std::string>& cells, std::string_view tag) {
    std::string out;
    for (std::size_t i = 0; i < n; ++i) out += svg::wrap(tag, {}, svg::escape(i < cells.size() ? cells[i] : ""));
    return svg::wrap("tr", {}, out);
  };
  std::string body;
  for (const auto& r : t.rows) body += row(r, "td") + "\n";
  std::string out = svg::wrap("table", {{"class", std::string(css_class)}},
                              svg::wrap("thead", {}, row(t.header, "th")) + "\n" + svg::wrap("tbody", {}, "\n" + body));
  out += "\n";
  for (const auto& f : t.footnotes) out += svg::wrap("p", {{"class", "note"}}, svg::escape(f)) + "\n";
  return out;
}

}  // namespace zkc::analysis
