#include "analysis/present/svg.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

namespace zkc::analysis::svg {

std::string escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char ch : text) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default: {
        const auto u = static_cast<unsigned char>(ch);
        if (u < 0x20 && ch != '\t' && ch != '\n' && ch != '\r') continue;  // not allowed in XML 1.0
        out += ch;
      }
    }
  }
  return out;
}

std::string num(double v) {
  if (!std::isfinite(v)) return "0";
  std::string s = fmt::format("{:.2f}", v);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string attrs(const Attrs& a) {
  std::string out;
  for (const auto& [k, v] : a) out += fmt::format(" {}=\"{}\"", k, escape(v));
  return out;
}

std::string open(std::string_view tag, const Attrs& a) { return fmt::format("<{}{}>", tag, attrs(a)); }

std::string close(std::string_view tag) { return fmt::format("</{}>", tag); }

std::string element(std::string_view tag, const Attrs& a, std::string_view text) {
  if (text.empty()) return fmt::format("<{}{}/>", tag, attrs(a));
  return fmt::format("<{}{}>{}</{}>", tag, attrs(a), escape(text), tag);
}

std::string wrap(std::string_view tag, const Attrs& a, std::string_view children) {
  return fmt::format("<{}{}>{}</{}>", tag, attrs(a), children, tag);
}

namespace {
Attrs with(Attrs base, const Attrs& extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}
}  // namespace

std::string rect(double x, double y, double w, double h, const Attrs& extra, std::string_view tooltip) {
  const Attrs a =
      with({{"x", num(x)}, {"y", num(y)}, {"width", num(std::max(0.0, w))}, {"height", num(std::max(0.0, h))}}, extra);
  if (tooltip.empty()) return element("rect", a);
  return wrap("rect", a, element("title", {}, tooltip));
}

std::string line(double x1, double y1, double x2, double y2, const Attrs& extra) {
  return element("line", with({{"x1", num(x1)}, {"y1", num(y1)}, {"x2", num(x2)}, {"y2", num(y2)}}, extra));
}

std::string text(double x, double y, std::string_view content, const Attrs& extra) {
  // An empty <text/> is still valid; element() writes it self-closed.
  return element("text", with({{"x", num(x)}, {"y", num(y)}}, extra), content);
}

std::string group(const Attrs& a, std::string_view children) { return wrap("g", a, children); }

std::string document(double width, double height, std::string_view css_class, std::string_view title,
                     std::string_view body) {
  const Attrs a = {{"xmlns", std::string(kSvgNamespace)},
                   {"class", std::string(css_class)},
                   {"width", num(width)},
                   {"height", num(height)},
                   {"viewBox", fmt::format("0 0 {} {}", num(width), num(height))},
                   {"role", "img"},
                   {"font-family", "sans-serif"},
                   {"font-size", "11"}};
  return wrap("svg", a, element("title", {}, title) + std::string(body));
}

}  // namespace zkc::analysis::svg
