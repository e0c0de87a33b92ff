// Whole reports on synthetic data: report.html is well-formed XML with one waterfall per run (per
// arm for an A/B, the verdict first) and no external URLs, report.md has the Expected Results table,
// trace.json has every span and track.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "analysis/report/expected_results.hpp"
#include "analysis/report/report_html.hpp"
#include "analysis/report/report_md.hpp"
#include "analysis/report/trace_json.hpp"
#include "tests/support/report_fixtures.hpp"
#include "tests/support/xml_checker.hpp"


namespace zkc::analysis {
namespace {

using namespace report_fixtures;
using test_support::xml_error;

TEST(ReportHtml, WellFormedOneWaterfallPerRunNoExternalUrls) {
  const ReportInput in = sweep_input();
  const std::string html = report_html(in);
  EXPECT_EQ(xml_error(html), "");
  EXPECT_EQ(count(html, "<svg"), count(html, "</svg>"));
  EXPECT_EQ(count(html, "class=\"waterfall\""), in.runs.size());
  EXPECT_EQ(count(html, "class=\"gpu-timeline\""), in.runs.size());
  EXPECT_EQ(count(html, "class=\"sproof-chart\""), 1u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  for (const std::string_view scheme : {"http://", "https://"})
    for (std::size_t p = html.find(scheme); p != std::string::npos; p = html.find(scheme, p + 1)) {
      const std::string_view rest = std::string_view(html).substr(p);
      EXPECT_TRUE(rest.starts_with("http://www.w3.org/2000/svg\"") ||
                  rest.starts_with("http://www.w3.org/1999/xhtml\""))
          << rest.substr(0, 60);
    }
  // Sections in order.
  std::size_t last = 0;
  for (const char* id : {"id=\"verdict\"", "id=\"expected\"", "id=\"waterfalls\"", "id=\"gpu\"", "id=\"sproof\"",
                         "id=\"inflation\"", "id=\"counters\"", "id=\"family\""}) {
    const std::size_t at = html.find(id);
    ASSERT_NE(at, std::string::npos) << id;
    EXPECT_GT(at, last) << id;
    last = at;
  }
  // Counters: measured medians and n/a for the counter nobody could read.
  EXPECT_NE(html.find("<td>9000</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>n/a</td>"), std::string::npos);
  EXPECT_NE(html.find("perf_event_paranoid = 3"), std::string::npos);
  // Inflation of the GPU per partition at c=10 j=10: 4.90 s -> 5.98 s (+22%).
  EXPECT_NE(html.find("4.90 s -&gt; 5.98 s (+22.0%)"), std::string::npos);
}

TEST(ReportHtml, EscapesRunIds) {
  ReportInput in = sweep_input();
  in.runs[0].id = "a<&>b";
  in.title = "t & <u>";
  const std::string html = report_html(in);
  EXPECT_EQ(xml_error(html), "");
  EXPECT_EQ(html.find("a<&>b"), std::string::npos);
  EXPECT_NE(html.find("a&lt;&amp;&gt;b"), std::string::npos);
  EXPECT_NE(html.find("<title>t &amp; &lt;u&gt;</title>"), std::string::npos);
  EXPECT_NE(report_md(in).find("a\\<&>b"), std::string::npos);
}

TEST(ReportHtml, WithoutMeasurementsStillWellFormed) {
  ReportInput in;
  in.title = "one run";
  in.runs = {synthetic_run("single", "")};
  const std::string html = report_html(in);
  EXPECT_EQ(xml_error(html), "");
  EXPECT_EQ(count(html, "class=\"waterfall\""), 1u);
  EXPECT_EQ(count(html, "class=\"sproof-chart\""), 0u);
  EXPECT_NE(html.find("No A/B or sweep measurements."), std::string::npos);
  EXPECT_EQ(xml_error(report_html(ReportInput{})), "");
}

// The same document through Python's XML parser, when python3 is there: an independent check.
TEST(ReportHtml, ParsesWithPythonMinidom) {
  if (std::system("python3 -c 'import xml.dom.minidom' >/dev/null 2>&1") != 0) GTEST_SKIP() << "no python3";
  const auto path =
      std::filesystem::temp_directory_path() / ("zkc_report_test_" + std::to_string(::getpid()) + ".html");
  { std::ofstream(path) << report_html(sweep_input()); }
  const std::string cmd = "python3 " ZKC_SOURCE_DIR "/tests/check_xml.py " + path.string();
  EXPECT_EQ(std::system(cmd.c_str()), 0);
  std::filesystem::remove(path);
}

TEST(ReportMd, ExpectedResultsTableOneRowPerPoint) {
  const std::string md = report_md(sweep_input());
  const std::size_t section = md.find("## 2. Expected Results");
  ASSERT_NE(section, std::string::npos);
  const std::string header = "| configuration | baseline (baseline) | after I1+I2+I3 | improvement |\n";
  const std::size_t at = md.find(header, section);
  ASSERT_NE(at, std::string::npos) << md.substr(section);
  std::size_t line = md.find('\n', md.find('\n', at) + 1) + 1;  // past the header and the --- row
  std::vector<std::string> rows;
  while (line < md.size() && md[line] == '|') {
    const std::size_t end = md.find('\n', line);
    rows.push_back(md.substr(line, end - line));
    line = end + 1;
  }
  ASSERT_EQ(rows.size(), kPoints.size());
  EXPECT_TRUE(rows[0].starts_with("| c=1 j=1 (isolation) |"));
  EXPECT_NE(rows[1].find("8.0% ["), std::string::npos) << rows[1];  // 41.4 -> 38.1: 8% faster
  EXPECT_NE(md.find("see report.html"), std::string::npos);
  for (const char* h : {"## 1. Verdict", "## 3. Waterfalls", "## 4. GPU busy/idle", "## 5. Scheduling",
                        "## 6. s/proof vs concurrency", "## 7. Stage inflation", "## 8. Why stages inflate",
                        "## 9. Counters per arm"})
    EXPECT_NE(md.find(h), std::string::npos) << h;
}

TEST(ReportHtml, VerdictFirstOneWaterfallPerArmOthersAsTraceLinks) {
  const ReportInput in = ab_input();
  const std::string html = report_html(in);
  EXPECT_EQ(xml_error(html), "");
  // The first table and the first section are the verdict's, before any SVG.
  EXPECT_EQ(html.find("<table"), html.find("<table class=\"verdict\""));
  EXPECT_LT(html.find("id=\"verdict\""), html.find("<svg"));
  EXPECT_LT(html.find("Undecided: "), html.find("<svg"));
  EXPECT_NE(html.find("balance fit is off"), std::string::npos);
  // One waterfall per arm (3), not per run (9); the other 6 runs as trace.json links in a disclosure.
  EXPECT_EQ(count(html, "class=\"waterfall\""), 3u);
  EXPECT_EQ(count(html, "class=\"gpu-timeline\""), 3u);
  EXPECT_EQ(count(html, "<details>"), 1u);
  EXPECT_EQ(count(html, "trace.json\">"), 6u);
  EXPECT_NE(html.find("href=\"runs/arena-r1/trace.json\""), std::string::npos);
  EXPECT_EQ(html.find("href=\"runs/arena-r0/trace.json\""), std::string::npos) << "the shown run is not a link";
  // Expected Results: baseline against the arm holding I1+I2+I3, beside the seed's table.
  EXPECT_NE(html.find("after I1+I2+I3"), std::string::npos);
  EXPECT_NE(html.find("its overrides hold I1+I2+I3"), std::string::npos);
  EXPECT_NE(html.find("class=\"seed-expected\""), std::string::npos);
  // Memory metrics reach the report.
  EXPECT_NE(html.find("<th>buffer releases</th>"), std::string::npos);
  EXPECT_NE(html.find("<th>AnonHugePages peak (MiB)</th>"), std::string::npos);
  // The same verdict in report.md, first.
  const std::string md = report_md(in);
  EXPECT_LT(md.find("## 1. Verdict"), md.find("## 2. Expected Results"));
  EXPECT_NE(md.find("Undecided: "), std::string::npos);
  EXPECT_NE(md.find("(runs/baseline-r1/trace.json)"), std::string::npos);
}

TEST(ReportHtml, WithoutAnAfterArmSaysSoInsteadOfGuessing) {
  ReportInput in = ab_input();
  in.after_arm.clear();
  const std::string md = report_md(in);
  EXPECT_NE(md.find("No arm holds every intervention"), std::string::npos);
  EXPECT_EQ(md.find("after arena"), std::string::npos);
}

TEST(TraceJson, SpansTracksAndCounters) {
  const RunData run = synthetic_run("run-\"q\"", "x");
  const nlohmann::json doc = nlohmann::json::parse(trace_json(run));
  EXPECT_EQ(doc.at("displayTimeUnit"), "ms");
  std::size_t x = 0, threads = 0, shootdowns = 0, rss = 0;
  std::set<int> pids;
  for (const auto& e : doc.at("traceEvents")) {
    pids.insert(e.at("pid").get<int>());
    if (e.at("ph") == "X") {
      ++x;
      EXPECT_GE(e.at("dur").get<double>(), 0);
      EXPECT_TRUE(e.at("args").contains("proof"));
      if (e.at("name") == "dealloc_cpp") {
        EXPECT_EQ(e.at("args").at("tlb_ipis_machine"), 12);
        EXPECT_FALSE(e.at("args").contains("dtlb_misses"));
      }
    }
    if (e.at("ph") == "M" && e.at("name") == "thread_name") ++threads;
    if (e.at("ph") == "M" && e.at("name") == "process_name") {
      EXPECT_EQ(e.at("args").at("name"), "run-\"q\" (x)");
    }
    if (e.at("ph") == "C" && e.at("name") == "tlb_shootdowns") {
      ++shootdowns;
      EXPECT_EQ(e.at("args").at("per_sample").get<double>(), 10.0 * (2 * static_cast<double>(shootdowns) - 1));
    }
    if (e.at("ph") == "C" && e.at("name") == "rss_mib") ++rss;
  }
  EXPECT_EQ(x, kSpans);
  EXPECT_EQ(threads, static_cast<std::size_t>(kTracks));
  EXPECT_EQ(shootdowns, 4u);  // deltas between 5 samples
  EXPECT_EQ(rss, 5u);
  EXPECT_EQ(pids, (std::set<int>{1}));
  // Several runs: one pid each.
  const std::vector<RunData> two = {run, run};
  std::set<int> two_pids;
  const nlohmann::json both = nlohmann::json::parse(trace_json(two));  // named: a range-for temporary would dangle
  for (const auto& e : both.at("traceEvents")) two_pids.insert(e.at("pid").get<int>());
  EXPECT_EQ(two_pids, (std::set<int>{1, 2}));
}

}  // namespace
}  // namespace zkc::analysis
