// share_machine_counts: spans of one stage kind share a machine-wide count by time overlap, so their
// sum never exceeds what the machine counted (hand-computed cases, no timing).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "harness/recorder/machine_share.hpp"

namespace zkc::harness {
namespace {

// A span whose counters are {own per-thread value, machine delta as read} with raw readings mb..me.
StageSpan span(const char* stage, double start, double end, double mb, double me) {
  StageSpan s;
  s.stage = stage;
  s.start_ms = start;
  s.end_ms = end;
  s.counters = {7.0, me - mb};
  s.machine_begin = mb;
  s.machine_end = me;
  return s;
}

double machine(const StageSpan& s) { return *s.counters.back(); }

TEST(MachineShare, TwoIdenticalOverlappingSpansSplitTheCountInHalves) {
  std::vector<StageSpan> v = {span("b_g2_msm", 0, 10, 100, 200), span("b_g2_msm", 0, 10, 100, 200)};
  share_machine_counts(v);
  EXPECT_DOUBLE_EQ(machine(v[0]), 50);
  EXPECT_DOUBLE_EQ(machine(v[1]), 50);
  EXPECT_DOUBLE_EQ(*v[0].counters[0], 7);  // per-thread columns are left alone
}

TEST(MachineShare, PartialOverlapSharesOnlyTheCommonInterval) {
  // Machine count: 100 at 0, 130 at 5, 160 at 10, 200 at 15. A covers [0,10], B covers [5,15].
  std::vector<StageSpan> v = {span("spmv", 0, 10, 100, 160), span("spmv", 5, 15, 130, 200)};
  share_machine_counts(v);
  EXPECT_DOUBLE_EQ(machine(v[0]), 30 + 15);  // [0,5] alone, half of [5,10]
  EXPECT_DOUBLE_EQ(machine(v[1]), 15 + 40);  // half of [5,10], [10,15] alone
  EXPECT_DOUBLE_EQ(machine(v[0]) + machine(v[1]), 100);  // = 200 - 100, not 60 + 70
}

TEST(MachineShare, KindsAreSharedSeparatelyAndGapsAreChargedToNone) {
  std::vector<StageSpan> v = {span("witness_gen", 0, 10, 0, 10), span("witness_gen", 20, 30, 50, 60),
                              span("dealloc_rust", 0, 30, 0, 60)};
  share_machine_counts(v);
  EXPECT_DOUBLE_EQ(machine(v[0]), 10);
  EXPECT_DOUBLE_EQ(machine(v[1]), 10);  // the 40 counted in [10,20] belong to no witness_gen
  EXPECT_DOUBLE_EQ(machine(v[2]), 60);  // alone in its kind: its whole reading
}

TEST(MachineShare, ReadingsOutOfOrderAreMadeMonotone) {
  // B's begin reading (95) was taken a little before A's end reading (100) was stored, at a later time.
  std::vector<StageSpan> v = {span("x", 0, 10, 0, 100), span("x", 12, 20, 95, 120)};
  share_machine_counts(v);
  EXPECT_DOUBLE_EQ(machine(v[0]), 100);
  EXPECT_DOUBLE_EQ(machine(v[1]), 20);
  EXPECT_LE(machine(v[0]) + machine(v[1]), 120);
}

TEST(MachineShare, SpansWithoutReadingsOrValuesAreUntouched) {
  StageSpan none = span("x", 0, 10, 0, 10);
  none.machine_begin = std::numeric_limits<double>::quiet_NaN();
  StageSpan unavailable = span("x", 0, 10, 0, 10);
  unavailable.counters.back() = std::nullopt;
  StageSpan unmeasured;
  unmeasured.stage = "x";
  std::vector<StageSpan> v = {none, unavailable, unmeasured};
  share_machine_counts(v);
  EXPECT_DOUBLE_EQ(machine(v[0]), 10);
  EXPECT_FALSE(v[1].counters.back().has_value());
  EXPECT_TRUE(v[2].counters.empty());
}

TEST(MachineShare, ManyOverlappingSpansNeverExceedTheMachineTotal) {
  std::vector<StageSpan> v;
  // 50 staggered spans over a counter rising 3 per ms from 0 at t=0 to 3 * 300 at t=300.
  for (int i = 0; i < 50; ++i) {
    const double s = 5.0 * i, e = s + 50 + (i % 7) * 10;
    v.push_back(span("b_g2_msm", s, e, 3 * s, 3 * e));
  }
  double naive = 0;
  for (const auto& s : v) naive += machine(s);
  share_machine_counts(v);
  double sum = 0;
  for (const auto& s : v) sum += machine(s);
  EXPECT_GT(naive, 900);  // counting each span's full reading would exceed the machine's count
  double last_end = 0;
  for (const auto& s : v) last_end = std::max(last_end, s.end_ms);
  EXPECT_NEAR(sum, 3 * last_end, 1e-9);  // the union [0, last_end] is covered without gaps
}

}  // namespace
}  // namespace zkc::harness
