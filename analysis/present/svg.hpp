// Minimal builders for well-formed SVG/XHTML markup. Every piece of text and every attribute value
// goes through escape(), and every builder closes what it opens, so a report assembled from these
// pieces always parses as XML (report.html is checked with an XML parser in the tests).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace zkc::analysis::svg {

inline constexpr std::string_view kSvgNamespace = "http://www.w3.org/2000/svg";

// Escapes & < > " ' as entities and drops the control characters XML 1.0 forbids (all below 0x20
// except tab, newline, carriage return), so any run id or config value is safe in text or attributes.
std::string escape(std::string_view text);

// A coordinate or length: two decimals at most, trailing zeros dropped; "0" for NaN or infinity, so a
// degenerate input never writes an unparseable attribute.
std::string num(double v);

using Attrs = std::vector<std::pair<std::string, std::string>>;

// ` k="v"` for each attribute, values escaped.
std::string attrs(const Attrs& a);
// `<tag attrs>` and `</tag>`.
std::string open(std::string_view tag, const Attrs& a = {});
std::string close(std::string_view tag);
// `<tag attrs>escaped text</tag>`, or `<tag attrs/>` when text is empty.
std::string element(std::string_view tag, const Attrs& a, std::string_view text = {});
// `<tag attrs>children</tag>` where children is markup that is already well formed.
std::string wrap(std::string_view tag, const Attrs& a, std::string_view children);

// Shapes. `tooltip`, when given, becomes a <title> child (shown on hover by browsers).
std::string rect(double x, double y, double w, double h, const Attrs& extra = {}, std::string_view tooltip = {});
std::string line(double x1, double y1, double x2, double y2, const Attrs& extra = {});
std::string text(double x, double y, std::string_view content, const Attrs& extra = {});
std::string group(const Attrs& a, std::string_view children);

// A complete <svg> element with the SVG namespace, viewBox, width/height, the CSS class and a
// <title> (accessible name), holding `body`.
std::string document(double width, double height, std::string_view css_class, std::string_view title,
                     std::string_view body);

}  // namespace zkc::analysis::svg
