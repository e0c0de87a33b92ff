// The reports' test data: a small synthetic run (2 proofs x 2 partitions with stages on every kind
// of lane, lock_held, dealloc, counter samples), sweep measurements (3 points x 2 arms x 3 repeats)
// and an A/B as `ab` records it; shared by the analysis_report*, analysis_verdict tests.
#pragma once

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/metrics/run_metrics.hpp"
#include "analysis/present/report_input.hpp"
#include "analysis/stats/arm_stats.hpp"

namespace zkc::analysis::report_fixtures {

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// How often `needle` occurs in `hay` (not overlapping).
inline std::size_t count(std::string_view hay, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t p = hay.find(needle); p != std::string_view::npos; p = hay.find(needle, p + needle.size())) ++n;
  return n;
}

inline StageRow stage(int proof, int partition, std::string name, double start, double end, std::string worker) {
  StageRow r;
  r.proof = proof;
  r.partition = partition;
  r.stage = std::move(name);
  r.start_ms = start;
  r.end_ms = end;
  r.worker = std::move(worker);
  return r;
}

inline std::string job(int proof) { return "proof-000" + std::to_string(proof); }

// 2 proofs x 2 partitions; partition q of every proof runs on synth-q and gpu0.q. Partitions start on
// the GPU 150 ms apart while prep (200 ms) and dealloc_cpp (165 ms) last longer: those lanes need two
// rows. 16 stage rows per partition, 64 in all; lanes: synth-0, synth-1, synth-pool, gpu0.0, gpu0.1,
// prep (2 rows), groth16, finalizer, dealloc-cpp (2 rows), dealloc-rust: 12 tracks.
inline RunData synthetic_run(const std::string& id, const std::string& label) {
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

inline constexpr int kTracks = 12;
inline constexpr std::size_t kSpans = 64;

inline const std::vector<std::string> kPoints = {"c=1 j=1", "c=5 j=5", "c=10 j=10"};
inline const std::vector<std::string> kArms = {"baseline", "I1+I2+I3"};

// 3 points x 2 arms x 3 repeats. The intervention arm is 8% faster everywhere but in isolation, where
// it is 2% faster; stages inflate with concurrency; L3 misses were not measured (NaN).
inline std::vector<Measurement> sweep_measurements() {
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

inline ReportInput sweep_input() {
  ReportInput in;
  in.title = "sweep c/j";
  in.runs = {synthetic_run("run-a", "baseline c=10 j=10"), synthetic_run("run-b", "I1+I2+I3 c=10 j=10")};
  in.measurements = sweep_measurements();
  in.notes = {"synthetic data"};
  in.after_arm = "I1+I2+I3";
  return in;
}

inline ArmSummary summary(std::string point, std::string arm, std::string metric, double median, double lo, double hi) {
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

// An A/B as `ab` records it: 3 arms x 3 repeats, each value naming its run folder; arena recycles
// buffers (few releases), I1+I2+I3 is 10% faster. Runs: one RunData per (arm, repeat).
inline ReportInput ab_input() {
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

}  // namespace zkc::analysis::report_fixtures
