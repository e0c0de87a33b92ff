// XmlChecker: enough of XML 1.0 to check generated markup (report.html, the SVGs) is well-formed,
// without an XML library: prolog (<?..?>, <!DOCTYPE ..>, comments), one root element, start/end/empty
// tags that nest, attributes quoted and unique, entity references valid, no '<' or bare '&' in text
// or attribute values. xml_error(doc) is "" when well-formed, else what is wrong and where.
#pragma once

#include <cctype>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace zkc::test_support {

class XmlChecker {
 public:
  explicit XmlChecker(std::string_view doc) : s_(doc) {}

  std::string check() {
    bool root_seen = false;
    while (pos_ < s_.size()) {
      if (s_[pos_] != '<') {
        if (!text()) return error_;
        if (stack_.empty() && !only_space_) return fail("text outside the root element");
        continue;
      }
      if (starts("<?")) {
        if (!skip_to("?>")) return fail("unterminated processing instruction");
      } else if (starts("<!--")) {
        const std::size_t end = s_.find("-->", pos_ + 4);
        if (end == std::string_view::npos) return fail("unterminated comment");
        if (s_.substr(pos_ + 4, end - pos_ - 4).find("--") != std::string_view::npos) return fail("-- in comment");
        pos_ = end + 3;
      } else if (starts("<![CDATA[")) {
        if (stack_.empty()) return fail("CDATA outside the root");
        if (!skip_to("]]>")) return fail("unterminated CDATA");
      } else if (starts("<!DOCTYPE")) {
        if (root_seen || !stack_.empty()) return fail("DOCTYPE after the root");
        if (!skip_to(">")) return fail("unterminated DOCTYPE");
      } else if (starts("</")) {
        pos_ += 2;
        const std::string name = read_name();
        if (name.empty()) return fail("end tag without a name");
        skip_space();
        if (!starts(">")) return fail("junk in end tag " + name);
        ++pos_;
        if (stack_.empty() || stack_.back() != name)
          return fail("end tag </" + name + "> does not match <" + (stack_.empty() ? "" : stack_.back()) + ">");
        stack_.pop_back();
      } else {
        if (root_seen && stack_.empty()) return fail("second root element");
        if (!start_tag()) return error_;
        root_seen = true;
      }
    }
    if (!stack_.empty()) return fail("unclosed <" + stack_.back() + ">");
    if (!root_seen) return fail("no root element");
    return "";
  }

 private:
  std::string fail(const std::string& what) {
    const std::size_t from = pos_ < 40 ? 0 : pos_ - 40;
    error_ = what + " at offset " + std::to_string(pos_) + ": ..." + std::string(s_.substr(from, 80));
    return error_;
  }
  bool bad(const std::string& what) {
    fail(what);
    return false;
  }
  bool starts(std::string_view p) const { return s_.substr(pos_, p.size()) == p; }
  bool skip_to(std::string_view end) {
    const std::size_t e = s_.find(end, pos_);
    if (e == std::string_view::npos) return false;
    pos_ = e + end.size();
    return true;
  }
  static bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
  static bool name_char(char c) {
    return name_start(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  }
  std::string read_name() {
    const std::size_t b = pos_;
    if (pos_ < s_.size() && name_start(s_[pos_]))
      while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    return std::string(s_.substr(b, pos_ - b));
  }
  bool skip_space() {
    const std::size_t b = pos_;
    while (pos_ < s_.size() && std::string_view(" \t\r\n").find(s_[pos_]) != std::string_view::npos) ++pos_;
    return pos_ > b;
  }
  // An entity reference at pos_ ('&'): one of the five predefined ones or a character reference.
  bool entity() {
    const std::size_t semi = s_.find(';', pos_);
    if (semi == std::string_view::npos || semi - pos_ > 10) return false;
    const std::string_view ref = s_.substr(pos_ + 1, semi - pos_ - 1);
    static const std::set<std::string_view> named = {"amp", "lt", "gt", "quot", "apos"};
    bool ok = named.count(ref) > 0;
    if (!ok && ref.size() > 1 && ref[0] == '#') {
      const bool hex = ref[1] == 'x';
      const std::string_view digits = ref.substr(hex ? 2 : 1);
      ok = !digits.empty();
      for (const char c : digits)
        ok = ok && (hex ? std::isxdigit(static_cast<unsigned char>(c)) : std::isdigit(static_cast<unsigned char>(c)));
    }
    if (ok) pos_ = semi + 1;
    return ok;
  }
  bool text() {
    only_space_ = true;
    while (pos_ < s_.size() && s_[pos_] != '<') {
      if (s_[pos_] == '&') {
        if (!entity()) return bad("bad entity reference");
        only_space_ = false;
        continue;
      }
      if (starts("]]>")) return bad("]]> in text");
      if (std::string_view(" \t\r\n").find(s_[pos_]) == std::string_view::npos) only_space_ = false;
      ++pos_;
    }
    return true;
  }
  bool start_tag() {
    ++pos_;
    const std::string name = read_name();
    if (name.empty()) return bad("tag without a name");
    std::set<std::string> seen;
    while (true) {
      const bool spaced = skip_space();
      if (starts("/>")) {
        pos_ += 2;
        return true;
      }
      if (starts(">")) {
        ++pos_;
        stack_.push_back(name);
        return true;
      }
      if (!spaced) return bad("attribute not separated by space in <" + name + ">");
      const std::string attr = read_name();
      if (attr.empty()) return bad("bad attribute name in <" + name + ">");
      if (!seen.insert(attr).second) return bad("duplicate attribute " + attr);
      skip_space();
      if (!starts("=")) return bad("attribute " + attr + " without a value");
      ++pos_;
      skip_space();
      if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return bad("unquoted attribute " + attr);
      const char q = s_[pos_++];
      while (pos_ < s_.size() && s_[pos_] != q) {
        if (s_[pos_] == '<') return bad("'<' in attribute " + attr);
        if (s_[pos_] == '&') {
          if (!entity()) return bad("bad entity in attribute " + attr);
          continue;
        }
        ++pos_;
      }
      if (pos_ >= s_.size()) return bad("unterminated attribute " + attr);
      ++pos_;
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<std::string> stack_;
  std::string error_;
  bool only_space_ = true;
};

inline std::string xml_error(std::string_view doc) { return XmlChecker(doc).check(); }

}  // namespace zkc::test_support
