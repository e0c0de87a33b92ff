// A small `ab` report looked at in a real browser: headless Chromium (Debian's
// chromium-headless-shell, installed by the bootstrap) loads report.html at 1280x800 and a probe
// script, added to a copy of the page, records where the verdict landed and every script error;
// --dump-dom hands that back. The verdict's headline and the first row of its table must be on the
// first screen, and the page must raise no script error.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "harness/system/text_file.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zkc::test_support::run_zkcontend;
using zkc::test_support::TempDir;

// The first of Debian's headless Chromium binaries found on PATH, or "".
std::string chromium() {
  for (const char* name : {"chromium-headless-shell", "chromium"}) {
    const std::string cmd = std::string("command -v ") + name + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return name;
  }
  return "";
}

std::string run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>&1").c_str(), "r");
  if (p == nullptr) return "";
  std::string out;
  std::array<char, 4096> buf;
  while (std::fgets(buf.data(), buf.size(), p) != nullptr) out += buf.data();
  pclose(p);
  return out;
}

// Recorded before anything else of the page runs, so an error anywhere in it is caught.
constexpr std::string_view kErrorHook =
    "<script>window.__errors=[];window.addEventListener('error',function(e){window.__errors.push(String(e.message))});"
    "</script>";
// Where the verdict is, against the first screen, and what went wrong, as a body attribute.
constexpr std::string_view kProbe = R"(<script>(function(){
var h=document.getElementById('verdict'), t=document.querySelector('table.verdict');
var p=h?h.nextElementSibling:null, row=t?t.querySelector('tbody tr'):null;
function bottom(e){return e?e.getBoundingClientRect().bottom:-1;}
document.body.setAttribute('data-probe', JSON.stringify({heading:bottom(h), headline:bottom(p), first_row:bottom(row),
  screen:window.innerHeight, errors:window.__errors, svgs:document.querySelectorAll('svg').length}));
})();</script>)";

std::string unescape_attribute(std::string s) {
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"&quot;", "\""}, {"&lt;", "<"}, {"&gt;", ">"},
                                 {"&amp;", "&"}}) {
    for (std::size_t p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size()))
      s.replace(p, from.size(), to);
  }
  return s;
}

TEST(ReportInBrowser, VerdictOnTheFirstScreenAndNoScriptErrors) {
  const std::string browser = chromium();
  if (browser.empty()) GTEST_SKIP() << "no chromium-headless-shell on PATH (scripts/lib/bootstrap.sh installs it)";
  TempDir tmp;
  const auto ab = run_zkcontend(std::string("ab --config ") + ZKC_SOURCE_DIR + "/configs/ci.toml" +
                                " --arms baseline,I1+I2+I3,arena --repeats 2 -c 1 -q --order-seed 3 --results " +
                                tmp.path().string() + " --id ab");
  ASSERT_EQ(ab.exit_code, 0) << ab.output;
  std::string html = zkc::harness::read_text_file(tmp.path() / "ab" / "report.html");
  EXPECT_LE(html.size(), 1u << 20) << "a small ab's report stays far under 1 MB";
  const std::size_t head = html.find("</head>"), body = html.rfind("</body>");
  ASSERT_NE(head, std::string::npos);
  ASSERT_NE(body, std::string::npos);
  html.insert(body, kProbe);
  html.insert(head, kErrorHook);
  const fs::path probe = tmp.path() / "ab" / "probe.html";
  zkc::harness::write_text_file(probe, html);

  const std::string out = run(browser + " --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,800 "
                                        "--virtual-time-budget=2000 --dump-dom file://" + probe.string());
  const std::size_t at = out.find("data-probe=\"");
  ASSERT_NE(at, std::string::npos) << "the page did not run its probe:\n" << out.substr(0, 2000);
  const std::size_t start = at + 12, end = out.find('"', start);
  const nlohmann::json p = nlohmann::json::parse(unescape_attribute(out.substr(start, end - start)));
  const double screen = p.at("screen").get<double>();
  EXPECT_GT(screen, 0);
  EXPECT_GT(p.at("heading").get<double>(), 0);
  EXPECT_LE(p.at("headline").get<double>(), screen) << p.dump();
  EXPECT_GT(p.at("first_row").get<double>(), 0) << p.dump();
  EXPECT_LE(p.at("first_row").get<double>(), screen) << "the verdict table's first row is below the first screen: "
                                                    << p.dump();
  EXPECT_TRUE(p.at("errors").empty()) << p.dump();
  EXPECT_GE(p.at("svgs").get<int>(), 3) << "the waterfalls rendered as SVG";
  EXPECT_EQ(out.find("Uncaught"), std::string::npos) << out.substr(0, 2000);
}

}  // namespace
