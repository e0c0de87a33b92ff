// Issue 29, the second fault campaign: each row's case through the real binary (exit code, message,
// what is or is not written), one test per row or per pair of rows that share their set-up.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "harness/results/run_loader.hpp"
#include "harness/system/text_file.hpp"
#include "tests/support/run_binary.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace fs = std::filesystem;
using zkc::harness::read_text_file;
using zkc::test_support::BinaryResult;
using zkc::test_support::run_shell;
using zkc::test_support::run_zkcontend;
using zkc::test_support::TempDir;

std::string src(const std::string& rel) { return std::string(ZKC_SOURCE_DIR) + "/" + rel; }
std::string bin() { return ZKC_BINARY; }
bool has(const BinaryResult& r, const std::string& text) { return r.output.find(text) != std::string::npos; }
void write(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::binary) << text; }

// A prover log of `proofs` proofs x `partitions` partitions, one GPU worker, 10 ms per stage.
std::string prover_log(int proofs, int partitions) {
  std::ostringstream out;
  double t = 0;
  for (int j = 0; j < proofs; ++j)
    for (int p = 0; p < partitions; ++p) {
      const std::string job = "job-" + std::to_string(j), part = "partition=" + std::to_string(p);
      out << "TIMELINE," << t << ",SYNTH_START," << job << "," << part << "\n";
      out << "TIMELINE," << t + 10 << ",SYNTH_END," << job << "," << part << "\n";
      out << "TIMELINE," << t + 10 << ",GPU_QUEUE," << job << "," << part << "\n";
      out << "TIMELINE," << t + 11 << ",GPU_PICKUP," << job << ",worker=0," << part << "\n";
      out << "TIMELINE," << t + 11 << ",GPU_START," << job << ",worker=0," << part << "\n";
      out << "TIMELINE," << t + 21 << ",GPU_END," << job << ",worker=0," << part << "\n";
      t += 21;
    }
  return out.str();
}

std::string fmt_hex(unsigned long long v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%08llx", v);
  return buf;
}

// A summary.csv value by metric name.
std::string summary_value(const fs::path& run, const std::string& metric) {
  for (const auto& row : zkc::harness::read_summary_csv(run / "summary.csv"))
    if (row.name == metric) return std::to_string(row.value);
  return "";
}

// An hwloc 2 XML export of one machine with `pus` PUs (at most 32 with their cpusets: the larger ones
// are refused before hwloc reads them), flat under one NUMA node unless `numa` is false.
std::string flat_xml(int pus, bool numa = true) {
  const std::string all = pus <= 32 ? fmt_hex((1ULL << pus) - 1) : "0xffffffff";
  std::string s = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<topology version=\"2.0\">\n"
                  "<object type=\"Machine\" os_index=\"0\" cpuset=\"" + all + "\" complete_cpuset=\"" + all +
                  "\" allowed_cpuset=\"" + all + "\" nodeset=\"0x1\" complete_nodeset=\"0x1\" allowed_nodeset=\"0x1\">\n";
  if (numa)
    s += "<object type=\"NUMANode\" os_index=\"0\" cpuset=\"" + all + "\" complete_cpuset=\"" + all +
         "\" nodeset=\"0x1\" complete_nodeset=\"0x1\"/>\n";
  for (int i = 0; i < pus; ++i) {
    const std::string set = i < 32 ? fmt_hex(1ULL << i) : "0x1";
    s += "<object type=\"PU\" os_index=\"" + std::to_string(i) + "\"" +
         " cpuset=\"" + set + "\" complete_cpuset=\"" + set + "\" nodeset=\"0x1\" complete_nodeset=\"0x1\"" +
         "/>\n";
  }
  return s + "</object>\n</topology>\n";
}

class FaultCampaign : public ::testing::Test {
 protected:
  // Three real runs shared by the tests that only read them: c=2 j=2, its c=1 j=1 reference, c=3 j=2.
  static void SetUpTestSuite() {
    shared_ = new TempDir();
    const std::string common = " --config " + src("configs/ci.toml") + " -q --results " + shared_->path().string();
    for (const auto& [id, cj] : {std::pair{"loaded", "-c 2 -j 2"}, std::pair{"iso", "-c 1 -j 1"},
                                 std::pair{"c3j2", "-c 3 -j 2"}}) {
      const auto r = run_zkcontend(std::string("run ") + cj + " --run-id " + id + common);
      ASSERT_EQ(r.exit_code, 0) << r.output;
    }
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  // A copy of a shared run, to damage.
  fs::path copy_run(const std::string& id) const {
    const fs::path to = tmp_.path() / id;
    fs::copy(shared_->path() / id, to, fs::copy_options::recursive);
    return to;
  }
  static fs::path shared(const std::string& id) { return shared_->path() / id; }

  static TempDir* shared_;
  TempDir tmp_;
};
TempDir* FaultCampaign::shared_ = nullptr;

// Row 1: nesting, cpuset size and os_index are checked before hwloc, which would crash on them.
TEST_F(FaultCampaign, Row1HostileXmlIsRefusedBeforeHwlocNamingTheLimit) {
  std::string deep = "<?xml version=\"1.0\"?>\n<topology version=\"2.0\">\n";
  for (int i = 0; i < 100000; ++i) deep += "<object type=\"Group\">";
  for (int i = 0; i < 100000; ++i) deep += "</object>";
  write(tmp_.path() / "deep.xml", deep + "\n</topology>\n");
  for (const std::string how : {"topo --xml ", "topo --set topology.xml="}) {
    const auto r = run_zkcontend(how + (tmp_.path() / "deep.xml").string());
    EXPECT_EQ(r.exit_code, 2) << how << r.output;
    EXPECT_TRUE(has(r, "objects nested 65 deep; accepted: at most 64")) << r.output;
  }
  std::string words = "0xffffffff";
  for (int i = 1; i < 200000; ++i) words += ",0xffffffff";
  write(tmp_.path() / "wide.xml", "<topology version=\"2.0\">\n<object type=\"Machine\" cpuset=\"" + words +
                                      "\">\n<object type=\"PU\" os_index=\"4294967295\"/>\n</object>\n</topology>\n");
  const auto wide = run_zkcontend("topo --xml " + (tmp_.path() / "wide.xml").string());
  EXPECT_EQ(wide.exit_code, 2) << wide.output;
  EXPECT_TRUE(has(wide, "wide.xml:2: a cpuset or nodeset of 200000 words; accepted: at most 32768")) << wide.output;
  std::string index_xml = flat_xml(1);
  const std::string pu0 = "<object type=\"PU\" os_index=\"0\"";
  index_xml.replace(index_xml.find(pu0), pu0.size(), "<object type=\"PU\" os_index=\"4294967295\"");
  write(tmp_.path() / "index.xml", index_xml);
  const auto index = run_zkcontend("topo --xml " + (tmp_.path() / "index.xml").string());
  EXPECT_EQ(index.exit_code, 2) << index.output;
  EXPECT_TRUE(has(index, "PU os_index=\"4294967295\"; accepted: 0 to 1048575")) << index.output;
}

// Row 3: a PU limit, checked from the description's counts and the XML's objects, in well under a second.
TEST_F(FaultCampaign, Row3TooManyPusAreRefusedAtOnce) {
  const auto start = std::chrono::steady_clock::now();
  const auto syn = run_zkcontend("topo --synthetic 'pu:1000000'");
  EXPECT_EQ(syn.exit_code, 2) << syn.output;
  EXPECT_TRUE(has(syn, "more than 8192 PUs")) << syn.output;
  const auto product = run_zkcontend("topo --synthetic 'package:100 core:100 pu:2'");
  EXPECT_EQ(product.exit_code, 2) << product.output;
  write(tmp_.path() / "many.xml", flat_xml(9000));
  const auto xml = run_zkcontend("topo --xml " + (tmp_.path() / "many.xml").string());
  EXPECT_EQ(xml.exit_code, 2) << xml.output;
  EXPECT_TRUE(has(xml, "more than 8192 PUs; accepted: at most 8192")) << xml.output;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  EXPECT_EQ(run_zkcontend("topo --synthetic 'package:2 core:4 pu:2'").exit_code, 0);
}

// Row 10: an XML without a NUMA node is named as such, not as a stale "No such file or directory".
TEST_F(FaultCampaign, Row10XmlWithoutNumaNodeSaysSo) {
  write(tmp_.path() / "nonuma.xml", flat_xml(2, /*numa=*/false));
  const auto r = run_zkcontend("topo --xml " + (tmp_.path() / "nonuma.xml").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(has(r, "no NUMANode object; hwloc 2 needs at least one")) << r.output;
  EXPECT_FALSE(has(r, "No such file")) << r.output;
  write(tmp_.path() / "ok.xml", flat_xml(2));
  const auto ok = run_zkcontend("topo --xml " + (tmp_.path() / "ok.xml").string());
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(has(ok, "2 PUs")) << ok.output;
}

// Row 1 (the rest): what no scan foresees (PUs without their cpusets make hwloc 2.9 crash) is loaded in
// a child process first, so the crash is reported and the command exits 2.
TEST_F(FaultCampaign, Row1HwlocCrashIsReportedNotSuffered) {
  write(tmp_.path() / "nocpuset.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<topology version=\"2.0\">\n"
        "<object type=\"Machine\" os_index=\"0\" cpuset=\"0x1\" complete_cpuset=\"0x1\" nodeset=\"0x1\">\n"
        "<object type=\"NUMANode\" os_index=\"0\" cpuset=\"0x1\" nodeset=\"0x1\"/>\n"
        "<object type=\"PU\" os_index=\"0\"/>\n<object type=\"PU\" os_index=\"1\"/>\n</object>\n</topology>\n");
  const auto r = run_zkcontend("topo --xml " + (tmp_.path() / "nocpuset.xml").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(has(r, "nocpuset.xml: hwloc crashes loading it")) << r.output;
}

// Row 2: devices and FIFOs are refused at once instead of being read forever.
TEST_F(FaultCampaign, Row2NonRegularInputFilesAreRefused) {
  const std::string results = " --results " + (tmp_.path() / "r").string();
  for (const std::string args : {"analyze --timeline /dev/zero", "run --config /dev/zero", "run --config /dev/urandom",
                                 "sweep --spec /dev/zero --dry-run"}) {
    const auto r = run_shell("timeout 60 " + bin() + " " + args + results);
    EXPECT_EQ(r.exit_code, 2) << args << r.output;
    EXPECT_TRUE(has(r, "not a regular file (a character device)")) << args << r.output;
  }
  EXPECT_FALSE(fs::exists(tmp_.path() / "r"));
}

// Row 5: a log written twice measures as the log once, saying so; a stray partition index is named
// and left out instead of turning every proof incomplete.
TEST_F(FaultCampaign, Row5RepeatedEventsAndImplausiblePartitionsAreReportedAndLeftOut) {
  const std::string once = prover_log(4, 2);
  write(tmp_.path() / "once.log", once);
  write(tmp_.path() / "twice.log", once + once);
  write(tmp_.path() / "stray.log", once + "TIMELINE,1700,GPU_START,job-a,worker=3,partition=999999999\n");
  const std::string res = " --results " + tmp_.path().string();
  ASSERT_EQ(run_zkcontend("analyze --timeline " + (tmp_.path() / "once.log").string() + res + " --id once").exit_code, 0);
  const auto twice = run_zkcontend("analyze --timeline " + (tmp_.path() / "twice.log").string() + res + " --id twice");
  ASSERT_EQ(twice.exit_code, 0) << twice.output;
  EXPECT_TRUE(has(twice, "48 repeated events dropped")) << twice.output;
  EXPECT_TRUE(has(twice, "(line 49 repeats line 1)")) << twice.output;
  for (const char* metric : {"partitions_completed", "proofs_completed", "s_per_proof", "avg_gpu_per_partition_s"})
    EXPECT_EQ(summary_value(tmp_.path() / "twice", metric), summary_value(tmp_.path() / "once", metric)) << metric;
  EXPECT_NE(read_text_file(tmp_.path() / "twice" / "report.md").find("repeated events dropped"), std::string::npos);

  const auto stray = run_zkcontend("analyze --timeline " + (tmp_.path() / "stray.log").string() + res + " --id stray");
  ASSERT_EQ(stray.exit_code, 0) << stray.output;
  EXPECT_TRUE(has(stray, "stray.log:49: TIMELINE GPU_START partition=999999999: above 999")) << stray.output;
  EXPECT_EQ(summary_value(tmp_.path() / "stray", "proofs_completed"), summary_value(tmp_.path() / "once", "proofs_completed"));
  EXPECT_TRUE(has(stray, "2 partitions per proof, inferred")) << stray.output;
}

// Rows 6 and 11: analyze lists exactly what it wrote, and `report` works on its folder (trace.json
// then added), also on one written before analyze.json existed.
TEST_F(FaultCampaign, Row6And11AnalyzeFolderIsReportableAndListedAsWritten) {
  write(tmp_.path() / "p.log", prover_log(3, 2));
  const auto r = run_zkcontend("analyze --timeline " + (tmp_.path() / "p.log").string() + " --results " +
                               tmp_.path().string() + " --id a");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const std::smatch m = [&] {
    std::smatch out;
    std::regex_search(r.output, out, std::regex("results: [^ ]+ \\(([^)]*)\\)"));
    return out;
  }();
  ASSERT_FALSE(m.empty()) << r.output;
  std::set<std::string> listed, present;
  std::stringstream names(m[1].str());
  for (std::string n; std::getline(names, n, ',');) listed.insert(n.substr(n.find_first_not_of(' ')));
  for (const auto& e : fs::directory_iterator(tmp_.path() / "a")) present.insert(e.path().filename().string());
  EXPECT_EQ(listed, present) << r.output;

  const auto rep = run_zkcontend("report " + (tmp_.path() / "a").string());
  ASSERT_EQ(rep.exit_code, 0) << rep.output;
  EXPECT_TRUE(fs::exists(tmp_.path() / "a" / "trace.json"));
  const std::string md = read_text_file(tmp_.path() / "a" / "report.md");
  EXPECT_NE(md.find("p.log"), std::string::npos);
  fs::remove(tmp_.path() / "a" / "analyze.json");  // as written by an older build
  const auto old = run_zkcontend("report " + (tmp_.path() / "a").string());
  ASSERT_EQ(old.exit_code, 0) << old.output;
  EXPECT_NE(read_text_file(tmp_.path() / "a" / "report.md").find("2 partitions per proof, inferred from the timeline"),
            std::string::npos);
}

// Row 7: a scale too small for the simulated device is refused before the run, naming the smallest
// scale that works; that scale then runs.
TEST_F(FaultCampaign, Row7TinyScaleNamesTheSmallestThatWorks) {
  const std::string common = " --config " + src("configs/ci.toml") + " -q --results " + tmp_.path().string();
  for (const char* how : {" --dry-run", ""}) {
    const auto r = run_zkcontend("run --set workload.scale=1e-8 -c 1" + std::string(how) + common);
    EXPECT_EQ(r.exit_code, 2) << r.output;
    EXPECT_TRUE(has(r, "accepted: workload.scale >= ")) << r.output;
  }
  const auto r = run_zkcontend("run --set workload.scale=1e-8 --dry-run" + common);
  std::smatch m;
  ASSERT_TRUE(std::regex_search(r.output, m, std::regex("workload.scale >= ([0-9.e+-]+)"))) << r.output;
  const auto at = run_zkcontend("run --set workload.scale=" + m[1].str() + " -c 2 -j 2 --run-id smallest" + common);
  EXPECT_EQ(at.exit_code, 0) << at.output;
  EXPECT_FALSE(has(at, "out of memory")) << at.output;
}

// Row 8: an interrupted A/B says so in ab.json, the report and the terminal, and the same --id again
// says it holds an interrupted A/B.
TEST_F(FaultCampaign, Row8InterruptedAbIsMarkedAndItsIdNamesIt) {
  const fs::path dir = tmp_.path() / "t";
  const std::string args = "ab --config " + src("configs/ci.toml") + " --arms baseline --repeats 40 -c 1 -q --results " +
                           tmp_.path().string() + " --id t";
  const std::string log = (tmp_.path() / "term.log").string();
  const pid_t pid = zkc::test_support::spawn_zkcontend(args, log);
  ASSERT_GT(pid, 0);
  for (int i = 0; i < 2400; ++i) {
    bool done = false;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir / "runs", ec)) done |= zkc::harness::is_run_folder(e.path());
    if (done) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ::kill(pid, SIGTERM);
  EXPECT_EQ(zkc::test_support::wait_exit(pid), 143);
  const std::string out = read_text_file(log);
  EXPECT_NE(out.find("marked interrupted"), std::string::npos) << out;
  EXPECT_NE(out.find("warning: the A/B was interrupted"), std::string::npos) << out;
  EXPECT_EQ(nlohmann::json::parse(read_text_file(dir / "ab.json")).at("interrupted"), true);
  EXPECT_NE(read_text_file(dir / "report.md").find("the A/B was interrupted"), std::string::npos);
  const auto again = run_zkcontend(args);
  EXPECT_EQ(again.exit_code, 2) << again.output;
  EXPECT_TRUE(has(again, "holds an A/B that was interrupted")) << again.output;
}

// Rows 9 and 12 (empty config.toml): a damaged config.toml is named with its key and what is accepted.
TEST_F(FaultCampaign, Row9And12DamagedConfigTomlIsNamed) {
  const fs::path run = copy_run("loaded");
  const std::string config = read_text_file(run / "config.toml");
  const std::size_t at = config.find("\npartitions = ", config.find("[workload]"));
  ASSERT_NE(at, std::string::npos) << config;
  const std::size_t end = config.find('\n', at + 1);
  for (const std::string bad : {"\"four\"", "-1"}) {
    write(run / "config.toml", config.substr(0, at) + "\npartitions = " + bad + config.substr(end));
    for (const std::string cmd : {"report " + run.string(),
                                  "explain " + run.string() + " --reference " + shared("iso").string()}) {
      const auto r = run_zkcontend(cmd);
      EXPECT_EQ(r.exit_code, 2) << cmd << r.output;
      EXPECT_TRUE(has(r, "config.toml: workload.partitions = " + (bad == "-1" ? bad : std::string("four")) +
                             ": accepted: an integer from 0 to 64"))
          << r.output;
    }
  }
  write(run / "config.toml", "");
  const auto empty = run_zkcontend("explain " + run.string() + " --reference " + shared("iso").string());
  EXPECT_EQ(empty.exit_code, 2) << empty.output;
  EXPECT_TRUE(has(empty, "config.toml: no settings (an empty file)")) << empty.output;
  EXPECT_FALSE(fs::exists(run / "attribution.csv"));
}

// Row 12: a missing stages.csv or ab.json is named; an arm whose runs are gone is warned about.
TEST_F(FaultCampaign, Row12MissingFilesAndDroppedArmsAreNamed) {
  const fs::path run = copy_run("loaded");
  fs::remove(run / "stages.csv");
  const auto r = run_zkcontend("explain " + run.string() + " --reference " + shared("iso").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(has(r, (run / "stages.csv").string() + ": missing")) << r.output;

  const auto ab = run_zkcontend("ab --config " + src("configs/ci.toml") +
                                " --arms baseline,I1 --repeats 1 --warmup 0 --isolation -q --results " +
                                tmp_.path().string() + " --id ab");
  ASSERT_EQ(ab.exit_code, 0) << ab.output;
  const fs::path dir = tmp_.path() / "ab";
  fs::remove_all(dir / "runs" / "I1-r0");
  const auto dropped = run_zkcontend("explain " + dir.string());
  EXPECT_EQ(dropped.exit_code, 0) << dropped.output;
  EXPECT_TRUE(has(dropped, "warning: arm I1: none of its 1 run listed in the folder's table is there any more"))
      << dropped.output;
  fs::remove(dir / "ab.json");
  const auto no_json = run_zkcontend("explain " + dir.string());
  EXPECT_EQ(no_json.exit_code, 2) << no_json.output;
  EXPECT_TRUE(has(no_json, (dir / "ab.json").string() + ": missing (it lists the isolation runs")) << no_json.output;
}

// Rows 13 and 14: a loaded reference and a NaN threshold are refused.
TEST_F(FaultCampaign, Row13And14LoadedReferenceAndNanThresholdAreRefused) {
  const auto r = run_zkcontend("explain " + shared("loaded").string() + " --reference " + shared("c3j2").string());
  EXPECT_EQ(r.exit_code, 2) << r.output;
  EXPECT_TRUE(has(r, "a c=3 j=2 run; accepted: a c=1 j=1 run")) << r.output;
  for (const char* bad : {"nan", "inf", "-1"}) {
    const auto n = run_zkcontend("explain " + shared("loaded").string() + " --reference " + shared("iso").string() +
                                 " --min-ms " + bad);
    EXPECT_EQ(n.exit_code, 2) << bad << n.output;
  }
  const auto ok = run_zkcontend("explain " + shared("loaded").string() + " --reference " + shared("iso").string() +
                                " --min-ms 0.5");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
}

// Row 15: a collect refuses the chosen duplicate with a cut summary.csv by name and collects the other
// copy; a cut meta.json is named by report.
TEST_F(FaultCampaign, Row15DamagedRunIsRefusedByNameAndTheRestCollected) {
  const std::string sweep = "sweep --spec " + src("configs/sweeps/ci.toml") + " -q --id s --results " +
                            tmp_.path().string();
  ASSERT_EQ(run_zkcontend(sweep).exit_code, 0);
  const fs::path runs = tmp_.path() / "s" / "runs";
  fs::path first;
  for (const auto& e : fs::directory_iterator(runs))
    if (first.empty() || e.path() < first) first = e.path();
  fs::copy(first, first.string() + "-2", fs::copy_options::recursive);  // the same run, kept twice
  const std::string summary = read_text_file(first / "summary.csv");
  // Cut after the third line's first comma: a record of 2 fields, as a disk that filled up leaves it.
  const std::size_t third = summary.find('\n', summary.find('\n') + 1);
  write(first / "summary.csv", summary.substr(0, summary.find(',', third) + 1));
  const auto c = run_zkcontend(sweep + " --collect");
  EXPECT_EQ(c.exit_code, 0) << c.output;
  EXPECT_TRUE(has(c, "collected 8 of 8")) << c.output;
  EXPECT_TRUE(has(c, first.filename().string())) << c.output;
  EXPECT_TRUE(has(c, "damaged results")) << c.output;

  const fs::path run = copy_run("loaded");
  const std::string meta = read_text_file(run / "meta.json");
  write(run / "meta.json", meta.substr(0, meta.size() / 2));
  const auto rep = run_zkcontend("report " + run.string());
  EXPECT_EQ(rep.exit_code, 2) << rep.output;
  EXPECT_TRUE(has(rep, (run / "meta.json").string() + ": not valid JSON (cut short or damaged)")) << rep.output;
}

// Rows 16 and 18: a planted link is replaced, never written through; temporaries of a writer killed
// hard are removed, a live writer's kept.
TEST_F(FaultCampaign, Row16And18PlantedLinksAreReplacedAndStaleTemporariesRemoved) {
  const fs::path run = copy_run("loaded");
  write(tmp_.path() / "victim", "precious\n");
  fs::remove(run / "report.md");
  fs::create_symlink(tmp_.path() / "victim", run / "report.md");
  const fs::path stale = run / ".report.html.999999999.AbC123", live = run / (".trace.json." + std::to_string(getpid()) + ".XyZ789");
  write(stale, "cut");
  write(live, "being written");
  const auto r = run_zkcontend("report " + run.string());
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_EQ(read_text_file(tmp_.path() / "victim"), "precious\n");
  EXPECT_FALSE(fs::is_symlink(run / "report.md"));
  EXPECT_NE(read_text_file(run / "report.md").find("Waterfall"), std::string::npos);
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(live));
  write(run / ".attribution.csv.999999999.Qq1234", "cut");
  ASSERT_EQ(run_zkcontend("explain " + run.string() + " --reference " + shared("iso").string()).exit_code, 0);
  EXPECT_FALSE(fs::exists(run / ".attribution.csv.999999999.Qq1234"));
}

// Row 17: a long log is read a chunk at a time (lines across the 1 MiB reads intact) and its report
// draws a window of it, saying so, within 1 MB.
TEST_F(FaultCampaign, Row17LongLogStreamsAndTheReportStaysUnderOneMegabyte) {
  const std::string log = prover_log(1500, 4);  // 36,000 lines, ~1.5 MB: several reads
  ASSERT_GT(log.size(), 1u << 20);
  write(tmp_.path() / "long.log", log);
  const auto r = run_zkcontend("analyze --timeline " + (tmp_.path() / "long.log").string() + " --results " +
                               tmp_.path().string() + " --id long");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(has(r, "36000 lines, 36000 TIMELINE events, 0 CUZK_TIMING lines, 0 ignored, 0 malformed")) << r.output;
  EXPECT_EQ(summary_value(tmp_.path() / "long", "partitions_completed"), std::to_string(6000.0));
  const std::string html = read_text_file(tmp_.path() / "long" / "report.html");
  EXPECT_LE(html.size(), 1u << 20);
  EXPECT_NE(html.find("Drawn: the first"), std::string::npos);
  EXPECT_NE(read_text_file(tmp_.path() / "long" / "report.md").find("of 18000 stage spans"), std::string::npos);
  // timeline.csv is streamed to disk (several writes), and whole: the header and every event.
  const std::string timeline = read_text_file(tmp_.path() / "long" / "timeline.csv");
  EXPECT_GT(timeline.size(), zkc::harness::kTextFileChunk);
  EXPECT_EQ(std::count(timeline.begin(), timeline.end(), '\n'), 36001);
  EXPECT_TRUE(timeline.ends_with("\n"));
}

}  // namespace
