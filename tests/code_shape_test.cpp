// Code shape (issue 26): no function body in hand-written code runs over 100 lines, and no file over
// 600. A long function hides its parts' names; a long file holds more than one job. The scan is a
// heuristic over the text (comments, literals and preprocessor lines blanked, braces matched), not a
// parser: a brace block counts as a function when the text before `{` ends a parameter list (other
// than if/for/while/switch/catch), which takes in TEST bodies, or when it opens a lambda.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxFunctionLines = 100;
constexpr std::size_t kMaxFileLines = 600;

// Generated code is checked at its generator (kernels/field/gen/gen_mont_mul_asm.py), not here.
constexpr std::string_view kGenerated[] = {"kernels/field/mont_mul_asm.hpp"};

// Known offenders that other work is changing now; each is split there, then its entry goes.
// Entries are file + function name (as reported below), or file + "" for the file's length.
struct Allowed {
  std::string_view file, name;
};
// None now: every function is within the limit. An entry is (file, function) with a comment saying why.
constexpr std::array<Allowed, 0> kAllowed{};

// A function-like block: its name, the lines of its `{` and `}` (1-based), and its length.
struct Block {
  std::string name;
  std::size_t open_line = 0, close_line = 0;
  std::size_t lines() const { return close_line - open_line + 1; }
};

// The source with comments, string and char literals and preprocessor lines replaced by spaces;
// newlines are kept, so offsets map to the same lines.
std::string code_only(const std::string& src) {
  std::string out = src;
  const auto blank = [&](std::size_t from, std::size_t to) {
    for (std::size_t j = from; j < to && j < out.size(); ++j)
      if (out[j] != '\n') out[j] = ' ';
  };
  bool line_start = true;
  for (std::size_t i = 0; i < src.size();) {
    const char c = src[i];
    if (c == '\n') {
      line_start = true;
      ++i;
      continue;
    }
    if (line_start && c == '#') {  // a directive, with its continuation lines
      std::size_t end = i;
      while (end < src.size() && (src[end] != '\n' || (end > 0 && src[end - 1] == '\\'))) ++end;
      blank(i, end);
      i = end;
      continue;
    }
    if (!std::isspace(static_cast<unsigned char>(c))) line_start = false;
    if (src.compare(i, 2, "//") == 0) {
      const std::size_t end = std::min(src.find('\n', i), src.size());
      blank(i, end);
      i = end;
    } else if (src.compare(i, 2, "/*") == 0) {
      const std::size_t end = std::min(src.find("*/", i + 2), src.size() - 2) + 2;
      blank(i, end);
      i = end;
    } else if (c == 'R' && i + 1 < src.size() && src[i + 1] == '"' &&
               (i == 0 || !std::isalnum(static_cast<unsigned char>(src[i - 1])) || src[i - 1] == '8' ||
                src[i - 1] == 'u' || src[i - 1] == 'U' || src[i - 1] == 'L')) {  // R"delim(...)delim"
      const std::size_t paren = src.find('(', i + 2);
      std::string close(1, ')');  // )delim"
      close.append(src, i + 2, paren - i - 2).push_back('"');
      const std::size_t end = std::min(src.find(close, paren), src.size() - close.size()) + close.size();
      blank(i, end);
      i = end;
    } else if (c == '"' || c == '\'') {
      // A ' after a digit inside a number is a digit separator (1'000), not a literal.
      std::size_t k = i;
      while (k > 0 && (std::isalnum(static_cast<unsigned char>(src[k - 1])) || src[k - 1] == '_' || src[k - 1] == '\''))
        --k;
      if (c == '\'' && k < i && std::isdigit(static_cast<unsigned char>(src[k]))) {
        ++i;
        continue;
      }
      std::size_t j = i + 1;
      while (j < src.size() && src[j] != c && src[j] != '\n') j += src[j] == '\\' ? 2 : 1;
      blank(i, j + 1);
      i = j + 1;
    } else {
      ++i;
    }
  }
  return out;
}

bool ident_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string trim(std::string_view s) {
  std::size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

// The offset of the bracket that opens the one closing at `close` (s[close] is ')' or ']'), or npos.
std::size_t matching_open(const std::string& s, std::size_t close) {
  const char cl = s[close], op = cl == ')' ? '(' : '[';
  int depth = 0;
  for (std::size_t i = close + 1; i-- > 0;) {
    if (s[i] == cl) ++depth;
    if (s[i] == op && --depth == 0) return i;
  }
  return std::string::npos;
}

// The identifier (with its :: qualifiers and ~) that ends just before `end`.
std::string word_before(const std::string& s, std::size_t end) {
  while (end > 0 && std::isspace(static_cast<unsigned char>(s[end - 1]))) --end;
  std::size_t b = end;
  while (b > 0 && (ident_char(s[b - 1]) || s[b - 1] == ':' || s[b - 1] == '~')) --b;
  return s.substr(b, end - b);
}

// Drops what may follow a parameter list: const, noexcept(...), override, -> type and the like.
std::string strip_qualifiers(std::string head) {
  for (bool changed = true; changed;) {
    changed = false;
    head = trim(head);
    for (std::string_view q : {"const", "override", "final", "noexcept", "mutable", "constexpr", "&&", "&"}) {
      if (head.size() > q.size() && head.ends_with(q) &&
          (!ident_char(q.front()) || !ident_char(head[head.size() - q.size() - 1]))) {
        head.resize(head.size() - q.size());
        changed = true;
      }
    }
    if (head.ends_with(")")) {  // noexcept(expr)
      const std::size_t open = matching_open(head, head.size() - 1);
      if (open != std::string::npos && word_before(head, open) == "noexcept") {
        head = trim(head.substr(0, open));
        head.resize(head.size() - std::string_view("noexcept").size());
        changed = true;
      }
    }
    const std::size_t arrow = head.rfind("->");
    if (!changed && arrow != std::string::npos && trim(head.substr(0, arrow)).ends_with(")")) {
      head.resize(arrow);
      changed = true;
    }
  }
  return head;
}

// Where a constructor's member-initializer list starts in `head` (its `:` after the parameter
// list), or npos.
std::size_t initializer_colon(const std::string& head) {
  int depth = 0;
  for (std::size_t i = 0; i < head.size(); ++i) {
    const char c = head[i];
    if (c == '(' || c == '[' || c == '{') ++depth;
    if (c == ')' || c == ']' || c == '}') --depth;
    if (c != ':' || depth != 0) continue;
    if (i + 1 < head.size() && head[i + 1] == ':') {
      ++i;  // a :: qualifier
      continue;
    }
    if (i > 0 && head[i - 1] == ':') continue;
    if (strip_qualifiers(head.substr(0, i)).ends_with(")")) return i;
  }
  return std::string::npos;
}

bool control_keyword(const std::string& w) {
  return w == "if" || w == "for" || w == "while" || w == "switch" || w == "catch" || w == "return" ||
         w == "sizeof" || w == "decltype" || w == "alignas";
}

// The name of a lambda whose capture list opens at `open`: its variable's, if assigned to one.
std::string lambda_name(const std::string& head, std::size_t open) {
  const std::size_t prev = open == 0 ? std::string::npos : head.find_last_not_of(" \t\n", open - 1);
  if (prev == std::string::npos) return "lambda";
  if (head[prev] == '=') {
    const std::string var = word_before(head, prev);
    return var.empty() ? "lambda" : var + " (lambda)";
  }
  const bool expression_start = !ident_char(head[prev]) && head[prev] != ']' && head[prev] != ')';
  return expression_start || word_before(head, open) == "return" ? "lambda" : "";  // else a subscript
}

// The name of the function whose parameter list opens at `open`, or "" for a control statement.
std::string called_name(const std::string& head, std::size_t open) {
  const std::string w = word_before(head, open);
  if (w == "constexpr") return called_name(head, head.rfind("constexpr", open));  // if constexpr
  if (w == "TEST" || w == "TEST_F" || w == "TEST_P" || w == "TYPED_TEST")
    return w + "(" + trim(head.substr(open + 1, head.size() - open - 2)) + ")";
  if (const std::size_t op = head.rfind("operator", open); op != std::string::npos) {
    const std::string symbol = trim(head.substr(op + 8, open - op - 8));  // operator==, operator()
    if (std::ranges::none_of(symbol, ident_char) && (w.empty() || w == "operator")) return "operator" + symbol;
  }
  return control_keyword(w) ? "" : w;
}

// The function's name when `head_text` (the text since the previous ; { or }) opens a function
// body or a lambda's, else "".
std::string function_name(const std::string& head_text) {
  std::string head = strip_qualifiers(head_text);
  if (const std::size_t colon = initializer_colon(head); colon != std::string::npos)
    head = strip_qualifiers(head.substr(0, colon));
  if (head.empty()) return "";
  if (head.back() == ']') {
    const std::size_t open = matching_open(head, head.size() - 1);
    return open == std::string::npos ? "" : lambda_name(head, open);
  }
  if (head.back() != ')') return "";
  const std::size_t open = matching_open(head, head.size() - 1);
  if (open == std::string::npos) return "";
  const std::size_t before = open == 0 ? std::string::npos : head.find_last_not_of(" \t\n", open - 1);
  if (before != std::string::npos && head[before] == ']') {  // a lambda's parameter list
    const std::size_t capture = matching_open(head, before);
    return capture == std::string::npos ? "" : lambda_name(head, capture);
  }
  return called_name(head, open);
}

// A `{` that brace-initializes a member in a constructor's initializer list (`: x_{x}, y_{y} {`):
// the head goes on past it to the body's `{`.
bool member_brace_init(const std::string& head) {
  const std::string t = trim(head);
  return initializer_colon(t) != std::string::npos && !t.empty() && (ident_char(t.back()) || t.back() == '>');
}

// Every function-like block of a source, with its name and lines.
std::vector<Block> functions(const std::string& src) {
  const std::string code = code_only(src);
  std::vector<Block> out;
  struct Open {
    std::size_t line;
    std::string name;  // "" for a block that is not a function
    bool keeps_head;   // a member's brace-initializer: the constructor's head goes on past it
  };
  std::vector<Open> stack;
  std::size_t line = 1, head_start = 0;
  for (std::size_t i = 0; i < code.size(); ++i) {
    const char c = code[i];
    if (c == '\n') ++line;
    if (c == '{') {
      const std::string head = code.substr(head_start, i - head_start);
      const bool init = member_brace_init(head);
      stack.push_back({line, init ? "" : function_name(head), init});
      if (!init) head_start = i + 1;
    } else if (c == '}') {
      if (!stack.empty()) {
        if (!stack.back().name.empty()) out.push_back({stack.back().name, stack.back().line, line});
        if (!stack.back().keeps_head) head_start = i + 1;
        stack.pop_back();
      }
    } else if (c == ';') {
      head_start = i + 1;
    }
  }
  return out;
}

std::size_t line_count(const std::string& src) {
  return static_cast<std::size_t>(std::count(src.begin(), src.end(), '\n')) +
         (!src.empty() && src.back() != '\n' ? 1 : 0);
}

bool allowed(std::string_view file, std::string_view name) {
  return std::ranges::any_of(kAllowed, [&](const Allowed& a) { return a.file == file && a.name == name; });
}

std::string read(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Scan {
  std::size_t files = 0, functions = 0;
  std::vector<std::string> long_functions, long_files, stale_allowances;
};

Scan scan_tree() {
  Scan s;
  std::vector<std::pair<std::string, std::string>> still_long;  // (file, name) of allowed offenders seen
  const fs::path root = ZKC_SOURCE_DIR;
  for (const char* dir : {"harness", "analysis", "workloads", "kernels", "model", "bench", "tests"}) {
    for (const auto& e : fs::recursive_directory_iterator(root / dir)) {
      const std::string ext = e.path().extension().string();
      if (!e.is_regular_file() || (ext != ".cpp" && ext != ".hpp" && ext != ".cu" && ext != ".cuh")) continue;
      const std::string rel = fs::relative(e.path(), root).generic_string();
      if (std::ranges::find(kGenerated, rel) != std::end(kGenerated)) continue;
      ++s.files;
      const std::string src = read(e.path());
      if (const std::size_t n = line_count(src); n > kMaxFileLines) {
        if (allowed(rel, "")) still_long.emplace_back(rel, "");
        else s.long_files.push_back(rel + ": " + std::to_string(n) + " lines");
      }
      for (const Block& b : functions(src)) {
        ++s.functions;
        if (b.lines() <= kMaxFunctionLines) continue;
        if (allowed(rel, b.name)) still_long.emplace_back(rel, b.name);
        else
          s.long_functions.push_back(rel + ":" + std::to_string(b.open_line) + ": " + b.name + " (" +
                                     std::to_string(b.lines()) + " lines)");
      }
    }
  }
  for (const Allowed& a : kAllowed)
    if (std::ranges::find(still_long, std::pair<std::string, std::string>(a.file, a.name)) == still_long.end())
      s.stale_allowances.push_back(std::string(a.file) + ": " + std::string(a.name));
  return s;
}

std::string listed(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& x : v) out += "\n  " + x;
  return out;
}

TEST(CodeShape, NoFunctionOver100LinesAndNoFileOver600) {
  const Scan s = scan_tree();
  EXPECT_GT(s.files, 200u);  // the scan saw the tree
  EXPECT_GT(s.functions, 2000u);
  EXPECT_TRUE(s.long_functions.empty()) << "functions over " << kMaxFunctionLines
                                        << " lines (split them into named parts):" << listed(s.long_functions);
  EXPECT_TRUE(s.long_files.empty()) << "files over " << kMaxFileLines
                                    << " lines (split them by job):" << listed(s.long_files);
  EXPECT_TRUE(s.stale_allowances.empty()) << "allow-list entries no longer needed (remove them):"
                                          << listed(s.stale_allowances);
}

// The scanner on a synthetic source: it must see functions, TEST bodies, named lambdas and member
// functions, and must not take control blocks, classes or initializers for functions.
TEST(CodeShape, TheScannerFindsFunctionsAndSkipsOtherBlocks) {
  const std::string src =
      "#define M(x) { x }\n"                                     // 1
      "namespace n {\n"                                          // 2
      "struct S {\n"                                             // 3
      "  int get() const noexcept { return 1; }\n"               // 4
      "};\n"                                                     // 5
      "auto f(int a) -> int {\n"                                 // 6
      "  if (a) {\n"                                             // 7
      "    for (int i = 0; i < a; ++i) { a += 1'000; }\n"        // 8
      "  } else if (a > 2) {\n"                                  // 9
      "  }\n"                                                    // 10
      "  const char* s = \"void g() {\";  // h() {\n"            // 11
      "  int v[2] = {1, 2};\n"                                   // 12
      "  auto named = [&](int x) mutable {\n"                    // 13
      "    return x;\n"                                          // 14
      "  };\n"                                                   // 15
      "  std::thread t([&] { a = 0; });\n"                       // 16
      "  return a;\n"                                            // 17
      "}\n"                                                      // 18
      "}  // namespace n\n"                                      // 19
      "TEST(Suite, Case) {\n"                                    // 20
      "  while (true) { break; }\n"                              // 21
      "}\n"                                                      // 22
      "Pipeline::Impl::Impl(int x) : x_(x), y_{x} {\n"           // 23
      "}\n"                                                      // 24
      "bool operator==(const S&, const S&) { return true; }\n"   // 25
      "int w = v[1] + (1 ? 2 : 3);\n";                           // 26
  const std::vector<Block> fs = functions(src);
  std::vector<std::string> got;
  for (const Block& b : fs)
    got.push_back(b.name + "@" + std::to_string(b.open_line) + "-" + std::to_string(b.close_line));
  const std::vector<std::string> want = {"get@4-4",    "named (lambda)@13-15", "lambda@16-16", "f@6-18",
                                         "TEST(Suite, Case)@20-22", "Pipeline::Impl::Impl@23-24",
                                         "operator==@25-25"};
  EXPECT_EQ(got, want);
  EXPECT_EQ(line_count(src), 26u);
  EXPECT_EQ(line_count("a\nb"), 2u);
}

// A function one line over the limit is reported; one at it is not.
TEST(CodeShape, TheLimitIsOnTheBodysLines) {
  const auto body = [](std::size_t lines) {
    std::string s = "void long_one() {\n";
    for (std::size_t i = 2; i < lines; ++i) s += "  step();\n";
    return s + "}\n";
  };
  ASSERT_EQ(functions(body(kMaxFunctionLines)).size(), 1u);
  EXPECT_EQ(functions(body(kMaxFunctionLines)).front().lines(), kMaxFunctionLines);
  EXPECT_EQ(functions(body(kMaxFunctionLines + 1)).front().lines(), kMaxFunctionLines + 1);
}

}  // namespace
