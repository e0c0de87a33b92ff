#include "harness/config/config_writer.hpp"

#include <fmt/format.h>

#include <map>
#include <vector>

namespace zkc::config {
namespace {

bool bare_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

// "a.b.c" written as a TOML dotted key, each component quoted as needed.
std::string dotted_key(std::string_view key) {
  std::string out;
  while (true) {
    const std::size_t dot = key.find('.');
    out += toml_key(key.substr(0, dot));
    if (dot == std::string_view::npos) break;
    out += '.';
    key.remove_prefix(dot + 1);
  }
  return out;
}

// A comment stays on its line: control characters become spaces.
std::string comment_text(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  return out;
}

}  // namespace

std::string toml_key(std::string_view component) {
  if (component.empty()) return "\"\"";
  for (const char c : component)
    if (!bare_key_char(c)) return toml_string(component);
  return std::string(component);
}

std::string toml_string(std::string_view s) {
  std::string out = "\"";
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) out += fmt::format("\\u{:04X}", static_cast<unsigned>(c));
        else out += c;  // UTF-8 bytes pass through
    }
  }
  return out + "\"";
}

std::string toml_value(const Value& v) {
  if (const auto* b = std::get_if<bool>(&v)) return *b ? "true" : "false";
  if (const auto* i = std::get_if<std::int64_t>(&v)) return fmt::format("{}", *i);
  if (const auto* d = std::get_if<double>(&v)) {
    std::string s = fmt::format("{}", *d);  // shortest representation that reads back exactly
    if (s.find_first_of(".eEni") == std::string::npos) s += ".0";  // "2" -> "2.0"; inf and nan stay
    return s;
  }
  return toml_string(std::get<std::string>(v));
}

std::string resolved_config_toml(const Config& config) {
  // Keys without a dot must precede every table header; the rest are grouped by their first component.
  std::vector<std::pair<std::string, const Setting*>> root;
  std::map<std::string, std::vector<std::pair<std::string, const Setting*>>> tables;
  for (const auto& [key, setting] : config.settings()) {
    const std::size_t dot = key.find('.');
    if (dot == std::string::npos) root.emplace_back(key, &setting);
    else tables[key.substr(0, dot)].emplace_back(key.substr(dot + 1), &setting);
  }

  std::string out =
      "# zkcontend resolved configuration: every setting; a comment names where a non-default value came from.\n";
  const auto write = [&out](const std::string& key, const Setting& s) {
    out += dotted_key(key) + " = " + toml_value(s.value);
    if (s.origin != "default") out += "  # " + comment_text(s.origin);
    out += '\n';
  };
  for (const auto& [key, setting] : root) write(key, *setting);
  for (const auto& [table, entries] : tables) {
    out += fmt::format("\n[{}]\n", toml_key(table));
    for (const auto& [key, setting] : entries) write(key, *setting);
  }
  return out;
}

}  // namespace zkc::config
