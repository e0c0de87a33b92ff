// Reports from a small synthetic run (2 proofs x 2 partitions with stages on every kind of lane,
// lock_held, dealloc, counter samples) and sweep measurements (3 points x 2 arms x 3 repeats):
// report.html is well-formed XML with one waterfall per run and no external URLs, the tables carry the
// expected numbers, report.md has the Expected Results table, trace.json has every span and track.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/metric_catalog.hpp"
#include "analysis/metrics/run_metrics.hpp"
#include "analysis/report/charts_svg.hpp"
#include "analysis/report/counters_table.hpp"
#include "analysis/report/event_spans.hpp"
#include "analysis/report/expected_results.hpp"
#include "analysis/report/format.hpp"
#include "analysis/report/gpu_timeline_svg.hpp"
#include "analysis/report/lanes.hpp"
#include "analysis/report/report_html.hpp"
#include "analysis/report/report_md.hpp"
#include "analysis/report/stage_inflation.hpp"
#include "analysis/report/svg.hpp"
#include "analysis/report/sweep_points.hpp"
#include "analysis/report/table.hpp"
#include "analysis/report/time_axis.hpp"
#include "analysis/report/trace_json.hpp"
#include "analysis/report/verdict.hpp"
#include "analysis/report/waterfall_svg.hpp"

namespace zkc::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// ---- a minimal XML well-formedness checker -------------------------------------------------------
// Enough of XML 1.0 for generated markup: prolog (<?..?>, <!DOCTYPE ..>, comments), one root element,
// start/end/empty tags that nest, attributes quoted and unique, entity references valid, no '<' or
// bare '&' in text or attribute values. Returns "" when well-formed, else what is wrong and where.
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

std::string xml_error(std::string_view doc) { return XmlChecker(doc).check(); }

std::size_t count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

// ---- synthetic data -----------------------------------------------------------------------------

StageRow stage(int proof, int partition, std::string name, double start, double end, std::string worker) {
  StageRow r;
  r.proof = proof;
  r.partition = partition;
  r.stage = std::move(name);
  r.start_ms = start;
  r.end_ms = end;
  r.worker = std::move(worker);
  return r;
}

std::string job(int proof) { return "proof-000" + std::to_string(proof); }

// 2 proofs x 2 partitions; partition q of every proof runs on synth-q and gpu0.q. Partitions start on
// the GPU 150 ms apart while prep (200 ms) and dealloc_cpp (165 ms) last longer: those lanes need two
// rows. 16 stage rows per partition, 64 in all; lanes: synth-0, synth-1, synth-pool, gpu0.0, gpu0.1,
// prep (2 rows), groth16, finalizer, dealloc-cpp (2 rows), dealloc-rust: 12 tracks.
RunData synthetic_run(const std::string& id, const std::string& label) {
  RunData run;
  run.id = id;
  run.label = label;
  for (int p = 0; p < 2; ++p) run.events.push_back({0, "PROOF_START", job(p), "partitions=2"});
  for (int p = 0; p < 2; ++p)
    for (int q = 0; q < 2; ++q) {
      const int idx = p * 2 + q;
      const double s = idx * 100.0, g = 400.0 + idx * 150.0;
      const std::string synth = "synth-" + std::to_string(q), gpu = "gpu0." + std::to_string(q);
      const std::string part = "partition=" + std::to_string(q), who = "worker=0." + std::to_string(q) + "," + part;
      run.stages.push_back(stage(p, q, "witness_gen", s, s + 60, synth));
      run.stages.push_back(stage(p, q, "spmv", s + 60, s + 90, "synth-pool"));
      run.stages.push_back(stage(p, q, "density", s + 90, s + 100, synth));
      run.stages.push_back(stage(p, q, "register", g, g + 10, gpu));
      run.stages.push_back(stage(p, q, "lock_wait", g + 10, g + 20, gpu));
      run.stages.push_back(stage(p, q, "lock_held", g + 20, g + 120, gpu));
      run.stages.push_back(stage(p, q, "upload", g + 20, g + 40, gpu));
      run.stages.push_back(stage(p, q, "ntt_msm_h", g + 40, g + 80, gpu));
      run.stages.push_back(stage(p, q, "batch_add", g + 80, g + 110, gpu));
      run.stages.push_back(stage(p, q, "tail_msm", g + 110, g + 120, gpu));
      run.stages.push_back(stage(p, q, "free_abc", g + 120, g + 125, gpu));
      run.stages.push_back(stage(p, q, "prep_msm", g, g + 200, "prep"));
      run.stages.push_back(stage(p, q, "b_g2_msm", g + 200, g + 230, "groth16"));
      run.stages.push_back(stage(p, q, "b_g2_join", g + 230, g + 235, "finalizer"));
      StageRow cpp = stage(p, q, "dealloc_cpp", g + 235, g + 400, "dealloc-cpp");
      cpp.counters = {{"tlb_ipis_machine", 12}, {"dtlb_misses", kNaN}};
      run.stages.push_back(cpp);
      run.stages.push_back(stage(p, q, "dealloc_rust", g + 235, g + 260, "dealloc-rust"));

      run.events.push_back({s, "SYNTH_START", job(p), part});
      run.events.push_back({s + 100, "SYNTH_END", job(p), part + ",synth_ms=100"});
      run.events.push_back({g, "GPU_START", job(p), who});
      run.events.push_back({g + 20, "LOCK_ACQUIRED", job(p), who + ",device=0,wait_ms=10"});
      run.events.push_back({g + 120, "LOCK_RELEASED", job(p), who + ",device=0,held_ms=100"});
      run.events.push_back({g + 235, "GPU_END", job(p), who + ",gpu_ms=235"});
      run.events.push_back({g + 235, "DEALLOC_START", job(p), "side=cpp," + part});
      run.events.push_back({g + 400, "DEALLOC_END", job(p), "side=cpp," + part + ",dealloc_ms=165"});
    }
  for (int p = 0; p < 2; ++p) run.events.push_back({1250, "PROOF_END", job(p), "proof_ms=1250"});
  for (int i = 0; i < 5; ++i) run.counters.push_back({i * 300.0, 1000.0 + i * i * 10.0, 50.0 * i, 512.0 + i});
  run.metrics = compute_metrics(run.events);
  run.extra = {{"tlb_shootdowns", 160, "count"}, {"l3_misses_per_b_g2", kNaN, "count"}};
  run.notes = {"tier 2 (hardware events) unavailable: perf_event_paranoid = 3"};
  return run;
}

constexpr int kTracks = 12;
constexpr std::size_t kSpans = 64;

const std::vector<std::string> kPoints = {"c=1 j=1", "c=5 j=5", "c=10 j=10"};
const std::vector<std::string> kArms = {"baseline", "I1+I2+I3"};

// 3 points x 2 arms x 3 repeats. The intervention arm is 8% faster everywhere but in isolation, where
// it is 2% faster; stages inflate with concurrency; L3 misses were not measured (NaN).
std::vector<Measurement> sweep_measurements() {
  std::vector<Measurement> out;
  const double sproof[] = {32.1, 41.4, 38.7};
  const double gain[] = {0.98, 0.92, 0.92};
  const double inflation[] = {1.0, 1.1, 1.22};
  for (std::size_t p = 0; p < kPoints.size(); ++p)
    for (std::size_t a = 0; a < kArms.size(); ++a)
      for (int r = 0; r < 3; ++r) {
        const double jitter = 1.0 + 0.002 * (r - 1);
        const auto add = [&](const std::string& metric, double v) {
          out.push_back({kPoints[p], kArms[a], r, metric, v, ""});
        };
        add("s_per_proof", sproof[p] * (a == 1 ? gain[p] : 1.0) * jitter);
        add("synthesis_ms_p50", 35000 * inflation[p] * jitter);
        add("prep_msm_ms_p50", 1700 * inflation[p] * jitter);
        add("b_g2_msm_ms_p50", 450 * inflation[p] * jitter);
        add("avg_gpu_per_partition_s", 4.9 * inflation[p] * jitter);
        add("tlb_shootdowns_per_s_in_dealloc", (a == 1 ? 2000.0 : 9000.0) * jitter);
        add("tlb_shootdowns_per_s_outside_dealloc", 300 * jitter);
        add("l3_misses_per_b_g2", kNaN);
        add("minor_faults", 123456 * jitter);
        add("gpu_util", 0.85);  // not shown: filtered before the statistics
      }
  return out;
}

ReportInput sweep_input() {
  ReportInput in;
  in.title = "sweep c/j";
  in.runs = {synthetic_run("run-a", "baseline c=10 j=10"), synthetic_run("run-b", "I1+I2+I3 c=10 j=10")};
  in.measurements = sweep_measurements();
  in.notes = {"synthetic data"};
  in.after_arm = "I1+I2+I3";
  return in;
}

ArmSummary summary(std::string point, std::string arm, std::string metric, double median, double lo, double hi) {
  ArmSummary s;
  s.point = std::move(point);
  s.arm = std::move(arm);
  s.metric = std::move(metric);
  s.n = 3;
  s.median = median;
  s.ci = {lo, hi};
  s.mean = median;
  return s;
}

// ---- tests --------------------------------------------------------------------------------------

TEST(XmlChecker, AcceptsWellFormedAndRejectsBroken) {
  EXPECT_EQ(xml_error("<!DOCTYPE html>\n<a x=\"1\" y='2'><b/><!-- c --><c>t &amp; &#39; &#x3c;</c></a>\n"), "");
  EXPECT_NE(xml_error("<a><b></a></b>"), "");
  EXPECT_NE(xml_error("<a x=1></a>"), "");
  EXPECT_NE(xml_error("<a>1 & 2</a>"), "");
  EXPECT_NE(xml_error("<a x=\"<\"></a>"), "");
  EXPECT_NE(xml_error("<a></a><b></b>"), "");
  EXPECT_NE(xml_error("<a x=\"1\" x=\"2\"></a>"), "");
  EXPECT_NE(xml_error("<a>"), "");
}

TEST(Svg, EscapesTextAndAttributes) {
  EXPECT_EQ(svg::escape("a<&>\"'b"), "a&lt;&amp;&gt;&quot;&#39;b");
  EXPECT_EQ(svg::escape(std::string("x\x01y\tz", 5)), "xy\tz");  // control characters are not XML
  EXPECT_EQ(svg::num(12.5), "12.5");
  EXPECT_EQ(svg::num(3.0), "3");
  EXPECT_EQ(svg::num(kNaN), "0");
  const std::string r = svg::rect(1, 2, 3, 4, {{"fill", "#fff"}}, "a<b");
  EXPECT_EQ(r, "<rect x=\"1\" y=\"2\" width=\"3\" height=\"4\" fill=\"#fff\"><title>a&lt;b</title></rect>");
  EXPECT_EQ(xml_error(svg::document(10, 10, "c", "t<", r)), "");
}

TEST(Format, DurationsPercentsCounts) {
  EXPECT_EQ(duration_text(0.42), "0.42 ms");
  EXPECT_EQ(duration_text(850), "850 ms");
  EXPECT_EQ(duration_text(4900), "4.90 s");
  EXPECT_EQ(duration_text(38000), "38.0 s");
  EXPECT_EQ(duration_text(kNaN), "n/a");
  EXPECT_EQ(percent_text(22.44), "+22.4%");
  EXPECT_EQ(count_text(1234567), "1.23M");
  EXPECT_EQ(count_text(512), "512");
  EXPECT_EQ(count_text(kNaN), "n/a");
}

TEST(TimeAxis, NiceStepsInMsOrSeconds) {
  EXPECT_EQ(nice_step(1250, 12), 200);
  EXPECT_EQ(nice_step(38000, 12), 5000);
  EXPECT_EQ(ticks(0, 1000, 5), (std::vector<double>{0, 200, 400, 600, 800, 1000}));
  const std::string s = time_axis_svg(standard_frame(0, 38000), 0, 100);
  EXPECT_NE(s.find(">35 s<"), std::string::npos);
  EXPECT_NE(time_axis_svg(standard_frame(0, 40), 0, 100).find(">35 ms<"), std::string::npos);
  EXPECT_EQ(xml_error(s), "");
}

TEST(SweepPoints, ParsesKeysAndIsolation) {
  EXPECT_EQ(point_value("c=20 j=15", "j"), 15.0);
  EXPECT_EQ(point_value("c=20,j=15", "c"), 20.0);
  EXPECT_FALSE(point_value("c=20 jj=15", "j"));
  EXPECT_FALSE(point_value("", "j"));
  EXPECT_TRUE(is_isolation_point("c=1 j=1"));
  EXPECT_FALSE(is_isolation_point("c=1 j=2"));
  EXPECT_EQ(point_title("c=1 j=1"), "c=1 j=1 (isolation)");
}

TEST(Lanes, PipelineOrderAndRowsForOverlaps) {
  const RunData run = synthetic_run("r", "");
  const std::vector<Lane> lanes = build_lanes(run.stages);
  std::vector<std::string> names;
  int rows = 0;
  for (const auto& l : lanes) {
    names.push_back(l.name);
    rows += static_cast<int>(l.rows);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"synth-0", "synth-1", "synth-pool", "gpu0.0", "gpu0.1", "prep", "groth16",
                                             "finalizer", "dealloc-cpp", "dealloc-rust"}));
  EXPECT_EQ(rows, kTracks);
  // Nested device stages share lock_held's row; natural order puts synth-2 before synth-10.
  for (const auto& l : lanes)
    if (l.name.starts_with("gpu")) {
      EXPECT_EQ(l.rows, 1u) << l.name;
    }
  EXPECT_TRUE(lane_less("synth-2", "synth-10"));
  EXPECT_TRUE(lane_less("synth-pool", "gpu0.0"));
  EXPECT_TRUE(lane_less("finalizer", "dealloc-cpp"));
}

TEST(Waterfall, LanesStagesLockHeldAndTooltips) {
  const std::string s = waterfall_svg(synthetic_run("run<1>", "baseline"));
  EXPECT_EQ(xml_error(s), "") << s.substr(0, 400);
  EXPECT_EQ(count(s, "class=\"waterfall\""), 1u);
  EXPECT_NE(s.find("Waterfall: run&lt;1&gt; (baseline)"), std::string::npos);
  EXPECT_EQ(count(s, "class=\"lock-held\""), 4u + 1u);  // 4 spans and the legend swatch
  EXPECT_NE(s.find("<title>spmv, proof 1, partition 0: 30.0 ms"), std::string::npos);
  EXPECT_NE(s.find("tlb_ipis_machine=12"), std::string::npos);  // measured counters in the tooltip
  EXPECT_EQ(s.find("dtlb_misses="), std::string::npos);         // NaN ones are left out
  // Lane labels in pipeline order.
  std::size_t last = 0;
  for (const char* lane : {">synth-0<", ">synth-pool<", ">gpu0.0<", ">gpu0.1<", ">prep<", ">groth16<", ">finalizer<",
                           ">dealloc-cpp<", ">dealloc-rust<"}) {
    const std::size_t at = s.find(lane);
    ASSERT_NE(at, std::string::npos) << lane;
    EXPECT_GT(at, last) << lane;
    last = at;
  }
  EXPECT_NE(s.find(">200 ms<"), std::string::npos);  // a 1.25 s batch: ticks every 200 ms
}

TEST(Waterfall, LogsWithoutStagesUseTimelineLanes) {
  RunData log = synthetic_run("prover.log", "");
  log.stages.clear();
  const std::vector<StageRow> rows = stage_rows_from_events(log.events);
  std::set<std::string> lanes;
  for (const auto& r : rows) lanes.insert(r.worker);
  EXPECT_EQ(lanes, (std::set<std::string>{"synth", "gpu0.0", "gpu0.1", "dealloc-cpp"}));
  EXPECT_EQ(rows.size(), 4u * 4u);  // synthesis, gpu, lock_held, dealloc_cpp per partition
  const std::string s = waterfall_svg(log);
  EXPECT_EQ(xml_error(s), "");
  EXPECT_NE(s.find(">synth<"), std::string::npos);
  EXPECT_EQ(count(s, "class=\"lock-held\""), 4u + 1u);
}

TEST(GpuTimeline, MarksIdleGapsAndTheLongest) {
  RunData run;
  run.id = "gaps";
  // Busy [0,10], [10.5,20] (0.5 ms hole: not a gap), [25,30] (5 ms), [50,60] (20 ms: the longest).
  const double spans[][2] = {{0, 10}, {10.5, 20}, {25, 30}, {50, 60}};
  for (int i = 0; i < 4; ++i) {
    const std::string d = "worker=0,partition=" + std::to_string(i);
    run.events.push_back({spans[i][0], "GPU_START", "proof-0", d});
    run.events.push_back({spans[i][1], "GPU_END", "proof-0", d + ",gpu_ms=1"});
  }
  run.metrics = compute_metrics(run.events);
  EXPECT_EQ(gpu_busy_spans(run.events).size(), 4u);
  const std::string s = gpu_timeline_svg(run);
  EXPECT_EQ(xml_error(s), "");
  EXPECT_EQ(count(s, "class=\"idle-gap\""), 2u);
  EXPECT_EQ(count(s, "class=\"busy\""), 4u);
  EXPECT_NE(s.find("longest idle 20.0 ms"), std::string::npos);
  EXPECT_NE(s.find("2 idle gaps"), std::string::npos);
}

TEST(Charts, SproofPerArmWithWhiskers) {
  std::vector<ArmSummary> sums;
  for (const auto& p : kPoints)
    for (const auto& a : kArms) sums.push_back(summary(p, a, "s_per_proof", 38, 37, 39));
  sums.push_back(summary("c=5 j=5", "baseline", "gpu_util", 0.8, 0.7, 0.9));  // other metrics are ignored
  const std::string s = sproof_vs_concurrency_svg(sums, "j");
  EXPECT_EQ(xml_error(s), "");
  EXPECT_EQ(count(s, "<circle"), 6u);
  EXPECT_EQ(count(s, "<path"), 2u);  // one line per arm
  EXPECT_NE(s.find("concurrency (j)"), std::string::npos);
  EXPECT_NE(s.find(">I1+I2+I3<"), std::string::npos);  // legend
  // Two points sharing j=15 fall back to positions in order.
  const std::vector<ArmSummary> dup = {summary("c=15 j=15", "baseline", "s_per_proof", 38, 37, 39),
                                       summary("c=20 j=15", "baseline", "s_per_proof", 38, 37, 39)};
  EXPECT_NE(sproof_vs_concurrency_svg(dup).find("sweep point"), std::string::npos);
  EXPECT_EQ(xml_error(sproof_vs_concurrency_svg({})), "");
}

TEST(Tables, StageInflationAgainstIsolation) {
  const std::vector<ArmSummary> sums = {
      summary("c=10 j=10", "baseline", "avg_gpu_per_partition_s", 6.0, 5.9, 6.1),
      summary("c=1 j=1", "baseline", "avg_gpu_per_partition_s", 4.9, 4.8, 5.0),
      summary("c=1 j=1", "baseline", "synthesis_ms_p50", 35000, 34000, 36000),
  };
  const Table t = stage_inflation_table(sums, "baseline");
  ASSERT_EQ(t.header, (std::vector<std::string>{"stage", "c=1 j=1 (isolation)", "c=10 j=10"}));
  ASSERT_EQ(t.rows.size(), 4u);  // metric_catalog's kGroupStage, in catalog order
  EXPECT_EQ(t.rows[0][0], "GPU per partition (mean)");
  EXPECT_EQ(t.rows[0][1], "4.90 s");
  EXPECT_EQ(t.rows[0][2], "4.90 s -> 6.00 s (+22.4%)");
  EXPECT_EQ(t.rows[1][0], "synthesis (p50)");
  EXPECT_EQ(t.rows[1][2], "n/a");
  EXPECT_EQ(xml_error("<div>" + html_table(t, "x") + "</div>"), "");
}

TEST(Tables, ExpectedResultsImprovementWithThePrimaryAnswer) {
  const std::vector<ArmSummary> sums = {summary("c=20 j=15", "baseline", "s_per_proof", 38.0, 37.5, 38.5),
                                        summary("c=20 j=15", "I1", "s_per_proof", 36.0, 35.5, 36.5),
                                        summary("c=20 j=15", "I1+I2+I3", "s_per_proof", 34.0, 33.5, 34.5)};
  PrimaryDecision d;
  d.point = "c=20 j=15";
  d.arm = "I1+I2+I3";
  d.decision.answer = Answer::kFaster;
  d.decision.change_pct = -10.5;
  d.decision.ci_pct = {-12.0, -9.0};
  const Table t = expected_results_table(sums, std::vector<PrimaryDecision>{d}, "baseline", "I1+I2+I3");
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(t.rows[0], (std::vector<std::string>{"c=20 j=15", "38.00 s [37.50, 38.50]", "34.00 s [33.50, 34.50]",
                                                 "10.5% [9.0, 12.0] faster"}));
  // Undecided with an unbounded interval: said in words, the open end as "..".
  d.decision.answer = Answer::kUndecided;
  d.decision.ci_pct = {-100.0, std::numeric_limits<double>::infinity()};
  const Table open = expected_results_table(sums, std::vector<PrimaryDecision>{d}, "baseline", "I1+I2+I3");
  EXPECT_EQ(open.rows[0][3], "10.5% [.., ..] undecided");
  // The other arm when asked for it (--after I1): no decision recorded for it reads n/a.
  const Table other = expected_results_table(sums, std::vector<PrimaryDecision>{d}, "baseline", "I1");
  EXPECT_EQ(other.rows[0][2], "36.00 s [35.50, 36.50]");
  EXPECT_EQ(other.rows[0][3], "n/a");
  const Table seed = seed_expected_table();
  ASSERT_EQ(seed.rows.size(), 5u);
  EXPECT_EQ(seed.rows[4], (std::vector<std::string>{"c=20 j=15", "38.0 s", "~34.0 s", "~11%"}));
}

TEST(Tables, CountersNotMeasuredReadNaWithNotes) {
  const std::vector<RunData> runs = {synthetic_run("a", ""), synthetic_run("b", "")};
  const Table from_runs = counters_table({}, runs);
  ASSERT_EQ(from_runs.rows.size(), 2u);
  const auto column = [&](std::string_view title) {
    return static_cast<std::size_t>(std::find(from_runs.header.begin(), from_runs.header.end(), title) -
                                    from_runs.header.begin());
  };
  ASSERT_LT(column("shootdowns (total)"), from_runs.header.size());
  EXPECT_EQ(from_runs.rows[0][column("shootdowns (total)")], "160");
  EXPECT_EQ(from_runs.rows[0][column("L3 misses / b_g2")], "n/a");  // NaN
  // The memory strategy's counts are columns too (they reach the reports; not measured here).
  ASSERT_LT(column("buffer releases"), from_runs.header.size());
  ASSERT_LT(column("arena slot waits"), from_runs.header.size());
  ASSERT_LT(column("AnonHugePages peak (MiB)"), from_runs.header.size());
  EXPECT_EQ(from_runs.rows[0][column("arena slot waits")], "n/a");
  ASSERT_EQ(from_runs.footnotes.size(), 2u);   // the legend and the runs' one shared note, once
  EXPECT_EQ(from_runs.footnotes[1], "Note: tier 2 (hardware events) unavailable: perf_event_paranoid = 3");
}

TEST(Markdown, TablesEscapePipes) {
  Table t;
  t.header = {"a|b", "c"};
  t.rows = {{"x", "y\nz"}};
  EXPECT_EQ(markdown_table(t), "| a\\|b | c |\n| --- | --- |\n| x | y z |\n");
}

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
  for (const char* h : {"## 1. Verdict", "## 3. Waterfalls", "## 4. GPU busy/idle", "## 5. s/proof vs concurrency",
                        "## 6. Stage inflation", "## 7. Why stages inflate", "## 8. Counters per arm"})
    EXPECT_NE(md.find(h), std::string::npos) << h;
}

// An A/B as `ab` records it: 3 arms x 3 repeats, each value naming its run folder; arena recycles
// buffers (few releases), I1+I2+I3 is 10% faster. Runs: one RunData per (arm, repeat).
ReportInput ab_input() {
  ReportInput in;
  in.title = "A/B";
  in.after_arm = "I1+I2+I3";
  in.after_how = "its overrides hold I1+I2+I3's";
  in.warnings = {"the baseline's balance fit is off: rho 0.80 (target 0.51)"};
  const std::vector<std::string> arms = {"baseline", "arena", "I1+I2+I3"};
  const double sproof[] = {1.0, 0.97, 0.9};
  const double releases[] = {400, 0, 400};
  for (std::size_t a = 0; a < arms.size(); ++a)
    for (int r = 0; r < 3; ++r) {
      const std::string id = (a == 2 ? std::string("I1-I2-I3") : arms[a]) + "-r" + std::to_string(r);
      in.runs.push_back(synthetic_run(id, arms[a]));
      const double v = sproof[a] * (1.0 + 0.01 * (r == 1 ? -1 : r == 2 ? 1 : 0));
      const auto add = [&](const std::string& metric, double x) {
        in.measurements.push_back({"", arms[a], r, metric, x, "runs/" + id});
      };
      add("s_per_proof", v);
      add("synthesis_ms_p50", 600 * v);
      add("tlb_shootdowns_per_s_in_dealloc", a == 1 ? 10 : 900);
      add("buffer_release_calls", releases[a]);
      add("buffers_recycled", a == 1 ? 0 : 0);
      add("arena_slot_waits", a == 1 ? 3 : kNaN);
      add("anon_huge_peak_mib", 0);
    }
  return in;
}

TEST(Verdict, RanksArmsSaysUndecidedAtThreeAndNamesTheMedianRun) {
  const ReportInput in = ab_input();
  const Verdict v = compute_verdict(in);
  ASSERT_EQ(v.ranking.rows.size(), 3u);
  EXPECT_EQ(v.ranking.rows[0][1], "I1+I2+I3");  // fastest first
  EXPECT_EQ(v.ranking.rows[2][1], "baseline");
  // Three rounds cannot bound the interval: undecided, and it says so rather than "no difference".
  EXPECT_NE(v.ranking.rows[0][5].find("undecided"), std::string::npos) << v.ranking.rows[0][5];
  EXPECT_NE(v.ranking.rows[0][5].find("too few rounds"), std::string::npos) << v.ranking.rows[0][5];
  ASSERT_EQ(v.headline.size(), 2u);
  EXPECT_NE(v.headline[0].find("fastest I1+I2+I3"), std::string::npos) << v.headline[0];
  EXPECT_NE(v.headline[0].find("Undecided: I1+I2+I3"), std::string::npos) << v.headline[0];
  // No ab.json design: said, and judged as a fixed design.
  EXPECT_NE(v.headline[1].find("Primary: s/proof"), std::string::npos) << v.headline[1];
  EXPECT_NE(v.headline[1].find("No design recorded"), std::string::npos) << v.headline[1];
  // s/proof is the primary question, not a member of the secondary family.
  for (const auto& c : v.comparisons) EXPECT_NE(c.metric, "s_per_proof");
  ASSERT_EQ(v.primary.size(), 2u);
  for (const auto& d : v.primary) EXPECT_EQ(d.family, 2u);
  // Mechanism evidence: the memory counts per arm, n/a where not applicable.
  const auto& h = v.mechanism.header;
  const auto col = [&](std::string_view t) { return static_cast<std::size_t>(std::find(h.begin(), h.end(), t) - h.begin()); };
  ASSERT_LT(col("buffer releases"), h.size());
  ASSERT_LT(col("arena slot waits"), h.size());
  // Rows in the ranking's order: I1+I2+I3, arena, baseline.
  EXPECT_EQ(v.mechanism.rows[0][0], "I1+I2+I3");
  EXPECT_EQ(v.mechanism.rows[1][0], "arena");
  EXPECT_EQ(v.mechanism.rows[1][col("buffer releases")], "0");
  EXPECT_EQ(v.mechanism.rows[1][col("arena slot waits")], "3");
  EXPECT_EQ(v.mechanism.rows[2][col("arena slot waits")], "n/a");
  // Warnings: the A/B's own, then the runs' notes once.
  ASSERT_EQ(v.warnings.size(), 2u);
  EXPECT_NE(v.warnings[1].find("perf_event_paranoid"), std::string::npos);
  // The median run by s/proof: r0 (the middle value; r1 is 1% lower, r2 1% higher).
  EXPECT_EQ(median_run(in.measurements, "", "arena"), "runs/arena-r0");
}

// A sequential A/B as ab.json records it: one arm 8% faster, one the same, and both controls.
ReportInput sequential_input() {
  ReportInput in;
  in.baseline_arm = "baseline";
  in.design.rule.design = DecisionRule::Design::kSequential;
  in.design.rule.family = 0;
  in.design.controls = {{"neg-control", Answer::kEquivalent, "a copy of the baseline"},
                        {"pos-control", Answer::kSlower, "the baseline + 3% synthesis work"}};
  in.design.rounds = 40;
  in.design.budget_s = 270;
  in.design.max_rounds = 100;
  in.design.elapsed_s = 200;
  in.design.stopped = "every arm decided";
  in.design.recorded = true;
  // Deterministic spread of +-0.5% around each arm's level, out of phase between arms.
  const auto noise = [](int r, int a) { return 0.005 * std::sin(1.7 * r + 2.3 * a); };
  const std::vector<std::pair<std::string, double>> arms = {
      {"baseline", 1.0}, {"fast", 0.92}, {"same", 1.0}, {"neg-control", 1.0}, {"pos-control", 1.03}};
  for (int r = 0; r < 40; ++r)
    for (std::size_t a = 0; a < arms.size(); ++a)
      in.measurements.push_back({"", arms[a].first, r, "s_per_proof", arms[a].second * std::exp(noise(r, static_cast<int>(a))),
                                 "runs/" + arms[a].first + "-r" + std::to_string(r)});
  return in;
}

TEST(Verdict, SequentialAnswersEveryArmAndJudgesTheControls) {
  const Verdict v = compute_verdict(sequential_input());
  ASSERT_EQ(v.primary.size(), 4u);
  // The family is the user's arms only: the controls never widen it.
  for (const auto& d : v.primary) EXPECT_EQ(d.family, 2u) << d.arm;
  const auto answer_of = [&](const std::string& arm) {
    for (const auto& d : v.primary)
      if (d.arm == arm) return d.decision;
    return ArmDecision{};
  };
  EXPECT_EQ(answer_of("fast").answer, Answer::kFaster);
  EXPECT_NEAR(answer_of("fast").change_pct, -8.0, 0.5);
  EXPECT_GT(answer_of("fast").decided_at, 0u);
  EXPECT_LT(answer_of("fast").decided_at, 40u);  // decided early, at the first round it could be
  EXPECT_EQ(answer_of("same").answer, Answer::kEquivalent);
  EXPECT_EQ(answer_of("pos-control").answer, Answer::kSlower);
  // The ranking: fastest first, its answer in words, the round it was decided at.
  EXPECT_EQ(v.ranking.rows[0][1], "fast");
  EXPECT_EQ(v.ranking.rows[0][5].rfind("faster by 8.", 0), 0u) << v.ranking.rows[0][5];
  EXPECT_EQ(v.ranking.rows[0][6], "round " + std::to_string(answer_of("fast").decided_at));
  // Controls: both as expected, and the headline says what that means.
  ASSERT_EQ(v.controls.rows.size(), 2u);
  EXPECT_EQ(v.controls.rows[0][5], "yes");
  EXPECT_EQ(v.controls.rows[1][5], "yes");
  bool controls_line = false, design_line = false;
  for (const auto& h : v.headline) {
    controls_line = controls_line || h.find("Controls: 2 of 2 classified as expected") != std::string::npos;
    design_line = design_line || (h.find("sequential design") != std::string::npos &&
                                  h.find("40 rounds in 200 s") != std::string::npos &&
                                  h.find("stopped: every arm decided") != std::string::npos);
  }
  EXPECT_TRUE(controls_line);
  EXPECT_TRUE(design_line);
  // A control that misses is said to miss.
  ReportInput wrong = sequential_input();
  for (auto& m : wrong.measurements)
    if (m.arm == "pos-control") m.value /= 1.03;
  const Verdict w = compute_verdict(wrong);
  EXPECT_EQ(w.controls.rows[1][5], "no");
  // The report shows the controls after the ranking, in both formats.
  const std::string md = report_md(sequential_input());
  EXPECT_LT(md.find("Controls"), md.find("## 2. Expected Results"));
}

TEST(Verdict, AnOutlierRunIsAWarningWithItsLikelyCauseAndStaysInTheStatistics) {
  ReportInput in = sequential_input();
  for (auto& m : in.measurements)
    if (m.arm == "neg-control" && m.repeat == 5) m.value *= 1.3;
  // Every run's noise reading; the slow run's machine was busy with something else.
  std::vector<Measurement> noise;
  for (const auto& m : in.measurements)
    noise.push_back({m.point, m.arm, m.repeat, "noise_other_cpu_share", m.arm == "neg-control" && m.repeat == 5 ? 0.4 : 0.01,
                     m.run});
  in.measurements.insert(in.measurements.end(), noise.begin(), noise.end());
  const Verdict v = compute_verdict(in);
  ASSERT_EQ(v.outliers.size(), 1u);
  EXPECT_EQ(v.outliers[0].run, "runs/neg-control-r5");
  bool warned = false;
  for (const auto& w : v.warnings)
    warned = warned || (w.find("outlier run runs/neg-control-r5") != std::string::npos &&
                        w.find("other processes") != std::string::npos && w.find("kept in the statistics") != std::string::npos);
  EXPECT_TRUE(warned);
  // Kept: the control's rounds still count all 40 runs' worth of pairs up to its decision.
  for (const auto& d : v.primary)
    if (d.arm == "neg-control") EXPECT_GE(d.decision.n, 6u);
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

TEST(MetricCatalog, EveryProducedRowIsDeclaredOnceWithItsUnit) {
  std::set<std::string> names;
  for (const auto& m : metric_catalog()) EXPECT_TRUE(names.insert(m.name).second) << "declared twice: " << m.name;
  for (const auto& r : metric_rows(RunMetrics{})) {
    const MetricInfo* m = find_metric(r.name);
    ASSERT_NE(m, nullptr) << r.name;
    EXPECT_EQ(m->unit, r.unit) << r.name;
  }
  EXPECT_THROW(metric_row("no_such_metric", 1), std::logic_error);
  EXPECT_EQ(metric_row("balance_rho", 0.5).unit, "ratio");  // a family declared by prefix
  EXPECT_EQ(metric_to_ms("avg_gpu_per_partition_s"), 1000.0);
  EXPECT_EQ(metric_to_ms("gpu_util"), 0.0);
  // The groups the tables filter: one primary metric, a short secondary family without it, memory
  // counts as mechanism evidence.
  EXPECT_EQ(metrics_in(kGroupPrimary), (std::vector<std::string>{"s_per_proof"}));
  const auto compared = metrics_in(kGroupCompared);
  EXPECT_EQ(std::find(compared.begin(), compared.end(), "s_per_proof"), compared.end());
  EXPECT_LE(compared.size(), 8u);
  for (const char* m : {"buffer_release_calls", "arena_slot_waits", "anon_huge_peak_mib", "buffers_recycled"}) {
    const auto mech = metrics_in(kGroupMechanism | kGroupCounters);
    EXPECT_NE(std::find(mech.begin(), mech.end(), m), mech.end()) << m;
  }
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
