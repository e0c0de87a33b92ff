// The results files: CSV round trips with awkward text, strict reading, summary rows, /proc readers
// on fixture files, meta.json keys, and the resolved config reading back as the same configuration.
// (Run directories and whole-file writes: results_run_directory_test.cpp.)
#include <gtest/gtest.h>

#include "tests/support/temp_dir.hpp"
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/config_writer.hpp"
#include "harness/results/csv.hpp"
#include "harness/results/meta_json.hpp"
#include "harness/results/run_directory.hpp"
#include "harness/results/stage_counters_csv.hpp"
#include "harness/results/stages_csv.hpp"
#include "harness/results/summary_writer.hpp"
#include "harness/system/text_file.hpp"
#include "harness/results/timeline_csv.hpp"
#include "harness/system/proc_readers.hpp"
#include "tests/support/test_files.hpp"

namespace zkc::harness {
namespace {

namespace fs = std::filesystem;

using zkc::test_support::TempDir;

using zkc::test_support::read_file;
using zkc::test_support::write_file;

// ---- CSV ----

// A file cut short (full disk, crash mid-write) must not pass as whole: a last record without its
// line end is refused, naming the line, however complete its fields look.
TEST(Csv, ALastLineWithoutItsLineEndIsACutFile) {
  for (const std::string cut : {"a,b\n1,partit", "a,b\n1,", "a,b\n1,2"}) {
    try {
      parse_csv(cut, "t.csv");
      FAIL() << "accepted a cut file: " << cut;
    } catch (const std::runtime_error& e) {
      EXPECT_NE(std::string(e.what()).find("t.csv:2"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("cut short"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(parse_csv("a,b\n1,2\n", "t.csv").size(), 2u);
  EXPECT_TRUE(parse_csv("", "t.csv").empty());
}

TEST(Csv, NumbersAreFinite) {
  EXPECT_EQ(csv_number("1.5"), 1.5);
  EXPECT_FALSE(csv_number("nan"));
  EXPECT_FALSE(csv_number("inf"));
  EXPECT_FALSE(csv_number("-inf"));
  EXPECT_FALSE(csv_number("1e999"));
  EXPECT_FALSE(csv_number(""));
}

TEST(Csv, FieldQuotingAndParsing) {
  EXPECT_EQ(csv_field("plain"), "plain");
  EXPECT_EQ(csv_field("a,b"), "\"a,b\"");
  EXPECT_EQ(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
  const auto records = parse_csv("a,\"b,c\",\"d\"\"e\"\r\n,\"x\ny\",\n", "t.csv");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"a", "b,c", "d\"e"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"", "x\ny", ""}));
  EXPECT_EQ(records[1].line, 2u);
}

TEST(TimelineCsv, RoundTripsCommasQuotesAndNewlines) {
  TempDir tmp;
  const std::vector<analysis::TimelineEvent> events = {
      {0.0, "PROOF_START", "proof-0000", "partitions=10"},
      {12.345, "SYNTH_END", "proof-0000", "partition=3,synth_ms=12.345,yields=2"},
      {1500.5, "NOTE", "job \"quoted\"", "text with \"quotes\", commas,\nand a newline"},
      {99999.999, "GPU_END", "", ""},
  };
  const fs::path path = tmp.path() / "timeline.csv";
  write_timeline_csv(path, events);
  const std::string text = read_file(path);
  EXPECT_EQ(text.rfind("offset_ms,event,job_id,detail\n", 0), 0u);
  EXPECT_NE(text.find("12.345,SYNTH_END,proof-0000,\"partition=3,synth_ms=12.345,yields=2\"\n"), std::string::npos) << text;
  EXPECT_NE(text.find("0.000,PROOF_START"), std::string::npos) << text;

  const auto back = read_timeline_csv(path);
  ASSERT_EQ(back.size(), events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    EXPECT_DOUBLE_EQ(back[i].offset_ms, events[i].offset_ms);
    EXPECT_EQ(back[i].event, events[i].event);
    EXPECT_EQ(back[i].job_id, events[i].job_id);
    EXPECT_EQ(back[i].detail, events[i].detail);
  }
}

std::string timeline_read_error(const std::string& text) {
  TempDir tmp;
  const fs::path path = tmp.path() / "bad.csv";
  write_file(path, text);
  try {
    read_timeline_csv(path);
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(TimelineCsv, MalformedInputNamesFileAndLine) {
  const std::string header = "offset_ms,event,job_id,detail\n";
  std::string e = timeline_read_error("offset,event,job,detail\n1,A,b,c\n");
  EXPECT_NE(e.find("bad.csv:1"), std::string::npos) << e;
  EXPECT_NE(e.find("header"), std::string::npos) << e;
  e = timeline_read_error(header + "1.0,A,j,d\n2.0,B,j\n");
  EXPECT_NE(e.find("bad.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("4 fields"), std::string::npos) << e;
  e = timeline_read_error(header + "1.0,A,j,d\n2.0,B,j,\"x\ny\"\nabc,C,j,d\n");
  EXPECT_NE(e.find("bad.csv:5"), std::string::npos) << e;  // counts the line inside the quoted field
  EXPECT_NE(e.find("'abc'"), std::string::npos) << e;
  e = timeline_read_error(header + "1.0,A,j,\"unterminated\n");
  EXPECT_NE(e.find("bad.csv:2"), std::string::npos) << e;
  e = timeline_read_error(header + "1.0,A,j,\"d\"x\n");
  EXPECT_NE(e.find("bad.csv:2"), std::string::npos) << e;
  e = timeline_read_error(header + "1.0,A,j\"k,d\n");
  EXPECT_NE(e.find("bad.csv:2"), std::string::npos) << e;
  e = timeline_read_error("");
  EXPECT_NE(e.find("bad.csv:1"), std::string::npos) << e;
  // Offsets are ms since the run's start: negative or absurd ones are refused, not measured.
  for (const char* offset : {"-5", "1e30", "nan"}) {
    e = timeline_read_error(header + "1.0,A,j,d\n" + offset + ",B,j,d\n");
    EXPECT_NE(e.find("bad.csv:3"), std::string::npos) << offset << ": " << e;
  }
  // The last record cut mid-field (no line end) is not a whole record.
  e = timeline_read_error(header + "1.0,A,j,partition=0\n2.0,B,j,partit");
  EXPECT_NE(e.find("bad.csv:3"), std::string::npos) << e;
  EXPECT_NE(e.find("cut short"), std::string::npos) << e;
}

TEST(TimelineCsv, MissingFileIsSystemErrorNamingPath) {
  try {
    read_timeline_csv("/nonexistent-zkc/timeline.csv");
    FAIL();
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-zkc/timeline.csv"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
  EXPECT_THROW(write_timeline_csv("/nonexistent-zkc/timeline.csv", {}), std::system_error);
}

TEST(StagesCsv, HeaderAndRows) {
  TempDir tmp;
  const std::vector<StageSpan> spans = {
      {0, 3, "witness_gen", 10.0, 35.5, 1234, "synth-2", {12.0, std::nullopt}},
      {-1, -1, "odd,stage", 1.0, 2.0, 7, "gpu0.1", {}},  // not measured: empty cells
  };
  const fs::path path = tmp.path() / "stages.csv";
  const std::vector<std::string> names = {"page_faults", "l3_misses"};
  write_stages_csv(path, spans, names);
  const auto records = parse_csv(read_text_file(path), "stages.csv");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"proof", "partition", "stage", "start_ms", "end_ms", "dur_ms",
                                                         "tid", "worker", "page_faults", "l3_misses"}));
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"0", "3", "witness_gen", "10.000", "35.500", "25.500", "1234",
                                                         "synth-2", "12", ""}));
  EXPECT_EQ(records[2].fields[2], "odd,stage");
  EXPECT_EQ(records[2].fields.size(), 10u);
  EXPECT_EQ(records[2].fields[8], "");
}

// ---- summary ----

analysis::RunMetrics sample_metrics() {
  std::vector<analysis::TimelineEvent> ev = {
      {0, "PROOF_START", "p0", ""},
      {0, "SYNTH_START", "p0", "partition=0"},
      {30, "SYNTH_END", "p0", "partition=0,synth_ms=30,yields=2"},
      {40, "GPU_START", "p0", "worker=0,partition=0"},
      {90, "GPU_END", "p0", "worker=0,partition=0,gpu_ms=50"},
      {100, "PROOF_END", "p0", ""},
  };
  return analysis::compute_metrics(ev);
}

TEST(Summary, CsvHasEveryMetricRowThenExtras) {
  TempDir tmp;
  const auto m = sample_metrics();
  const std::vector<analysis::MetricRow> extra = {{"peak_rss_mib", 123.5, "MiB"}, {"custom_thing", 1.25, "widgets"}};
  const fs::path path = tmp.path() / "summary.csv";
  write_summary_csv(path, m, extra);
  const auto records = parse_csv(read_text_file(path), "summary.csv");
  const auto rows = analysis::metric_rows(m);
  ASSERT_EQ(records.size(), 1 + rows.size() + extra.size());
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"metric", "value", "unit"}));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    ASSERT_EQ(records[1 + i].fields.size(), 3u);
    EXPECT_EQ(records[1 + i].fields[0], rows[i].name);
    EXPECT_DOUBLE_EQ(std::stod(records[1 + i].fields[1]), rows[i].value) << rows[i].name;
    EXPECT_EQ(records[1 + i].fields[2], rows[i].unit);
  }
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"s_per_proof", "0.1", "s"}));
  EXPECT_EQ(records.back().fields, (std::vector<std::string>{"custom_thing", "1.25", "widgets"}));
  EXPECT_EQ(records[1 + rows.size()].fields, (std::vector<std::string>{"peak_rss_mib", "123.5", "MiB"}));
}

TEST(Summary, JsonHasEveryMetricInOrder) {
  TempDir tmp;
  const auto m = sample_metrics();
  const std::vector<analysis::MetricRow> extra = {{"peak_rss_mib", 10, "MiB"}, {"nan_value", std::nan(""), "x"}};
  const fs::path path = tmp.path() / "summary.json";
  write_summary_json(path, m, extra);
  const auto j = nlohmann::ordered_json::parse(read_file(path));
  ASSERT_TRUE(j.contains("metrics"));
  const auto rows = analysis::metric_rows(m);
  ASSERT_EQ(j["metrics"].size(), rows.size() + extra.size());
  auto it = j["metrics"].begin();
  for (const auto& r : rows) {
    EXPECT_EQ(it.key(), r.name);
    EXPECT_DOUBLE_EQ(it.value()["value"].get<double>(), r.value);
    EXPECT_EQ(it.value()["unit"], r.unit);
    ++it;
  }
  EXPECT_EQ(j["metrics"]["gpu_util"]["unit"], "fraction");
  EXPECT_DOUBLE_EQ(j["metrics"]["gpu_util"]["value"].get<double>(), 0.5);
  EXPECT_TRUE(j["metrics"]["nan_value"]["value"].is_null());
}

TEST(Summary, TableShowsMainFiguresAndDistributions) {
  const std::string t = format_summary_table(sample_metrics(), {{"peak_rss_mib", 2048, "MiB"}}, "run X");
  for (const char* s : {"run X", "s/proof", "0.100", "avg prove", "avg GPU/partition", "GPU util", "50.0",
                        "idle gaps", "synthesis", "GPU queue wait", "b_g2_msm", "dealloc", "p50", "p95",
                        "max concurrent dealloc", "throttle yields", "peak_rss_mib", "2048", "MiB"})
    EXPECT_NE(t.find(s), std::string::npos) << s << "\n" << t;
  EXPECT_EQ(t.back(), '\n');
}

// ---- /proc readers on fixtures ----

TEST(ProcReaders, ThpModeIsTheBracketedWord) {
  TempDir tmp;
  write_file(tmp.path() / "kernel/mm/transparent_hugepage/enabled", "always [madvise] never\n");
  EXPECT_EQ(read_thp_mode(tmp.path()), "madvise");
  write_file(tmp.path() / "kernel/mm/transparent_hugepage/enabled", "always madvise never\n");
  std::string why;
  EXPECT_EQ(read_thp_mode(tmp.path(), &why), std::nullopt);
  EXPECT_NE(why.find("enabled"), std::string::npos) << why;
}

TEST(ProcReaders, ThpDefragIsTheBracketedWordOfItsOwnFile) {
  TempDir tmp;
  write_file(tmp.path() / "kernel/mm/transparent_hugepage/enabled", "[always] madvise never\n");
  write_file(tmp.path() / "kernel/mm/transparent_hugepage/defrag", "always defer defer+madvise [madvise] never\n");
  EXPECT_EQ(read_thp_defrag(tmp.path()), "madvise");
  EXPECT_EQ(read_thp_mode(tmp.path()), "always");
}

TEST(ProcReaders, SmapsRollupRssHugePagesAndLazyFree) {
  TempDir tmp;
  const std::string head = "55d0c0000000-7ffd7a7fe000 ---p 00000000 00:00 0                          [rollup]\n";
  write_file(tmp.path() / "self/smaps_rollup", head +
                                                   "Rss:              102400 kB\nPss:               90000 kB\n"
                                                   "AnonHugePages:     43008 kB\nLazyFree:           2048 kB\n");
  const auto r = read_smaps_rollup(tmp.path());
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->rss, 102400u * 1024u);
  EXPECT_EQ(r->anon_huge_pages, 43008u * 1024u);
  EXPECT_EQ(r->lazy_free, 2048u * 1024u);
  // A kernel without the LazyFree line (before 4.12) is a missing field, named.
  write_file(tmp.path() / "self/smaps_rollup", head + "Rss: 1 kB\nAnonHugePages: 0 kB\n");
  std::string why;
  EXPECT_EQ(read_smaps_rollup(tmp.path(), &why), std::nullopt);
  EXPECT_NE(why.find("no LazyFree"), std::string::npos) << why;
  // And the real one: this process is resident.
  EXPECT_GT(read_smaps_rollup().value_or(SmapsRollup{}).rss, 0u);
}

TEST(ProcReaders, PerfEventParanoid) {
  TempDir tmp;
  write_file(tmp.path() / "sys/kernel/perf_event_paranoid", "2\n");
  EXPECT_EQ(read_perf_event_paranoid(tmp.path()), 2);
  write_file(tmp.path() / "sys/kernel/perf_event_paranoid", "-1\n");
  EXPECT_EQ(read_perf_event_paranoid(tmp.path()), -1);
  write_file(tmp.path() / "sys/kernel/perf_event_paranoid", "x\n");
  EXPECT_EQ(read_perf_event_paranoid(tmp.path()), std::nullopt);
}

TEST(ProcReaders, CpuFlagWholeWord) {
  TempDir tmp;
  const std::string model = "processor\t: 0\nmodel name\t: Test CPU\n";
  write_file(tmp.path() / "cpuinfo", model + "flags\t\t: fpu vme invlpgb sse2\n\nprocessor\t: 1\nflags\t\t: fpu\n");
  EXPECT_EQ(cpu_has_flag("invlpgb", tmp.path()), true);
  EXPECT_EQ(cpu_has_flag("sse2", tmp.path()), true);
  EXPECT_EQ(cpu_has_flag("invlpg", tmp.path()), false);  // a prefix is not the flag
  write_file(tmp.path() / "cpuinfo", model + "flags\t\t: fpu vme sse2\n");
  EXPECT_EQ(cpu_has_flag("invlpgb", tmp.path()), false);
  write_file(tmp.path() / "cpuinfo", model);
  EXPECT_EQ(cpu_has_flag("invlpgb", tmp.path()), std::nullopt);
}

TEST(ProcReaders, MemAvailableAndPeakRss) {
  TempDir tmp;
  write_file(tmp.path() / "meminfo", "MemTotal:       131072000 kB\nMemFree:  1 kB\nMemAvailable:   65536 kB\n");
  EXPECT_EQ(read_mem_available_bytes(tmp.path()), 65536u * 1024u);
  EXPECT_EQ(read_mem_total_bytes(tmp.path()), 131072000ull * 1024u);
  write_file(tmp.path() / "self/status", "Name:\tx\nVmPeak:\t  999 kB\nVmHWM:\t    2048 kB\nVmRSS:\t 1 kB\n");
  EXPECT_EQ(read_peak_rss_bytes(tmp.path()), 2048u * 1024u);
  // And the real one: this process has a peak RSS.
  EXPECT_GT(read_peak_rss_bytes().value_or(0), 0u);
}

TEST(ProcReaders, UnreadableFileGivesPathAndErrnoText) {
  TempDir tmp;
  std::string why;
  EXPECT_EQ(read_mem_available_bytes(tmp.path(), &why), std::nullopt);
  EXPECT_NE(why.find((tmp.path() / "meminfo").string()), std::string::npos) << why;
  EXPECT_NE(why.find("No such file or directory"), std::string::npos) << why;
  write_file(tmp.path() / "meminfo", "MemTotal: 1 kB\n");
  EXPECT_EQ(read_mem_available_bytes(tmp.path(), &why), std::nullopt);
  EXPECT_NE(why.find("MemAvailable"), std::string::npos) << why;
}

// ---- meta.json ----

TEST(Meta, HasItsKeysOnThisMachine) {
  const nlohmann::json meta = collect_meta(ZKC_SOURCE_DIR);
  for (const char* key : {"tool", "version", "build_type", "collected_at", "git", "host", "notes"})
    EXPECT_TRUE(meta.contains(key)) << key << "\n" << meta.dump(2);
  EXPECT_EQ(meta["version"], ZKC_VERSION);
  EXPECT_TRUE(meta["git"].contains("revision"));
  EXPECT_TRUE(meta["git"].contains("dirty"));
  const auto& host = meta["host"];
  for (const char* key : {"hostname", "cpu_model", "online_cpus", "memory_total_bytes", "mem_available_bytes",
                          "kernel_release", "thp_mode", "perf_event_paranoid", "invlpgb", "l3_domains"})
    EXPECT_TRUE(host.contains(key)) << key << "\n" << meta.dump(2);
  EXPECT_GT(host["online_cpus"].get<unsigned>(), 0u);
  EXPECT_TRUE(host["mem_available_bytes"].is_number()) << meta.dump(2);
  if (host["l3_domains"].is_array()) {
    for (const auto& d : host["l3_domains"]) {
      EXPECT_TRUE(d.contains("size_bytes"));
      EXPECT_TRUE(d.contains("cpuset"));
    }
  }
  EXPECT_TRUE(meta["notes"].is_array());
}

TEST(Meta, GitFailureIsUnknownWithNote) {
  TempDir tmp;  // not a git repository
  nlohmann::json notes = nlohmann::json::array();
  const auto git = git_revision(tmp.path(), notes);
  EXPECT_EQ(git["revision"], "unknown");
  EXPECT_TRUE(git["dirty"].is_null());
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_NE(notes[0].get<std::string>().find(tmp.path().string()), std::string::npos) << notes.dump();
}

}  // namespace
}  // namespace zkc::harness

// ---- resolved config ----
namespace zkc::config {
namespace {

ConfigSchema writer_schema() {
  ConfigSchema s;
  s.add({.key = "seed", .type = ValueType::kInt, .default_value = std::int64_t{7}});
  s.add({.key = "batch.count", .type = ValueType::kInt, .default_value = std::int64_t{1}, .min = 1});
  s.add({.key = "batch.enabled", .type = ValueType::kBool, .default_value = true});
  s.add({.key = "workload.scale", .type = ValueType::kFloat, .default_value = 0.01});
  s.add({.key = "workload.ratio", .type = ValueType::kFloat, .default_value = 2.0});
  s.add({.key = "workload.tiny", .type = ValueType::kFloat, .default_value = 1e-300});
  s.add({.key = "workload.big", .type = ValueType::kFloat, .default_value = 1e22});
  s.add({.key = "workload.full.constraints", .type = ValueType::kInt, .default_value = std::int64_t{130278869}});
  s.add({.key = "memory.release", .type = ValueType::kEnum, .default_value = std::string("munmap"),
         .choices = {"munmap", "reuse"}});
  s.add({.key = "run.label", .type = ValueType::kString, .default_value = std::string("plain")});
  return s;
}

TEST(ConfigWriter, ValuesAreTomlLiterals) {
  EXPECT_EQ(toml_value(Value{2.0}), "2.0");
  EXPECT_EQ(toml_value(Value{0.1}), "0.1");
  EXPECT_EQ(toml_value(Value{1e22}), "1e+22");
  EXPECT_EQ(toml_value(Value{std::int64_t{-3}}), "-3");
  EXPECT_EQ(toml_value(Value{true}), "true");
  EXPECT_EQ(toml_string("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
  EXPECT_EQ(toml_key("plain_key-1"), "plain_key-1");
  EXPECT_EQ(toml_key("has space"), "\"has space\"");
}

TEST(ConfigWriter, RoundTripsEveryValueWithOrigins) {
  const ConfigSchema schema = writer_schema();
  const Config original = load_config(
      schema, {{"profile.toml", "[batch]\ncount = 20\n[workload]\nscale = 0.3\nfull.constraints = 12345\n"}},
      {"run.label=tab\there \"quoted\" \\ ünï", "batch.enabled=false", "workload.ratio=3"});
  const std::string text = resolved_config_toml(original);
  EXPECT_NE(text.find("[batch]\n"), std::string::npos) << text;
  EXPECT_NE(text.find("count = 20  # profile.toml:2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("full.constraints = 12345  # profile.toml:5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ratio = 3.0  # --set\n"), std::string::npos) << text;
  EXPECT_NE(text.find("tiny = 1e-300\n"), std::string::npos) << text;  // default: no comment
  EXPECT_LT(text.find("seed = 7"), text.find("[batch]")) << text;     // root keys before any table

  const Config back = load_config(schema, {{"resolved.toml", text}}, {});
  ASSERT_EQ(back.settings().size(), original.settings().size());
  for (const auto& [key, setting] : original.settings()) {
    EXPECT_EQ(back.at(key).value, setting.value) << key << "\n" << text;
    EXPECT_EQ(back.at(key).value.index(), setting.value.index()) << key;
  }
}

}  // namespace
}  // namespace zkc::config

namespace zkc::harness {
namespace {

TEST(StageCounters, TotalsPerStageAndCounterSkipUnmeasured) {
  const std::vector<StageSpan> spans = {
      {0, 0, "spmv", 0, 1, 1, "synth-pool", {10.0, std::nullopt}},
      {0, 1, "dealloc_cpp", 1, 2, 2, "dealloc-cpp", {1.0, 4.0}},
      {0, 1, "spmv", 2, 3, 1, "synth-pool", {5.0, std::nullopt}},
      {0, 1, "synthesis", 0, 3, 1, "synth-0", {}},
  };
  const std::vector<std::string> names = {"page_faults", "tlb_flush_remote_send_ipi"};
  const auto t = stage_counter_totals(spans, names);
  ASSERT_EQ(t.size(), 3u);  // spmv page_faults; dealloc_cpp both; nothing for "synthesis"
  EXPECT_EQ(t[0].stage, "spmv");
  EXPECT_EQ(t[0].counter, "page_faults");
  EXPECT_EQ(t[0].rows, 2u);
  EXPECT_DOUBLE_EQ(t[0].total, 15);
  EXPECT_EQ(t[2].stage, "dealloc_cpp");
  EXPECT_EQ(t[2].counter, "tlb_flush_remote_send_ipi");
  EXPECT_DOUBLE_EQ(t[2].total, 4);
  TempDir tmp;
  write_stage_counters_csv(tmp.path() / "s.csv", t);
  EXPECT_EQ(read_text_file(tmp.path() / "s.csv"),
            "stage,counter,rows,total,mean_per_row\nspmv,page_faults,2,15,7.500\n"
            "dealloc_cpp,page_faults,1,1,1.000\ndealloc_cpp,tlb_flush_remote_send_ipi,1,4,4.000\n");
}

TEST(Summary, UnmeasuredValueIsAnEmptyCsvCellAndNaInTheTable) {
  TempDir tmp;
  const std::vector<analysis::MetricRow> extra = {{"l3_misses_per_b_g2", std::nan(""), "misses"}};
  const fs::path path = tmp.path() / "summary.csv";
  write_summary_csv(path, analysis::RunMetrics{}, extra);
  EXPECT_NE(read_text_file(path).find("\nl3_misses_per_b_g2,,misses\n"), std::string::npos);
  EXPECT_NE(format_summary_table(analysis::RunMetrics{}, extra).find("n/a"), std::string::npos);
}

}  // namespace
}  // namespace zkc::harness
