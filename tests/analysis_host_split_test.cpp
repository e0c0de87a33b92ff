// Which machine ran which point: the per-host table and the notes that name every statistic mixing
// hosts, and that reports show them.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/report/host_split.hpp"
#include "analysis/report/report_html.hpp"
#include "analysis/present/report_input.hpp"
#include "analysis/report/report_md.hpp"

namespace {

using namespace zkc::analysis;

Measurement m(std::string point, std::string arm, int rep, double v, std::string host) {
  Measurement out{std::move(point), std::move(arm), rep, "s_per_proof", v, ""};
  out.host = std::move(host);
  return out;
}

TEST(HostSplit, NothingWithoutHosts) {
  const std::vector<Measurement> data = {m("", "baseline", 0, 1.0, ""), m("", "I1", 0, 0.9, "")};
  EXPECT_TRUE(host_split(data, "baseline").empty());
}

TEST(HostSplit, OneHostIsAColumnWithoutNotes) {
  const std::vector<Measurement> data = {m("c=1 j=1", "baseline", 0, 1.0, "n1"), m("c=1 j=1", "baseline", 1, 3.0, "n1"),
                                         m("c=1 j=1", "I1", 0, 0.5, "n1")};
  const HostSplit s = host_split(data, "baseline");
  ASSERT_EQ(s.hosts, std::vector<std::string>{"n1"});
  EXPECT_EQ(s.table.header, (std::vector<std::string>{"configuration", "arm", "s/proof on n1"}));
  ASSERT_EQ(s.table.rows.size(), 2u);
  EXPECT_EQ(s.table.rows[0][2], "2.00 s (n=2)");
  EXPECT_TRUE(s.notes.empty());
}

TEST(HostSplit, PooledHostsAndCrossHostComparisonsAreNamed) {
  const std::vector<Measurement> data = {
      m("c=2 j=2", "baseline", 0, 1.0, "a"), m("c=2 j=2", "baseline", 1, 1.2, "a"),
      m("c=2 j=2", "I1", 0, 0.8, "b"),       m("c=2 j=2", "I1", 1, 0.9, "b"),
      m("c=4 j=4", "baseline", 0, 2.0, "a"), m("c=4 j=4", "baseline", 1, 2.4, "b"),
      m("c=4 j=4", "I1", 0, 1.0, "a"),       m("c=4 j=4", "I1", 1, 1.1, "b")};
  const HostSplit s = host_split(data, "baseline");
  EXPECT_EQ(s.hosts, (std::vector<std::string>{"a", "b"}));
  ASSERT_EQ(s.table.rows.size(), 4u);
  EXPECT_EQ(s.table.rows[1], (std::vector<std::string>{"c=2 j=2", "I1", "", "0.85 s (n=2)"}));
  const auto has = [&](const std::string& text) {
    for (const auto& n : s.notes)
      if (n.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(has("c=2 j=2, arm I1: its change vs baseline compares machines (I1 on b, baseline on a)"));
  EXPECT_TRUE(has("c=4 j=4, arm baseline: its statistics pool runs from 2 hosts (1 on a, 1 on b)"));
  EXPECT_TRUE(has("c=4 j=4, arm I1: its statistics pool runs from 2 hosts"));
  EXPECT_FALSE(has("c=4 j=4, arm I1: its change vs")) << "same hosts on both sides";
  EXPECT_EQ(s.notes.size(), 3u);

  ReportInput in;
  in.title = "t";
  in.measurements = data;
  const std::string md = report_md(in);
  const std::size_t hosts = md.find(". Hosts: which machine ran each point\n");
  ASSERT_NE(hosts, std::string::npos) << md;
  EXPECT_NE(md.find("| s/proof on a | s/proof on b |", hosts), std::string::npos) << md;
  EXPECT_NE(md.find("its change vs baseline compares machines", hosts), std::string::npos) << md;
  // The summary is one of the verdict's warnings: after the verdict's heading, before section 2.
  const std::size_t summary = md.find("3 of this report's statistics mix machines");
  ASSERT_NE(summary, std::string::npos) << md;
  EXPECT_LT(md.find("## 1. Verdict"), summary);
  EXPECT_LT(md.find("### Warnings"), summary);
  EXPECT_LT(summary, md.find("## 2. "));
  // report.html renders the same section from the same blocks.
  const std::string html = report_html(in);
  EXPECT_NE(html.find("id=\"hosts\""), std::string::npos);
  EXPECT_NE(html.find("<table class=\"hosts\""), std::string::npos);
  const std::size_t html_summary = html.find("3 of this report&#39;s statistics mix machines");
  ASSERT_NE(html_summary, std::string::npos);
  EXPECT_LT(html.find("id=\"verdict\""), html_summary);
  EXPECT_LT(html_summary, html.find("id=\"expected\""));
}

TEST(HostSplit, ReportsWithoutHostsSaySo) {
  ReportInput in;
  in.measurements = {m("", "baseline", 0, 1.0, ""), m("", "I1", 0, 0.9, "")};
  const std::string md = report_md(in);
  EXPECT_NE(md.find("No measurement names its machine"), std::string::npos) << md;
  EXPECT_EQ(md.find("mix machines"), std::string::npos) << md;
}

}  // namespace
