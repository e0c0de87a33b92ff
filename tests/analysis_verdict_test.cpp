// The verdict of an A/B on synthetic data: arms ranked by s/proof with each one's answer (undecided
// at three rounds, decided by the sequential design with its controls judged), the median run named,
// and outlier runs warned about with their likely cause while they stay in the statistics.
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "analysis/report/report_md.hpp"
#include "analysis/report/verdict.hpp"
#include "tests/support/report_fixtures.hpp"


namespace zkc::analysis {
namespace {

using namespace report_fixtures;

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
  for (const auto& d : v.primary) {
    if (d.arm == "neg-control") {
      EXPECT_GE(d.decision.n, 6u);
    }
  }
}

}  // namespace
}  // namespace zkc::analysis
