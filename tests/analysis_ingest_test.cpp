// Ingestion of real prover logs: the line formats of ../shared/seeds/README.md, malformed lines reported
// with their line numbers, and the metrics of hand-written fixture logs worked out by hand below.
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <system_error>
#include <vector>

#include "analysis/ingest/prover_log.hpp"

namespace zkc::analysis {
namespace {

const std::filesystem::path kLogs = std::filesystem::path(ZKC_SOURCE_DIR) / "tests" / "fixtures" / "logs";

double row(const std::vector<MetricRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return r.value;
  ADD_FAILURE() << "no metric row " << name;
  return -1;
}

bool has_row(const std::vector<MetricRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return true;
  return false;
}

std::size_t count_event(const ProverLog& log, const std::string& name) {
  std::size_t n = 0;
  for (const auto& e : log.events) n += e.event == name ? 1 : 0;
  return n;
}

// --- line formats -----------------------------------------------------------------------------------

TEST(ProverLogParse, TimelineLineAfterAPrefixKeepsTheWholeDetail) {
  const ProverLog log = parse_prover_log(
      "2024-05-01T10:00:00.123Z INFO cuzk: TIMELINE,1234.5,GPU_END,job-1,worker=1,partition=3,gpu_ms=1800.25\n");
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_EQ(log.events[0].offset_ms, 1234.5);
  EXPECT_EQ(log.events[0].event, "GPU_END");
  EXPECT_EQ(log.events[0].job_id, "job-1");
  EXPECT_EQ(log.events[0].detail, "worker=1,partition=3,gpu_ms=1800.25");  // commas and all
  EXPECT_EQ(detail_number(log.events[0].detail, "gpu_ms"), 1800.25);
  EXPECT_TRUE(log.issues.empty());
  EXPECT_EQ(log.lines, 1u);
  EXPECT_EQ(log.timeline_lines, 1u);
}

TEST(ProverLogParse, ChanSendStaysAsLoggedAndHarnessEventsWithDigitsParse) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,5,CHAN_SEND,j,partition=0\n"
      "TIMELINE,6,BG2_START,j,worker=0,partition=0,threads=192\n");
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[0].event, "CHAN_SEND");  // the metrics treat it as GPU_QUEUE themselves
  EXPECT_EQ(log.events[1].event, "BG2_START");
  EXPECT_TRUE(log.issues.empty());
}

TEST(ProverLogParse, EmptyDetailIsAllowedButTheFourthFieldIsNot) {
  const ProverLog log = parse_prover_log("TIMELINE,5,PROOF_END,j,\nTIMELINE,5,PROOF_END,j\n");
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_EQ(log.events[0].detail, "");
  ASSERT_EQ(log.issues.size(), 1u);
  EXPECT_EQ(log.issues[0].line, 2u);
  EXPECT_EQ(log.issues[0].message,
            "TIMELINE line has 3 of the 4 fields after the marker; expected "
            "TIMELINE,{offset_ms},{event},{job_id},{detail}");
}

TEST(ProverLogParse, CrLfAndAFinalLineWithoutNewline) {
  const ProverLog log = parse_prover_log("noise\r\nTIMELINE,1,SYNTH_START,j,partition=0\r\n"
                                         "CUZK_TIMING: prep_msm_ms=2 \r\n"
                                         "TIMELINE,3,SYNTH_END,j,partition=0,synth_ms=2");
  EXPECT_EQ(log.lines, 4u);
  EXPECT_EQ(log.ignored_lines, 1u);
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[0].detail, "partition=0");  // no "\r" left in the detail
  EXPECT_EQ(log.events[1].detail, "partition=0,synth_ms=2");
  ASSERT_EQ(log.timings.size(), 1u);
  EXPECT_EQ(log.timings[0].line, 3u);
  EXPECT_EQ(log.timings[0].value("prep_msm_ms"), 2.0);
  EXPECT_TRUE(log.issues.empty());
}

TEST(ProverLogParse, EmptyTextHasNoLines) {
  const ProverLog log = parse_prover_log("");
  EXPECT_EQ(log.lines, 0u);
  EXPECT_TRUE(log.events.empty());
  EXPECT_TRUE(log.issues.empty());
}

TEST(ProverLogParse, NumbersMustBeWholeAndFinite) {
  // from_chars would read "12ms" as 12 and accepts "inf": both are rejected.
  const ProverLog log = parse_prover_log(
      "TIMELINE,inf,SYNTH_START,j,partition=0\n"
      "CUZK_TIMING: prep_msm_ms=12ms =5 gpu_total_ms=1e3\n");
  EXPECT_TRUE(log.events.empty());
  ASSERT_EQ(log.issues.size(), 3u);
  EXPECT_EQ(log.issues[0].message,
            "TIMELINE offset \"inf\" is not a number; expected milliseconds since the run's start in "
            "TIMELINE,{offset_ms},{event},{job_id},{detail}");
  EXPECT_EQ(log.issues[1].message,
            "CUZK_TIMING token \"prep_msm_ms=12ms\" is not key=number; expected e.g. prep_msm_ms=1812.5");
  EXPECT_EQ(log.issues[2].message, "CUZK_TIMING token \"=5\" is not key=number; expected e.g. prep_msm_ms=1812.5");
  ASSERT_EQ(log.timings.size(), 1u);  // the good pair of the line is kept
  EXPECT_EQ(log.timings[0].values.size(), 1u);
  EXPECT_EQ(log.timings[0].value("gpu_total_ms"), 1000.0);
}

// Offsets are ms since the run's start: negative or absurd ones are malformed lines (an offset of
// 1e30 used to pass and made s/proof 1.8e17).
TEST(ProverLogParse, OffsetsOutOfRangeAreMalformed) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,0,SYNTH_START,j,partition=0\n"
      "TIMELINE,-5,GPU_QUEUE,j,partition=0\n"
      "TIMELINE,1e30,GPU_END,j,worker=0,partition=0\n"
      "TIMELINE,10000000000,SYNTH_END,j,partition=0\n");  // 1e10 ms, the largest accepted
  ASSERT_EQ(log.issues.size(), 2u);
  EXPECT_EQ(log.issues[0].line, 2u);
  EXPECT_EQ(log.issues[1].line, 3u);
  EXPECT_NE(log.issues[0].message.find("out of range"), std::string::npos) << log.issues[0].message;
  EXPECT_EQ(log.events.size(), 2u);
}

// A detail that is not a key=value list cannot be read: counted, not silently measured as missing.
TEST(ProverLogParse, DetailThatIsNotAKeyValueListIsMalformed) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,1,SYNTH_START,j,partition=0\n"
      "TIMELINE,2,SYNTH_END,j,partition 0\n"
      "TIMELINE,3,GPU_END,j,worker=0,=5\n");
  ASSERT_EQ(log.issues.size(), 2u);
  EXPECT_NE(log.issues[0].message.find("\"partition 0\" is not key=value"), std::string::npos) << log.issues[0].message;
  EXPECT_NE(log.issues[1].message.find("\"=5\""), std::string::npos) << log.issues[1].message;
  EXPECT_EQ(log.events.size(), 1u);
}

// Rows of a run's timeline.csv behind the marker: the detail is quoted as the CSV writes it and is
// read as that one field (it used to keep the quotes, so no partition= or side= was ever found).
TEST(ProverLogParse, ACsvQuotedDetailIsUnquoted) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,1.5,DEALLOC_END,proof-0,\"side=cpp,partition=3,dealloc_ms=5.4\"\n"
      "TIMELINE,2,NOTE,proof-0,\"say=\"\"hi\"\"\"\n"
      "TIMELINE,3,GPU_END,proof-0,\"worker=0,partition=1\n"
      "TIMELINE,4,GPU_END,proof-0,\"worker=0\"x\n");
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[0].detail, "side=cpp,partition=3,dealloc_ms=5.4");
  EXPECT_EQ(detail_value(log.events[0].detail, "side"), "cpp");
  EXPECT_EQ(log.events[1].detail, "say=\"hi\"");
  ASSERT_EQ(log.issues.size(), 2u);
  EXPECT_EQ(log.issues[0].line, 3u);
  EXPECT_NE(log.issues[0].message.find("unterminated"), std::string::npos) << log.issues[0].message;
  EXPECT_EQ(log.issues[1].line, 4u);
}

// A run's timeline.csv as it is: the header, then RFC 4180 records; every line is counted once.
TEST(ProverLogParse, ARunsTimelineCsvIsReadAsIs) {
  const ProverLog log = parse_prover_log(
      "offset_ms,event,job_id,detail\n"
      "2.112,PROOF_START,proof-0000,partitions=4\n"
      "3.000,DEALLOC_START,proof-0000,\"side=rust,partition=0\"\n"
      "4.000,GPU_END,proof-0000\n"
      "-1,GPU_END,proof-0000,worker=0\n"
      "\n");
  ASSERT_EQ(log.events.size(), 2u);
  EXPECT_EQ(log.events[1].detail, "side=rust,partition=0");
  ASSERT_EQ(log.issues.size(), 2u);
  EXPECT_EQ(log.issues[0].line, 4u);
  EXPECT_NE(log.issues[0].message.find("3 fields; expected 4"), std::string::npos) << log.issues[0].message;
  EXPECT_EQ(log.issues[1].line, 5u);
  EXPECT_EQ(log.lines, 6u);
  EXPECT_EQ(log.timeline_lines, 4u);
  EXPECT_EQ(log.ignored_lines, 2u);  // the header and the empty line
  EXPECT_EQ(log.lines, log.timeline_lines + log.timing_lines + log.ignored_lines);
}

TEST(ProverLogParse, RepeatedTimingKeyKeepsTheFirstValue) {
  const ProverLog log = parse_prover_log("CUZK_TIMING: prep_msm_ms=1 prep_msm_ms=2\n");
  ASSERT_EQ(log.timings.size(), 1u);
  EXPECT_EQ(log.timings[0].value("prep_msm_ms"), 1.0);
  ASSERT_EQ(log.issues.size(), 1u);
  EXPECT_EQ(log.issues[0].kind, LogIssueKind::timing);
  EXPECT_EQ(log.issues[0].message,
            "CUZK_TIMING key \"prep_msm_ms\" appears more than once on the line; the first value is kept");
}

TEST(ProverLogParse, LongGarbageIsCutInMessages) {
  const std::string garbage(100, 'x');
  const ProverLog log = parse_prover_log("TIMELINE," + garbage + ",SYNTH_START,j,partition=0\n");
  ASSERT_EQ(log.issues.size(), 1u);
  EXPECT_EQ(log.issues[0].message, "TIMELINE offset \"" + std::string(60, 'x') +
                                       "...\" (100 characters) is not a number; expected milliseconds since the "
                                       "run's start in TIMELINE,{offset_ms},{event},{job_id},{detail}");
}

TEST(ProverLogParse, TheFirstMarkerOnALineOwnsIt) {
  const ProverLog log =
      parse_prover_log("CUZK_TIMING: prep_msm_ms=1 TIMELINE,1,X,j,\nTIMELINE,1,X,j,CUZK_TIMING: a=1\n");
  EXPECT_EQ(log.timing_lines, 1u);
  EXPECT_EQ(log.timeline_lines, 1u);
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_EQ(log.events[0].detail, "CUZK_TIMING: a=1");
  // On the timing line, "TIMELINE,1,X,j," is just a token without '='.
  ASSERT_EQ(log.issues.size(), 1u);
  EXPECT_EQ(log.issues[0].line, 1u);
}

// --- files ------------------------------------------------------------------------------------------

TEST(ProverLogRead, MissingFileNamesThePathAndTheErrno) {
  const std::filesystem::path missing = kLogs / "no_such.log";
  try {
    (void)read_prover_log(missing);
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), ENOENT);
    const std::string what = e.what();
    EXPECT_NE(what.find(missing.string()), std::string::npos) << what;
    EXPECT_NE(what.find(std::strerror(ENOENT)), std::string::npos) << what;
  }
}

TEST(ProverLogRead, ADirectoryIsAReadErrorNotAnEmptyLog) {
  try {
    (void)read_prover_log(kLogs);
    FAIL() << "expected std::system_error";
  } catch (const std::system_error& e) {
    EXPECT_EQ(e.code().value(), EISDIR);
    EXPECT_NE(std::string(e.what()).find(kLogs.string()), std::string::npos) << e.what();
  }
}

// --- two_proofs.log: 2 proofs (job-a, job-b) x 2 partitions, pw=2, GPU workers 0 and 1 -----------------
//
// Per partition (ms):        synth        queue (QUEUE->PICKUP)   GPU_START..GPU_END  worker  gpu_ms
//   job-a p0                 0..1000      1000..1010  = 10        1010..1510          0       498
//   job-a p1                 0..1200      1200..1230  = 30        1230..1830          1       600  (CHAN_SEND)
//   job-b p0                 1000..2000   2000..2100  = 100       2100..2500          0       400
//   job-b p1                 1200..2400   2400..2550  = 150       2550..3250          0       690
// gpu_ms is the prover's own timer, not always end - start (498, 690): the averages use it, GPU util
// uses the intervals.
//
//   34 lines: 24 TIMELINE (6 per partition), 4 CUZK_TIMING, 6 ignored (lines 1, 2 "TIMELINE logging
//   enabled" has no comma after the marker, 5, 16 empty, 21, 34)
//   batch elapsed   no PROOF_* events: span of all events, 3250 - 0 = 3250 ms
//   s/proof         4 partitions / 2 per proof = 2 proofs; 3.25 s / 2 = 1.625 s
//   avg GPU/part.   (498 + 600 + 400 + 690) / 4 = 2188 / 4 = 547 ms
//   avg prove       job-a 498 + 600 = 1098, job-b 400 + 690 = 1090; mean 1094 ms
//   GPU util        union [1010,1830] 820 + [2100,2500] 400 + [2550,3250] 700 = 1920; 1920 / 3250
//   idle gaps       1830..2100 = 270 and 2500..2550 = 50: 2 gaps, 320 ms, longest 270
//   queue wait      10, 30, 100, 150: p50 (30 + 100) / 2 = 65; p95 at rank 2.85: 100 + 0.85 * 50 = 142.5;
//                   mean 72.5
//   synthesis       synth_ms 1000, 1200, 1000, 1200: mean and p50 1100
//   CUZK_TIMING     prep_msm_ms   1800 + 1900 + 1700.5 + 1850 = 7250.5 / 4 = 1812.625
//                   b_g2_msm_ms   450 + 410 + 480 + 460 = 1800 / 4 = 450
//                   gpu_total_ms  1750 + 1850 + 1800 + 1790 = 7190 / 4 = 1797.5
//                   async_dealloc_ms 120 + 80 + 100 + 140 = 440 / 4 = 110
//                   ntt_msm_h_ms  690 (one line carries it)

TEST(TwoProofsLog, LineCountsAndEvents) {
  const ProverLog log = read_prover_log(kLogs / "two_proofs.log");
  EXPECT_EQ(log.lines, 34u);
  EXPECT_EQ(log.timeline_lines, 24u);
  EXPECT_EQ(log.timing_lines, 4u);
  EXPECT_EQ(log.ignored_lines, 6u);
  EXPECT_TRUE(log.issues.empty());
  ASSERT_EQ(log.events.size(), 24u);
  EXPECT_EQ(count_event(log, "SYNTH_START"), 4u);
  EXPECT_EQ(count_event(log, "SYNTH_END"), 4u);
  EXPECT_EQ(count_event(log, "GPU_QUEUE"), 3u);
  EXPECT_EQ(count_event(log, "CHAN_SEND"), 1u);
  EXPECT_EQ(count_event(log, "GPU_PICKUP"), 4u);
  EXPECT_EQ(count_event(log, "GPU_START"), 4u);
  EXPECT_EQ(count_event(log, "GPU_END"), 4u);
  // Prefixed line 3 and bare line 4 parse alike.
  EXPECT_EQ(log.events[0].event, "SYNTH_START");
  EXPECT_EQ(log.events[0].job_id, "job-a");
  EXPECT_EQ(log.events[0].detail, "partition=0");
  EXPECT_EQ(log.events[1].detail, "partition=1");
  ASSERT_EQ(log.timings.size(), 4u);
  EXPECT_EQ(log.timings[0].line, 18u);
  EXPECT_EQ(log.timings[1].line, 20u);
  EXPECT_EQ(log.timings[2].line, 29u);
  EXPECT_EQ(log.timings[3].line, 33u);
  EXPECT_EQ(log.timings[2].value("prep_msm_ms"), 1700.5);
  EXPECT_EQ(log.timings[3].values.size(), 5u);
}

// Issue 29 row 17: a long log's events hold each event name, job id and detail once, however many
// lines repeat it (details up to a bound of distinct ones: most carry a duration and never repeat).
TEST(TwoProofsLog, EventsShareOneBufferPerNameJobAndRepeatedDetail) {
  const ProverLog log = read_prover_log(kLogs / "two_proofs.log");
  ASSERT_EQ(log.events.size(), 24u);
  std::map<std::string, const TimelineEvent*> first_of_name, first_of_job, first_of_detail;
  std::size_t shared_details = 0;
  for (const TimelineEvent& e : log.events) {
    const auto [name, new_name] = first_of_name.try_emplace(std::string(e.event), &e);
    if (!new_name) {
      EXPECT_TRUE(e.event.shares_buffer_with(name->second->event)) << e.event;
    }
    const auto [job, new_job] = first_of_job.try_emplace(std::string(e.job_id), &e);
    if (!new_job) {
      EXPECT_TRUE(e.job_id.shares_buffer_with(job->second->job_id)) << e.job_id;
    }
    const auto [detail, new_detail] = first_of_detail.try_emplace(std::string(e.detail), &e);
    if (!new_detail) {
      EXPECT_TRUE(e.detail.shares_buffer_with(detail->second->detail)) << e.detail;
      ++shared_details;
    }
  }
  EXPECT_EQ(first_of_name.size(), 7u);  // SYNTH_START .. GPU_END and CHAN_SEND
  EXPECT_EQ(first_of_job.size(), 2u);
  EXPECT_EQ(shared_details, 24u - 11u);  // 11 distinct details
  // CUZK_TIMING keys too: every line's prep_msm_ms is one buffer.
  ASSERT_EQ(log.timings.size(), 4u);
  EXPECT_EQ(log.timings[0].values[0].first, "async_dealloc_ms");  // sorted by key
  EXPECT_TRUE(log.timings[0].values[0].first.shares_buffer_with(log.timings[3].values[0].first));
  // The run keeps the same buffers: the events are moved into it, never copied as text.
  const SharedText job_a = log.events[0].job_id;
  const RunData run = run_data_from_log(log, "two_proofs", 2);
  EXPECT_TRUE(run.events[0].job_id.shares_buffer_with(job_a));
}

TEST(TwoProofsLog, MetricsWorkedOutByHand) {
  const RunData run = run_data_from_log(read_prover_log(kLogs / "two_proofs.log"), "two_proofs", 2);
  const RunMetrics& m = run.metrics;
  EXPECT_EQ(run.id, "two_proofs");
  EXPECT_EQ(run.events.size(), 24u);
  EXPECT_DOUBLE_EQ(m.batch_elapsed_ms, 3250.0);
  EXPECT_EQ(m.partitions_completed, 4u);
  EXPECT_EQ(m.proofs_completed, 2u);
  EXPECT_DOUBLE_EQ(m.s_per_proof, 1.625);
  EXPECT_DOUBLE_EQ(m.avg_gpu_per_partition_s, 0.547);
  EXPECT_DOUBLE_EQ(m.avg_prove_s, 1.094);
  EXPECT_DOUBLE_EQ(m.gpu_util, 1920.0 / 3250.0);
  EXPECT_EQ(m.idle_gaps.count, 2u);
  EXPECT_DOUBLE_EQ(m.idle_gaps.total_ms, 320.0);
  EXPECT_DOUBLE_EQ(m.idle_gaps.longest_ms, 270.0);
  EXPECT_EQ(m.queue_wait_ms.count, 4u);  // CHAN_SEND counted as GPU_QUEUE
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.p50, 65.0);
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.p95, 142.5);
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.mean, 72.5);
  EXPECT_EQ(m.synthesis_ms.count, 4u);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.mean, 1100.0);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.p50, 1100.0);
}

TEST(TwoProofsLog, PartitionsPerProofAreInferredFromTheLog) {
  // Largest partition index 1 -> 2 per proof, both jobs complete: the hand-worked 1.625 s.
  const RunData run = run_data_from_log(read_prover_log(kLogs / "two_proofs.log"), "inferred");
  EXPECT_EQ(run.metrics.proofs_completed, 2u);
  EXPECT_DOUBLE_EQ(run.metrics.s_per_proof, 1.625);
  ASSERT_FALSE(run.notes.empty());
  EXPECT_EQ(run.notes[0], "2 partitions per proof, inferred from the log (largest partition index + 1); "
                          "--partitions overrides");
  // Said otherwise (--partitions 10), no proof has all its partitions: none completed, no s/proof.
  const RunData ten = run_data_from_log(read_prover_log(kLogs / "two_proofs.log"), "p10", 10);
  EXPECT_EQ(ten.metrics.proofs_completed, 0u);
  EXPECT_DOUBLE_EQ(ten.metrics.s_per_proof, 0.0);
}

// The C++ side as the real prover prints it: one group per line, no job or partition id, and 3
// partitions per proof. Proof job-1 ends at 900 ms with all three partitions; job-2 has two of three.
//   batch elapsed  0 .. 1200 (no PROOF_* events: the span of all events) -> 1.2 s / 1 proof = 1.2 s/proof
//   GPU            job-1: 100..300 (200), 300..600 (300), 600..900 (300); job-2: 900..1200 (300), 1000..1100 (100)
//   prep_msm_ms    mean of 150, 250, 200 = 200; b_g2_msm_ms mean of 40, 60 = 50; gpu_total_ms 310
TEST(OneGroupPerLineLog, ThreePartitionsPerProofWorkedOutByHand) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,0,SYNTH_START,job-1,partition=0\n"
      "TIMELINE,100,GPU_START,job-1,worker=0,partition=0\n"
      "CUZK_TIMING: prep_msm_ms=150\n"
      "CUZK_TIMING: b_g2_msm_ms=40 num_circuits=1\n"
      "CUZK_TIMING: gpu_tid=0 ntt_msm_h_ms=70\n"
      "CUZK_TIMING: gpu_tid=0 tail_msm_ms=8 gpu_total_ms=310\n"
      "CUZK_TIMING: pre_lock_cpu_ms=5 mutex_wait_ms=1\n"
      "TIMELINE,300,GPU_END,job-1,worker=0,partition=0,gpu_ms=200\n"
      "TIMELINE,300,GPU_START,job-1,worker=1,partition=1\n"
      "CUZK_TIMING: prep_msm_ms=250\n"
      "CUZK_TIMING: b_g2_msm_ms=60 num_circuits=1\n"
      "TIMELINE,600,GPU_END,job-1,worker=1,partition=1,gpu_ms=300\n"
      "TIMELINE,600,GPU_START,job-1,worker=0,partition=2\n"
      "CUZK_TIMING: prep_msm_ms=200\n"
      "TIMELINE,900,GPU_END,job-1,worker=0,partition=2,gpu_ms=300\n"
      "TIMELINE,900,GPU_START,job-2,worker=1,partition=0\n"
      "TIMELINE,1000,GPU_START,job-2,worker=0,partition=1\n"
      "TIMELINE,1100,GPU_END,job-2,worker=0,partition=1,gpu_ms=100\n"
      "TIMELINE,1200,GPU_END,job-2,worker=1,partition=0,gpu_ms=300\n");
  EXPECT_TRUE(log.issues.empty());
  EXPECT_EQ(infer_partitions_per_proof(log.events).per_proof, 3u);
  EXPECT_EQ(infer_partitions_per_proof(log.events).short_jobs, 1u);  // job-2 shows 2 of 3
  const RunData run = run_data_from_log(log, "groups");
  EXPECT_EQ(run.metrics.partitions_completed, 5u);
  EXPECT_EQ(run.metrics.proofs_completed, 1u);
  EXPECT_DOUBLE_EQ(run.metrics.batch_elapsed_ms, 1200.0);
  EXPECT_DOUBLE_EQ(run.metrics.s_per_proof, 1.2);
  EXPECT_DOUBLE_EQ(run.metrics.avg_gpu_per_partition_s, 1.2 / 5);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_prep_msm_ms_mean"), 200.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_b_g2_msm_ms_mean"), 50.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_gpu_total_ms_mean"), 310.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_mutex_wait_ms_mean"), 1.0);
  EXPECT_EQ(run.notes[0], "3 partitions per proof, inferred from the log (largest partition index + 1); 1 of 2 "
                          "jobs show fewer (in flight when the log ends, or another circuit); --partitions overrides");
  // The combined form of the same C++ timings gives the same means.
  const ProverLog combined = parse_prover_log(
      "TIMELINE,0,GPU_START,j,worker=0,partition=0\n"
      "CUZK_TIMING: prep_msm_ms=150 b_g2_msm_ms=40 gpu_total_ms=310\n"
      "TIMELINE,10,GPU_END,j,worker=0,partition=0,gpu_ms=10\n"
      "CUZK_TIMING: prep_msm_ms=250 b_g2_msm_ms=60 gpu_total_ms=310\n");
  const RunData c = run_data_from_log(combined, "combined");
  EXPECT_DOUBLE_EQ(row(c.extra, "cuzk_prep_msm_ms_mean"), 200.0);
  EXPECT_DOUBLE_EQ(row(c.extra, "cuzk_b_g2_msm_ms_mean"), 50.0);
}

TEST(TwoProofsLog, CuzkTimingMeans) {
  const RunData run = run_data_from_log(read_prover_log(kLogs / "two_proofs.log"), "two_proofs", 2);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_prep_msm_ms_mean"), 1812.625);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_b_g2_msm_ms_mean"), 450.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_gpu_total_ms_mean"), 1797.5);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_async_dealloc_ms_mean"), 110.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_ntt_msm_h_ms_mean"), 690.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_timing_lines"), 4.0);
  // The four documented keys first, in a fixed order, then the others; all in ms.
  ASSERT_EQ(run.extra.size(), 6u);
  EXPECT_EQ(run.extra[0].name, "cuzk_prep_msm_ms_mean");
  EXPECT_EQ(run.extra[1].name, "cuzk_b_g2_msm_ms_mean");
  EXPECT_EQ(run.extra[2].name, "cuzk_gpu_total_ms_mean");
  EXPECT_EQ(run.extra[3].name, "cuzk_async_dealloc_ms_mean");
  EXPECT_EQ(run.extra[4].name, "cuzk_ntt_msm_h_ms_mean");
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(run.extra[i].unit, "ms") << run.extra[i].name;
  EXPECT_TRUE(run.notes.empty());
}

TEST(TwoProofsLog, StagesForTheWaterfall) {
  const RunData run = run_data_from_log(read_prover_log(kLogs / "two_proofs.log"), "two_proofs", 2);
  struct Expected {
    int proof, partition;
    std::string stage;
    double start, end;
    std::string worker;
  };
  // Sorted by start, then end. job-a is proof 0, job-b proof 1 (first appearance).
  const std::vector<Expected> expected = {
      {0, 0, "synthesis", 0, 1000, "synth"},    {0, 1, "synthesis", 0, 1200, "synth"},
      {0, 0, "queue_wait", 1000, 1010, "queue"}, {1, 0, "synthesis", 1000, 2000, "synth"},
      {0, 0, "gpu", 1010, 1510, "gpu0"},         {0, 1, "queue_wait", 1200, 1230, "queue"},
      {1, 1, "synthesis", 1200, 2400, "synth"},  {0, 1, "gpu", 1230, 1830, "gpu1"},
      {1, 0, "queue_wait", 2000, 2100, "queue"}, {1, 0, "gpu", 2100, 2500, "gpu0"},
      {1, 1, "queue_wait", 2400, 2550, "queue"}, {1, 1, "gpu", 2550, 3250, "gpu0"},
  };
  ASSERT_EQ(run.stages.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const StageRow& s = run.stages[i];
    const Expected& x = expected[i];
    EXPECT_EQ(s.proof, x.proof) << i;
    EXPECT_EQ(s.partition, x.partition) << i;
    EXPECT_EQ(s.stage, x.stage) << i;
    EXPECT_EQ(s.start_ms, x.start) << i;
    EXPECT_EQ(s.end_ms, x.end) << i;
    EXPECT_EQ(s.worker, x.worker) << i;
    EXPECT_TRUE(s.counters.empty()) << i;  // a log measures no counters
  }
}

// --- malformed.log: every kind of bad line between good ones ----------------------------------------
//
//   17 lines: 12 TIMELINE (7 good: lines 2, 4, 6, 8, 9, 11, 16), 3 CUZK_TIMING (10, 13, 14), 2 ignored
//   issues    3 bad offset "12x", 5 three fields, 7 event "gpu_pickup", 10 "b_g2_msm_ms=fast" and
//             "async_dealloc_ms", 12 one field, 13 no pairs, 15 empty job id
//   timings   line 10 {prep 1800, gpu_total 1750}, line 14 {prep 1900, b_g2 440}:
//             prep mean 1850, b_g2 440, gpu_total 1750, no async_dealloc row
//   metrics   span 0..1000 (job-y's lone SYNTH_START at 1000 is the last event); 1 partition / 2 per
//             proof = 0.5 proof: s/proof 1.0 / 0.5 = 2.0; GPU [410, 900] = 490 / 1000 = 0.49;
//             queue wait 410 - 400 = 10; gpu_ms 490
TEST(MalformedLog, IssuesWithLineNumbersAndMessages) {
  const ProverLog log = read_prover_log(kLogs / "malformed.log");
  EXPECT_EQ(log.lines, 17u);
  EXPECT_EQ(log.timeline_lines, 12u);
  EXPECT_EQ(log.timing_lines, 3u);
  EXPECT_EQ(log.ignored_lines, 2u);
  EXPECT_EQ(log.events.size(), 7u);

  struct Expected {
    std::size_t line;
    LogIssueKind kind;
    std::string message;
  };
  const std::string format = "TIMELINE,{offset_ms},{event},{job_id},{detail}";
  const std::vector<Expected> expected = {
      {3, LogIssueKind::timeline,
       "TIMELINE offset \"12x\" is not a number; expected milliseconds since the run's start in " + format},
      {5, LogIssueKind::timeline, "TIMELINE line has 3 of the 4 fields after the marker; expected " + format},
      {7, LogIssueKind::timeline,
       "TIMELINE event \"gpu_pickup\" is not an upper-case event name (A-Z, 0-9, _; e.g. GPU_START)"},
      {10, LogIssueKind::timing,
       "CUZK_TIMING token \"b_g2_msm_ms=fast\" is not key=number; expected e.g. prep_msm_ms=1812.5"},
      {10, LogIssueKind::timing,
       "CUZK_TIMING token \"async_dealloc_ms\" is not key=number; expected e.g. prep_msm_ms=1812.5"},
      {12, LogIssueKind::timeline, "TIMELINE line has 1 of the 4 fields after the marker; expected " + format},
      {13, LogIssueKind::timing, "CUZK_TIMING line has no key=value pairs after the marker"},
      {15, LogIssueKind::timeline,
       "TIMELINE job id is empty; expected the proof's job id after the event in " + format},
  };
  ASSERT_EQ(log.issues.size(), expected.size());
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(log.issues[i].line, expected[i].line) << i;
    EXPECT_EQ(log.issues[i].kind, expected[i].kind) << i;
    EXPECT_EQ(log.issues[i].message, expected[i].message) << i;
  }

  ASSERT_EQ(log.timings.size(), 2u);
  EXPECT_EQ(log.timings[0].line, 10u);
  EXPECT_EQ(log.timings[0].values,
            (std::vector<std::pair<SharedText, double>>{{"gpu_total_ms", 1750}, {"prep_msm_ms", 1800}}));
  EXPECT_EQ(log.timings[1].line, 14u);
}

TEST(MalformedLog, RunDataNotesAndMetricsOfTheGoodLines) {
  const RunData run = run_data_from_log(read_prover_log(kLogs / "malformed.log"), "malformed", 2);
  EXPECT_EQ(run.notes, (std::vector<std::string>{
                           "5 malformed TIMELINE lines (first at line 3)",
                           "3 malformed CUZK_TIMING entries (first at line 10)",
                           "1 start event without a matching end (1 SYNTH_START): not drawn in the waterfall",
                       }));
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_prep_msm_ms_mean"), 1850.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_b_g2_msm_ms_mean"), 440.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_gpu_total_ms_mean"), 1750.0);
  EXPECT_FALSE(has_row(run.extra, "cuzk_async_dealloc_ms_mean"));  // no good value: no row, not a 0
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_timing_lines"), 2.0);

  EXPECT_DOUBLE_EQ(run.metrics.batch_elapsed_ms, 1000.0);
  EXPECT_EQ(run.metrics.partitions_completed, 1u);
  EXPECT_EQ(run.metrics.proofs_completed, 0u);  // 1 of its 2 partitions: no proof completed
  EXPECT_DOUBLE_EQ(run.metrics.s_per_proof, 0.0);
  EXPECT_DOUBLE_EQ(run.metrics.gpu_util, 0.49);
  EXPECT_DOUBLE_EQ(run.metrics.avg_gpu_per_partition_s, 0.49);
  EXPECT_DOUBLE_EQ(run.metrics.queue_wait_ms.p50, 10.0);

  ASSERT_EQ(run.stages.size(), 3u);  // job-x p0's three rows; job-y's open synthesis is not drawn
  EXPECT_EQ(run.stages[0].stage, "synthesis");
  EXPECT_EQ(run.stages[1].stage, "queue_wait");
  EXPECT_EQ(run.stages[2].stage, "gpu");
  EXPECT_EQ(run.stages[2].worker, "gpu0");
  for (const auto& s : run.stages) EXPECT_EQ(s.proof, 0);
}

TEST(RunDataFromLog, EndsWithoutStartsAndSingleIssuesAreNoted) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,10,GPU_END,j,worker=0,partition=0,gpu_ms=5\n"
      "TIMELINE,11,GPU_PICKUP,j,worker=0,partition=1\n"
      "TIMELINE,x,GPU_START,j,worker=0,partition=1\n");
  const RunData run = run_data_from_log(log, "t");
  EXPECT_TRUE(run.stages.empty());
  EXPECT_EQ(run.notes, (std::vector<std::string>{
                           "2 partitions per proof, inferred from the log (largest partition index + 1); "
                           "--partitions overrides",
                           "1 malformed TIMELINE line (line 3)",
                           "2 end events without a matching start (1 GPU_END, 1 GPU_PICKUP): "
                           "not drawn in the waterfall",
                       }));
  EXPECT_FALSE(has_row(run.extra, "cuzk_prep_msm_ms_mean"));
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_timing_lines"), 0.0);
}

}  // namespace
}  // namespace zkc::analysis
