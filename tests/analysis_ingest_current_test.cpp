// Ingestion of the prover as it logs today (filecoin-project/curio extern/cuzk at d7785a84): GPU_QUEUE,
// SYNTH_END's synth_ms, the CUZK_TIMING shapes (numbers, ids, free text, the older word values),
// CUZK_NTT_H, and the tracing lines of the dispatch pacer and the pinned pool. The fixture
// tests/fixtures/logs/current_era.log is made from the format strings in that code; its numbers are
// worked out by hand below. One malformed-line case per new kind of line follows.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <string>
#include <vector>

#include "analysis/ingest/log_formats.hpp"
#include "analysis/ingest/prover_log.hpp"

namespace zkc::analysis {
namespace {

const std::filesystem::path kCurrent =
    std::filesystem::path(ZKC_SOURCE_DIR) / "tests" / "fixtures" / "logs" / "current_era.log";

double row(const std::vector<MetricRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return r.value;
  ADD_FAILURE() << "no metric row " << name;
  return -1;
}

const MetricRow* find_row(const std::vector<MetricRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

std::string unit(const std::vector<MetricRow>& rows, const std::string& name) {
  const MetricRow* r = find_row(rows, name);
  if (r == nullptr) {
    ADD_FAILURE() << "no metric row " << name;
    return "";
  }
  return r->unit;
}

std::size_t counted(const ProverLog& log) {
  return log.timeline_lines + log.timing_lines + log.ntt_h_lines + log.pacer_lines + log.pinned_pool_lines +
         log.ignored_lines;
}

// --- the fixture ----------------------------------------------------------------------------------
//
// The run: a fresh daemon on a 40 GiB machine (budget 35 GiB: two 14 GiB reservations, so 2 synthesis
// workers), one GPU with 2 GPU workers, max_gpu_queue_depth = 2 (the pacer runs), two PoRep jobs of 5
// partitions (the pacer logs every 5th dispatch: total=5 and total=10). A0 and A1 synthesize before a
// capacity hint exists: no pinned buffers; from A2 on each partition checks out a, b and c.
//
// Lines (248): TIMELINE 60 (6 per partition), CUZK_TIMING 102 (10 per partition: split_vectors,
// pre_lock/mutex_wait, gpu_tid ntt_msm_h, prep_msm, gpu_tid barrier_wait, gpu_tid batch_add, gpu_tid
// tail_msm/gpu_total, mutex_held/total_start_fn, b_g2_msm, async_dealloc; plus A0's "set pool release
// threshold" and "d_a_cache allocated 4096 MiB"), CUZK_NTT_H 10, pacer: status 2, pinned pool 48,
// ignored 26 (2 daemon start, 10 capacity hint, 10 "partition synthesis complete", "pacer: GPU rate
// calibrated", "GPU_TIMING prove_start returned", 2 "proof completed").
TEST(CurrentEraLog, EveryLineCountedOnceAndNoIssues) {
  const ProverLog log = read_prover_log(kCurrent);
  for (const auto& i : log.issues) ADD_FAILURE() << "line " << i.line << ": " << i.message;
  EXPECT_EQ(log.lines, 248u);
  EXPECT_EQ(log.timeline_lines, 60u);
  EXPECT_EQ(log.timing_lines, 102u);
  EXPECT_EQ(log.ntt_h_lines, 10u);
  EXPECT_EQ(log.pacer_lines, 2u);
  EXPECT_EQ(log.pinned_pool_lines, 48u);
  EXPECT_EQ(log.ignored_lines, 26u);
  EXPECT_EQ(counted(log), log.lines);
  EXPECT_EQ(log.events.size(), 60u);
  EXPECT_EQ(log.timings.size(), 102u);  // the two free-text lines carry a number too (gpu, MiB)
  EXPECT_EQ(log.ntt_h.size(), 10u);
  EXPECT_EQ(log.pacer.size(), 2u);
  EXPECT_EQ(log.pinned_pool.size(), 48u);
}

// Partitions (SYNTH_START..SYNTH_END = synth_ms; GPU_QUEUE = SYNTH_END; GPU_PICKUP = GPU_START = +1):
//   part  synth      synth_ms  GPU start..end    gpu_ms (= total_start_fn_ms + 190)
//   A0        5..40005  40000   40006..41540     1534 (first on the GPU: d_b_alloc 702 ms)
//   A1     3005..43405  40400   43406..44444     1038
//   A2    42031..81631  39600   81632..82670     1038
//   A3    44255..84455  40200   84456..85497     1041
//   A4    82481..122281 39800  122282..123321    1039
//   B0    85308..125308 40000  125309..126349    1040
//   B1   123132..163732 40600  163733..164772    1039
//   B2   126160..165560 39400  165561..166601    1040
//   B3   164583..205583 41000  205584..207254    1670 (waits 633 ms for B4's GPU lock)
//   B4   166412..205412 39000  205413..206447    1034
// batch elapsed: 5 .. 207254 = 207249 ms (no PROOF_* events: the span of all); 5 partitions per proof
// inferred, both jobs complete: 2 proofs, s/proof 103.6245 s.
// avg GPU/partition: 11513 / 10 = 1151.3 ms. avg prove: A 1534+1038+1038+1041+1039 = 5690, B
// 1040+1039+1040+1670+1034 = 5823, mean 5756.5 ms.
// GPU busy (union): B3 and B4 overlap to 205413..207254 = 1841; the others 8809; 10650 ms.
// Idle gaps between 40006 and 207254: 1866, 37188, 1786, 36785, 1988, 37384, 789, 38812: 8, total
// 156598 (= 167248 - 10650), longest 38812.
// Synthesis: 400000 / 10 = 40000 mean; sorted 39000 39400 39600 39800 40000 | 40000 40200 40400 40600
// 41000: p50 40000, max 41000. Queue wait: 1 ms each.
TEST(CurrentEraLog, MetricsWorkedOutByHand) {
  const RunData run = run_data_from_log(read_prover_log(kCurrent), "current");
  const RunMetrics& m = run.metrics;
  EXPECT_DOUBLE_EQ(m.batch_elapsed_ms, 207249.0);
  EXPECT_EQ(m.partitions_completed, 10u);
  EXPECT_EQ(m.proofs_completed, 2u);
  EXPECT_DOUBLE_EQ(m.s_per_proof, 103.6245);
  EXPECT_DOUBLE_EQ(m.avg_gpu_per_partition_s, 1.1513);
  EXPECT_DOUBLE_EQ(m.avg_prove_s, 5.7565);
  EXPECT_DOUBLE_EQ(m.gpu_util, 10650.0 / 207249.0);
  EXPECT_EQ(m.idle_gaps.count, 8u);
  EXPECT_DOUBLE_EQ(m.idle_gaps.total_ms, 156598.0);
  EXPECT_DOUBLE_EQ(m.idle_gaps.longest_ms, 38812.0);
  EXPECT_EQ(m.synthesis_ms.count, 10u);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.mean, 40000.0);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.p50, 40000.0);
  EXPECT_DOUBLE_EQ(m.synthesis_ms.max, 41000.0);
  EXPECT_EQ(m.queue_wait_ms.count, 10u);  // GPU_QUEUE..GPU_PICKUP
  EXPECT_DOUBLE_EQ(m.queue_wait_ms.mean, 1.0);
  EXPECT_EQ(run.stages.size(), 30u);  // synthesis, queue_wait and gpu per partition
  EXPECT_EQ(run.notes.size(), 1u) << run.notes.back();  // the inferred partitions per proof, nothing else
}

// Per partition in order A0..A4, B0..B4 (B3's lines come after B4's: it took the lock later):
//   pre_lock_cpu_ms  52 40 41 39 40 40 41 39 40 38        sum 410   mean 41
//   mutex_wait_ms    0 except B3's 633                     sum 633   mean 63.3
//   barrier_wait_ms  0 231 228 233 229 230 232 227 231 229 sum 2070  mean 207
//   mutex_held_ms    1290 806 805 810 807 808 806 809 805 804  sum 8550  mean 855
//   total_start_fn   pre_lock + mutex_wait + mutex_held + 2:  410 + 633 + 8550 + 20 = 9613, mean 961.3
//   gpu_total_ms     mutex_held - 5: (8550 - 50) / 10 = 850
//   prep_msm_ms      590 (A0: no barrier wait), then 600: 5990 / 10 = 599
//   batch_add_ms     182 174 177 175 177 177 174 180 173 174 = 1763, mean 176.3
//   ntt_msm_h_ms     CUZK_NTT_H total + 1: 441.7; b_g2_msm_ms 450, num_circuits 1, async_dealloc_ms 110,
//                    tail_msm_ms 25, split_vectors_ms 33, setup_to_split_ms 2, d_a_cache_mib 4096 (once)
//   gpu_tid and gpu are ids: read, never averaged.
TEST(CurrentEraLog, CuzkTimingMeansWorkedOutByHand) {
  const RunData run = run_data_from_log(read_prover_log(kCurrent), "current");
  const auto& x = run.extra;
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pre_lock_cpu_ms_mean"), 41.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_mutex_wait_ms_mean"), 63.3);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_barrier_wait_ms_mean"), 207.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_mutex_held_ms_mean"), 855.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_total_start_fn_ms_mean"), 961.3);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_gpu_total_ms_mean"), 850.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_prep_msm_ms_mean"), 599.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_batch_add_ms_mean"), 176.3);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_msm_h_ms_mean"), 441.7);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_b_g2_msm_ms_mean"), 450.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_num_circuits_mean"), 1.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_d_a_cache_mib_mean"), 4096.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_timing_lines"), 102.0);
  EXPECT_EQ(find_row(x, "cuzk_gpu_tid_mean"), nullptr);
  EXPECT_EQ(find_row(x, "cuzk_gpu_mean"), nullptr);
  EXPECT_EQ(unit(x, "cuzk_d_a_cache_mib_mean"), "MiB");
  EXPECT_EQ(unit(x, "cuzk_mutex_wait_ms_mean"), "ms");
  // The leading keys first, in log_formats' order, then the others by name.
  ASSERT_GE(x.size(), 9u);
  for (std::size_t i = 0; i < std::size(kLeadingTimingKeys); ++i)
    EXPECT_EQ(x[i].name, "cuzk_" + std::string(kLeadingTimingKeys[i]) + "_mean") << i;
}

// CUZK_NTT_H, per line in time order: d_b_alloc 702 (A0: the CUDA pool's first 8 GiB), then
// 1 0 2 1 1 0 2 1 1 (sum 9): first 702, later mean 1, mean (702 + 9) / 10 = 71.1. ntt_kernels 118 then
// 116: 116.2; coset_intt_sync 41 then 40: 40.1; msm_init 3 then 2: 2.1; msm_invoke 212 then 210: 210.2;
// msm_dtor 1; total 1077 then 369 + d_b_alloc: (1077 + 9 * 369 + 9) / 10 = 440.7.
// Pacer: interval_ms 460 then 353 (last 353, mean 406.5); ema_waiting "0.0" and "0.2" (mean 0.1);
// in_flight 3 and 3; gpu_eff_ms "729" and "548" (638.5); bootstrap false twice; rebootstraps 0.
// Pinned pool: A2 and A3 find the pool empty (A2 still holds its three): 6 allocations (total_buffers
// 1..6, total_gib 6 x 130278869 x 32 / 2^30 = 23.29567712545395); A4, B0..B4 each reuse the three the
// partition two before checked in: 18 reuses; 8 pinned partitions check in 3 each: 24. Share 18/24.
TEST(CurrentEraLog, NttHPacerAndPinnedPoolWorkedOutByHand) {
  const RunData run = run_data_from_log(read_prover_log(kCurrent), "current");
  const auto& x = run.extra;
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_d_b_alloc_mean"), 71.1);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_d_b_alloc_first"), 702.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_d_b_alloc_later_mean"), 1.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_ntt_kernels_mean"), 116.2);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_coset_intt_sync_mean"), 40.1);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_msm_init_mean"), 2.1);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_msm_invoke_mean"), 210.2);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_msm_dtor_mean"), 1.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_total_mean"), 440.7);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_ntt_h_lines"), 10.0);
  EXPECT_EQ(unit(x, "cuzk_ntt_h_total_mean"), "ms");

  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_samples"), 2.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_interval_ms_last"), 353.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_interval_ms_mean"), 406.5);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_ema_waiting_mean"), 0.1);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_in_flight_mean"), 3.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_gpu_eff_ms_mean"), 638.5);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_bootstrap_samples"), 0.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pacer_rebootstraps"), 0.0);

  EXPECT_DOUBLE_EQ(row(x, "pinned_allocations"), 6.0);
  EXPECT_DOUBLE_EQ(row(x, "pinned_reuses"), 18.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pinned_checkins"), 24.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pinned_evictions"), 0.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pinned_alloc_failures"), 0.0);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pinned_reuse_share"), 0.75);
  EXPECT_DOUBLE_EQ(row(x, "cuzk_pinned_total_gib_max"), 6.0 * 130278869.0 * 32.0 / (1 << 30));
}

// --- the C++ side's line shapes -------------------------------------------------------------------

// Every CUZK_TIMING shape the current code prints is read: ids kept but not averaged, the free-text
// lines matched against their shape; and the lines older logs have (before b5962135: pre-staging,
// host registration) are read too, their word values counted.
TEST(CurrentEraParse, CuzkTimingShapesOldAndNewAreRead) {
  const ProverLog log = parse_prover_log(
      "CUZK_TIMING: gpu_tid=1 barrier_wait_ms=12\n"
      "CUZK_TIMING: set pool release threshold to MAX on gpu 1\n"
      "CUZK_TIMING: d_a_cache allocated 4096 MiB on gpu 1\n"
      "CUZK_TIMING: host_register=fallback err=2\n"
      "CUZK_TIMING: prestage_vram free_mib=30000 usable_mib=28000 need_da_mib=4096 need_dbc_mib=8192 "
      "total_mib=12288\n"
      "CUZK_TIMING: prestage_setup=ok domain=134217728 lot_of_memory=1\n"
      "CUZK_TIMING: prestage_setup=skip_vram\n"
      "CUZK_TIMING: prestage_setup=ok domain=134217728 lot_of_memory=0\n");
  for (const auto& i : log.issues) ADD_FAILURE() << "line " << i.line << ": " << i.message;
  ASSERT_EQ(log.timings.size(), 8u);
  EXPECT_EQ(log.timings[0].value("gpu_tid"), 1.0);
  EXPECT_EQ(log.timings[1].value("gpu"), 1.0);
  EXPECT_EQ(log.timings[2].value("d_a_cache_mib"), 4096.0);
  EXPECT_EQ(log.timings[4].value("prestage_need_dbc_mib"), 8192.0);
  ASSERT_EQ(log.timings[3].words.size(), 1u);
  EXPECT_EQ(log.timings[3].words[0].first, "host_register");
  EXPECT_EQ(log.timings[3].words[0].second, "fallback");
  const RunData run = run_data_from_log(log, "shapes");
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_barrier_wait_ms_mean"), 12.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_prestage_setup_ok_lines"), 2.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_prestage_setup_skip_vram_lines"), 1.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_host_register_fallback_lines"), 1.0);
  EXPECT_EQ(find_row(run.extra, "cuzk_prestage_setup_fallback_lines"), nullptr);  // no line says it
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_lot_of_memory_mean"), 0.5);
  for (const char* id : {"cuzk_gpu_tid_mean", "cuzk_gpu_mean", "cuzk_err_mean"})
    EXPECT_EQ(find_row(run.extra, id), nullptr) << id;
}

TEST(CurrentEraParse, MalformedCuzkTimingShapesAndWords) {
  const ProverLog log = parse_prover_log(
      "CUZK_TIMING: d_a_cache allocated lots MiB on gpu 0\n"
      "CUZK_TIMING: set pool release threshold to MAX on gpu 0 now\n"
      "CUZK_TIMING: prestage_setup=maybe mutex_wait_ms=3\n"
      "CUZK_TIMING: host_register=fallback host_register=fallback\n");
  EXPECT_EQ(log.timing_lines, 4u);
  ASSERT_EQ(log.issues.size(), 4u);
  EXPECT_EQ(log.issues[0].line, 1u);
  EXPECT_EQ(log.issues[0].kind, LogIssueKind::timing);
  EXPECT_EQ(log.issues[0].message,
            "CUZK_TIMING line \"d_a_cache allocated lots MiB on gpu 0\" does not match its shape; expected "
            "\"d_a_cache allocated {d_a_cache_mib} MiB on gpu {gpu}\" (each {key} a number)");
  EXPECT_EQ(log.issues[1].line, 2u);
  EXPECT_EQ(log.issues[2].message,
            "CUZK_TIMING token \"prestage_setup=maybe\": prestage_setup takes ok, skip_vram or fallback");
  EXPECT_EQ(log.issues[3].message,
            "CUZK_TIMING key \"host_register\" appears more than once on the line; the first value is kept");
  ASSERT_EQ(log.timings.size(), 2u);  // line 3's good pair, line 4's first word
  EXPECT_EQ(log.timings[0].value("mutex_wait_ms"), 3.0);
}

TEST(CurrentEraParse, MalformedNttH) {
  const ProverLog log = parse_prover_log(
      "CUZK_NTT_H: d_b_alloc=700 ntt_kernels=fastms total=12.5ms\n"
      "CUZK_NTT_H:\n"
      "CUZK_NTT_H: total=3ms total=4ms\n");
  EXPECT_EQ(log.ntt_h_lines, 3u);
  ASSERT_EQ(log.issues.size(), 4u);
  EXPECT_EQ(log.issues[0].kind, LogIssueKind::ntt_h);
  EXPECT_EQ(log.issues[0].message,
            "CUZK_NTT_H token \"d_b_alloc=700\" is not key=<number>ms; expected e.g. d_b_alloc=712ms");
  EXPECT_EQ(log.issues[1].message,
            "CUZK_NTT_H token \"ntt_kernels=fastms\" is not key=<number>ms; expected e.g. d_b_alloc=712ms");
  EXPECT_EQ(log.issues[2].line, 2u);
  EXPECT_EQ(log.issues[2].message, "CUZK_NTT_H line has no key=value pairs after the marker");
  EXPECT_EQ(log.issues[3].line, 3u);
  ASSERT_EQ(log.ntt_h.size(), 2u);
  EXPECT_EQ(log.ntt_h[0].value("total"), 12.5);
  EXPECT_EQ(log.ntt_h[1].value("total"), 3.0);
  const RunData run = run_data_from_log(log, "ntt");
  EXPECT_EQ(find_row(run.extra, "cuzk_ntt_h_d_b_alloc_first"), nullptr);  // no good d_b_alloc
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_ntt_h_total_mean"), 7.75);
  EXPECT_EQ(run.notes.back(), "4 malformed CUZK_NTT_H entries (first at line 1)");
}

// --- tracing lines --------------------------------------------------------------------------------

constexpr const char* kPacerLine =
    "2026-03-12T09:01:23.681000Z  INFO cuzk_core::engine: pacer: status total=5 in_flight=3 waiting=1 "
    "ema_waiting=\"1.3\" gpu_proc_ms=\"1458\" gpu_eff_ms=\"729\" ema_synth_ms=\"1000\" interval_ms=2000 "
    "integral=\"0.00\" bootstrap=true rebootstraps=2";

TEST(CurrentEraParse, PacerFieldsQuotedAndBoolAndColoured) {
  // As tracing_subscriber writes it to a terminal (and, unless NO_COLOR is set, to a file): dimmed
  // time, coloured level, italic field names.
  const std::string coloured =
      "\x1b[2m2026-03-12T09:01:24.000000Z\x1b[0m \x1b[32m INFO\x1b[0m \x1b[2mcuzk_core::engine\x1b[0m\x1b[2m:\x1b[0m "
      "pacer: status \x1b[3mtotal\x1b[0m\x1b[2m=\x1b[0m10 \x1b[3min_flight\x1b[0m\x1b[2m=\x1b[0m2 "
      "\x1b[3mwaiting\x1b[0m\x1b[2m=\x1b[0m0 \x1b[3mema_waiting\x1b[0m\x1b[2m=\x1b[0m\"0.7\" "
      "\x1b[3mgpu_proc_ms\x1b[0m\x1b[2m=\x1b[0m\"1400\" \x1b[3mgpu_eff_ms\x1b[0m\x1b[2m=\x1b[0m\"700\" "
      "\x1b[3mema_synth_ms\x1b[0m\x1b[2m=\x1b[0m\"1000\" \x1b[3minterval_ms\x1b[0m\x1b[2m=\x1b[0m500 "
      "\x1b[3mintegral\x1b[0m\x1b[2m=\x1b[0m\"1.25\" \x1b[3mbootstrap\x1b[0m\x1b[2m=\x1b[0mfalse "
      "\x1b[3mrebootstraps\x1b[0m\x1b[2m=\x1b[0m2";
  const ProverLog log = parse_prover_log(std::string(kPacerLine) + "\n" + coloured + "\n");
  for (const auto& i : log.issues) ADD_FAILURE() << "line " << i.line << ": " << i.message;
  ASSERT_EQ(log.pacer.size(), 2u);
  EXPECT_EQ(log.pacer[0].values.size(), std::size(kPacerFields));
  EXPECT_EQ(log.pacer[0].value("ema_waiting"), 1.3);
  EXPECT_EQ(log.pacer[0].value("bootstrap"), 1.0);
  EXPECT_EQ(log.pacer[1].value("bootstrap"), 0.0);
  EXPECT_EQ(log.pacer[1].value("integral"), 1.25);
  const RunData run = run_data_from_log(log, "pacer");
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pacer_interval_ms_last"), 500.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pacer_interval_ms_mean"), 1250.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pacer_ema_waiting_mean"), 1.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pacer_bootstrap_samples"), 1.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pacer_rebootstraps"), 2.0);
}

TEST(CurrentEraParse, MalformedPacerStatus) {
  const ProverLog log = parse_prover_log(
      "INFO engine: pacer: status total=5 in_flight=3 waiting=1 ema_waiting=\"x\" gpu_proc_ms=\"1\" "
      "gpu_eff_ms=\"1\" ema_synth_ms=\"1\" interval_ms=20 integral=\"0\" bootstrap=maybe rebootstraps=0\n"
      "INFO engine: pacer: status total=6 interval_ms=\"12\n"
      "INFO engine: pacer: status\n");
  EXPECT_EQ(log.pacer_lines, 3u);
  ASSERT_EQ(log.pacer.size(), 3u);  // the message is the fact: every line is a sample
  ASSERT_EQ(log.issues.size(), 6u);
  EXPECT_EQ(log.issues[0].kind, LogIssueKind::pacer);
  EXPECT_EQ(log.issues[0].message,
            "pacer: status field \"ema_waiting=\"x\"\" is not a number; expected ema_waiting=<number> (or "
            "true/false, quoted or not)");
  EXPECT_EQ(log.issues[1].message,
            "pacer: status field \"bootstrap=maybe\" is not a number; expected bootstrap=<number> (or true/false, "
            "quoted or not)");
  EXPECT_EQ(log.issues[2].message,
            "pacer: status line lacks ema_waiting, bootstrap; expected the fields total, in_flight, waiting, "
            "ema_waiting, gpu_proc_ms, gpu_eff_ms, ema_synth_ms, interval_ms, integral, bootstrap, rebootstraps");
  EXPECT_EQ(log.issues[3].line, 2u);  // the unclosed quote, then what line 2 lacks
  EXPECT_EQ(log.issues[3].message,
            "pacer: status field \"interval_ms=\"12\" is not a number; expected interval_ms=<number> (or "
            "true/false, quoted or not)");
  EXPECT_EQ(log.issues[4].line, 2u);
  EXPECT_EQ(log.issues[5].line, 3u);
  EXPECT_EQ(log.pacer[1].value("total"), 6.0);
  EXPECT_FALSE(log.pacer[1].value("interval_ms"));
}

TEST(CurrentEraParse, PinnedPoolMessagesAndMalformedOnes) {
  const ProverLog log = parse_prover_log(
      "INFO cuzk_core::pinned_pool: pinned pool: allocated new buffer size_gib=4.0 total_buffers=1 total_gib=4.0\n"
      "INFO cuzk_core::pinned_pool: pinned pool: checkin size_gib=4.0\n"
      "INFO cuzk_core::pinned_pool: pinned pool: checkout (reuse) size_gib=4.0 free_remaining=0\n"
      "INFO cuzk_core::pinned_pool: pinned pool: freed buffer (evictor) freed_gib=4.0 total_freed_gib=4.0\n"
      "WARN cuzk_core::pinned_pool: pinned pool: cudaHostAlloc failed size_gib=4.0\n"
      "INFO cuzk_core::pinned_pool: pinned pool: checkout (reuse) size_gib=big free_remaining=0\n"
      "INFO cuzk_core::pinned_pool: pinned pool: checkin\n");
  EXPECT_EQ(log.pinned_pool_lines, 7u);
  ASSERT_EQ(log.pinned_pool.size(), 7u);
  const PoolAction actions[] = {PoolAction::allocate, PoolAction::checkin,      PoolAction::reuse, PoolAction::evict,
                                PoolAction::alloc_failed, PoolAction::reuse, PoolAction::checkin};
  for (std::size_t i = 0; i < std::size(actions); ++i) EXPECT_EQ(log.pinned_pool[i].action, actions[i]) << i;
  EXPECT_EQ(pool_marker(PoolAction::evict).marker, "pinned pool: freed buffer (evictor)");
  ASSERT_EQ(log.issues.size(), 3u);
  EXPECT_EQ(log.issues[0].kind, LogIssueKind::pinned_pool);
  EXPECT_EQ(log.issues[0].line, 6u);
  EXPECT_EQ(log.issues[0].message,
            "pinned pool: checkout (reuse) field \"size_gib=big\" is not a number; expected size_gib=<number> (or "
            "true/false, quoted or not)");
  EXPECT_EQ(log.issues[1].message,
            "pinned pool: checkout (reuse) line lacks size_gib; expected the fields size_gib, free_remaining");
  EXPECT_EQ(log.issues[2].message, "pinned pool: checkin line lacks size_gib; expected the fields size_gib");
  const RunData run = run_data_from_log(log, "pool");
  EXPECT_DOUBLE_EQ(row(run.extra, "pinned_allocations"), 1.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "pinned_reuses"), 2.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pinned_checkins"), 2.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pinned_evictions"), 1.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pinned_alloc_failures"), 1.0);
  EXPECT_DOUBLE_EQ(row(run.extra, "cuzk_pinned_total_gib_max"), 4.0);
  EXPECT_EQ(run.notes.back(), "3 malformed pinned pool entries (first at line 6)");
}

// A message is the whole message: other pacer messages, and a longer word, are not status lines.
TEST(CurrentEraParse, TracingMarkersAreWholeMessages) {
  const ProverLog log = parse_prover_log(
      "INFO engine: pacer: GPU rate calibrated, switching to PI control gpu_proc_ms=\"1534\"\n"
      "INFO engine: pacer: statusbar total=1\n"
      "INFO engine: pinned pool: checkin_all size_gib=1.0\n"
      "INFO engine: pinned pool checkout FAILED \xe2\x80\x94 falling back to unpinned pool_free=0\n");
  EXPECT_EQ(log.ignored_lines, 4u);
  EXPECT_TRUE(log.issues.empty());
}

// --- TIMELINE as it is today ----------------------------------------------------------------------

// GPU_QUEUE replaced CHAN_SEND: both pair with GPU_PICKUP; a monolithic proof's GPU_QUEUE carries
// the bare word "monolithic", read as it is (and SYNTH_START kind=..., SYNTH_END synth_ms=...).
TEST(CurrentEraParse, GpuQueueChanSendAndMonolithic) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,0,SYNTH_START,w,kind=WinningPost\n"
      "TIMELINE,100,SYNTH_END,w,synth_ms=100\n"
      "TIMELINE,100,GPU_QUEUE,w,monolithic\n"
      "TIMELINE,110,GPU_PICKUP,w,worker=0\n"
      "TIMELINE,120,CHAN_SEND,old,partition=0\n"
      "TIMELINE,150,GPU_PICKUP,old,worker=1,partition=0\n"
      "TIMELINE,160,GPU_QUEUE,j,monolithicx\n");
  ASSERT_EQ(log.events.size(), 6u);
  EXPECT_EQ(log.events[2].detail, "monolithic");
  ASSERT_EQ(log.issues.size(), 1u);  // only the listed bare words
  EXPECT_EQ(log.issues[0].line, 7u);
  const RunData run = run_data_from_log(log, "queue", 1);
  EXPECT_EQ(run.metrics.queue_wait_ms.count, 2u);
  EXPECT_DOUBLE_EQ(run.metrics.queue_wait_ms.mean, 20.0);  // (10 + 30) / 2
}

// Every kind of line in one log: each counted once, each kind's issue noted once.
TEST(CurrentEraParse, EveryKindCountedOnceAndNoted) {
  const ProverLog log = parse_prover_log(
      "TIMELINE,x,SYNTH_START,j,partition=0\n"
      "CUZK_TIMING: mutex_wait_ms=slow\n"
      "CUZK_NTT_H: total=1\n"
      "INFO e: pacer: status total=1\n"
      "INFO p: pinned pool: checkin size_gib=x\n"
      "unrelated\n"
      "TIMELINE,1,SYNTH_START,j,partition=0\n");
  EXPECT_EQ(log.lines, 7u);
  EXPECT_EQ(counted(log), log.lines);
  for (const LineKindInfo& k : kLineKinds) EXPECT_EQ(log.*k.lines, k.kind == LogIssueKind::timeline ? 2u : 1u);
  const RunData run = run_data_from_log(log, "kinds");
  const std::vector<std::string> expected = {
      "1 malformed TIMELINE line (line 1)",           "1 malformed CUZK_TIMING entry (line 2)",
      "1 malformed CUZK_NTT_H entry (line 3)",        "1 malformed pacer: status entry (line 4)",
      "2 malformed pinned pool entries (first at line 5)",
  };
  for (const std::string& note : expected)
    EXPECT_NE(std::find(run.notes.begin(), run.notes.end(), note), run.notes.end()) << note;
}

}  // namespace
}  // namespace zkc::analysis
