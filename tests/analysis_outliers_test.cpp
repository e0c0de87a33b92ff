// find_outliers on synthetic A/B measurements with known answers: which runs are flagged (the robust
// rule, its pooled spread for few runs, its floor when the MAD is 0) and the cause named from the
// runs' noise rows.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "analysis/stats/outliers.hpp"

namespace zkc::analysis {
namespace {

// One run's numbers: s/proof and its noise readings (negative: not recorded).
struct RunNumbers {
  double s_per_proof;
  double other = 0.01, steal = 0.001, load = 1.1;
};

void add(std::vector<Measurement>& data, const std::string& point, const std::string& arm,
         const std::vector<RunNumbers>& runs, bool with_noise = true) {
  for (std::size_t i = 0; i < runs.size(); ++i) {
    const int rep = static_cast<int>(i);
    const std::string folder = "runs/" + (point.empty() ? "" : point + "/") + arm + "-r" + std::to_string(i);
    data.push_back({point, arm, rep, "s_per_proof", runs[i].s_per_proof, folder});
    data.push_back({point, arm, rep, "gpu_util", 0.5, folder});
    if (!with_noise) continue;
    data.push_back({point, arm, rep, "noise_other_cpu_share", runs[i].other, folder});
    data.push_back({point, arm, rep, "noise_steal_share", runs[i].steal, folder});
    data.push_back({point, arm, rep, "noise_load1_start", runs[i].load, folder});
  }
}

std::vector<RunNumbers> plain(const std::vector<double>& s) {
  std::vector<RunNumbers> out;
  for (double x : s) out.push_back({x});
  return out;
}

TEST(Outliers, ASlowRunIsFlaggedWithTheOtherProcessesThatSlowedIt) {
  std::vector<Measurement> data;
  std::vector<RunNumbers> base = plain({1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01});
  base.push_back({1.30, 0.23});
  add(data, "", "baseline", base);
  add(data, "", "I1", plain({0.90, 0.91, 0.89, 0.92, 0.88, 0.90, 0.91, 0.90}));
  const auto out = find_outliers(data);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].arm, "baseline");
  EXPECT_EQ(out[0].point, "");
  EXPECT_EQ(out[0].run, "runs/baseline-r7");
  EXPECT_DOUBLE_EQ(out[0].value, 1.30);
  EXPECT_DOUBLE_EQ(out[0].median, 1.005);
  // MAD 0.01: scale 0.014826, so 0.295 away is a score of ~19.9.
  EXPECT_NEAR(out[0].score, 0.295 / 0.014826, 1e-9);
  EXPECT_EQ(out[0].cause, "other processes used 23% of the CPU (typical 1.0%)");
  // Nothing was removed: the data still holds the run.
  EXPECT_EQ(data.size(), 16u * 5u);
}

TEST(Outliers, SeveralCausesAreNamedAndUnremarkableReadingsAreNot) {
  std::vector<Measurement> data;
  std::vector<RunNumbers> base = plain({2.00, 2.02, 1.98, 2.01, 1.99, 2.00});
  base.push_back({2.60, 0.012, 0.08, 3.2});
  add(data, "", "baseline", base);
  const auto out = find_outliers(data);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].cause, "steal 8.0% (typical 0.1%); load 3.2 at start (typical 1.1)");
}

TEST(Outliers, NoVisibleCauseAndNoReadingsAreSaidAsSuch) {
  std::vector<Measurement> same;
  add(same, "", "baseline", plain({1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.50}));
  const auto a = find_outliers(same);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].cause, "no visible cause");

  std::vector<Measurement> bare;
  add(bare, "", "baseline", plain({1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.50}), false);
  const auto b = find_outliers(bare);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(b[0].cause, "no noise readings for this run");
}

TEST(Outliers, AFastRunIsExplainedByLessNoiseThanUsual) {
  std::vector<Measurement> data;
  std::vector<RunNumbers> base;
  for (double s : {1.30, 1.31, 1.29, 1.32, 1.28, 1.30, 1.31}) base.push_back({s, 0.30});
  base.push_back({1.00, 0.01});
  add(data, "", "baseline", base);
  const auto out = find_outliers(data);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_DOUBLE_EQ(out[0].value, 1.00);
  EXPECT_EQ(out[0].cause, "other processes used 1.0% of the CPU (typical 30%)");
}

TEST(Outliers, TightRunsHaveNone) {
  std::vector<Measurement> data;
  add(data, "", "baseline", plain({1.00, 1.01, 0.99, 1.02, 0.98, 1.00, 1.01, 1.03}));
  add(data, "", "I1", plain({0.90, 0.91, 0.89}));
  EXPECT_TRUE(find_outliers(data).empty());
}

// More than half the runs equal: the MAD is 0, and the floor (0.5% of the median) is the scale, so a
// run 5% off is flagged and one 1.5% off (score 3) is not.
TEST(Outliers, ZeroMadFallsBackToTheFloor) {
  std::vector<Measurement> far, near;
  add(far, "", "baseline", plain({2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.1}));
  add(near, "", "baseline", plain({2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.0, 2.03}));
  const auto out = find_outliers(far);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_NEAR(out[0].score, 10.0, 1e-9);
  EXPECT_TRUE(find_outliers(near).empty());
}

// Three runs per arm: the spread is pooled over the point's arms (relative deviations, each arm's
// median run left out): 0.01 here, so C's 1.25 (24% above its median 1.01) stands out and A's 0.99
// (1% off) does not.
TEST(Outliers, FewRunsUseThePointsPooledSpread) {
  std::vector<Measurement> data;
  add(data, "", "A", plain({1.00, 1.01, 0.99}));
  add(data, "", "B", plain({1.00, 1.02, 0.99}));
  add(data, "", "C", plain({1.00, 1.01, 1.25}));
  const auto out = find_outliers(data);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].arm, "C");
  EXPECT_EQ(out[0].run, "runs/C-r2");
  EXPECT_NEAR(out[0].score, 0.24 / (1.4826 * 0.01 * 1.01), 1e-6);
}

// The same runs, C at another sweep point: points are not pooled together, and C's point alone has
// two deviations, too few to know its spread, so nothing is judged there (nor at A and B's point).
TEST(Outliers, PointsArePooledSeparatelyAndAnUnknownSpreadFlagsNothing) {
  std::vector<Measurement> data;
  add(data, "c=1", "A", plain({1.00, 1.01, 0.99}));
  add(data, "c=1", "B", plain({1.00, 1.02, 0.99}));
  add(data, "c=2", "C", plain({1.00, 1.01, 1.25}));
  EXPECT_TRUE(find_outliers(data).empty());
  // Three more arms at c=2 give it a spread, and C's run stands out again.
  add(data, "c=2", "D", plain({1.00, 1.01, 0.99}));
  add(data, "c=2", "E", plain({1.00, 1.02, 0.99}));
  const auto out = find_outliers(data);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].point, "c=2");
  EXPECT_EQ(out[0].arm, "C");
}

TEST(Outliers, TwoRunsNeverStandOut) {
  std::vector<Measurement> data;
  add(data, "", "A", plain({1.0, 2.0}));
  EXPECT_TRUE(find_outliers(data).empty());
}

TEST(Outliers, OnlyTheChosenMetricIsJudged) {
  std::vector<Measurement> data;
  add(data, "", "A", plain({1.00, 1.01, 0.99, 1.02, 0.98}));
  for (int i = 0; i < 5; ++i) data.push_back({"", "A", i, "gpu_util", i == 4 ? 0.1 : 0.5, "runs/A-r" + std::to_string(i)});
  EXPECT_TRUE(find_outliers(data).empty());
  OutlierOptions o;
  o.metric = "gpu_util";
  const auto out = find_outliers(data, o);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_DOUBLE_EQ(out[0].value, 0.1);
  EXPECT_EQ(out[0].cause, "no visible cause");
}

}  // namespace
}  // namespace zkc::analysis
