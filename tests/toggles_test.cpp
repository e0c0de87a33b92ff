// The A/B toggles are declared once (harness/config/toggles.hpp): the schema, the default arms and the
// run header all read that list.
#include <gtest/gtest.h>

#include <sched.h>

#include <algorithm>
#include <atomic>
#include <set>
#include <stdexcept>

#include "harness/cli/arms.hpp"
#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"
#include "harness/config/toggles.hpp"
#include "harness/engine/dealloc_crew.hpp"

namespace zkc::config {
namespace {

TEST(Toggles, EveryToggleIsASchemaKeyDocumentedAsAToggle) {
  std::set<std::string> keys;
  for (const Toggle& t : toggles()) {
    SCOPED_TRACE(t.key.key);
    EXPECT_TRUE(keys.insert(t.key.key).second) << "declared twice";
    const KeySpec* spec = pipeline_schema().find(t.key.key);
    ASSERT_NE(spec, nullptr);
    EXPECT_NE(spec->doc.find("A/B toggle \"" + t.label + "\""), std::string::npos) << spec->doc;
    if (t.arms != Toggle::Arms::kNone) {
      ASSERT_TRUE(t.on);
      // The value an arm sets is one the key accepts.
      const Config cfg = load_config(pipeline_schema(), {}, {t.key.key + "=" + t.on(96)});
      EXPECT_NE(describe_toggles(cfg).find(t.label), std::string::npos);
    }
  }
  for (const char* k : {"interventions.serialize_dealloc", "gpus.gpu_threads", "interventions.membw_throttle",
                        "engine.finalize", "engine.max_finalizing", "engine.abc_release", "interventions.throttle_flag"}) {
    EXPECT_TRUE(keys.count(k)) << k;
  }
}

TEST(Toggles, DefaultArmsStackTheInterventionsThenTheStandAloneToggles) {
  const auto arms = cli::default_arms(96);
  std::vector<std::string> names;
  for (const auto& a : arms) names.push_back(a.name);
  EXPECT_EQ(names, (std::vector<std::string>{"baseline", "I1", "I1+I2", "I1+I2+I3", "split", "arena"}));
  EXPECT_TRUE(arms[0].overrides.empty());
  EXPECT_EQ(arms[3].overrides, (std::vector<std::string>{"interventions.serialize_dealloc=true", "gpus.gpu_threads=16",
                                                         "interventions.membw_throttle=true"}));
  EXPECT_EQ(arms[4].overrides, std::vector<std::string>{"engine.finalize=\"split\""});
  // I2 is the seed's share of the pool, clamped to [1, 32].
  EXPECT_EQ(cli::default_arms(2)[2].overrides[1], "gpus.gpu_threads=1");
  EXPECT_EQ(cli::default_arms(384)[2].overrides[1], "gpus.gpu_threads=32");
}

TEST(Toggles, TheHeaderShowsEveryToggleWithResolvedValues) {
  const Config cfg = load_config(pipeline_schema(), {}, {"interventions.serialize_dealloc=true",
                                                         "engine.finalize=\"split\""});
  const std::string line = describe_toggles(cfg, {{"gpus.gpu_threads", Value{std::int64_t{8}}}});
  for (const Toggle& t : toggles()) EXPECT_NE(line.find(t.label + " "), std::string::npos) << t.label;
  EXPECT_NE(line.find("I1 on"), std::string::npos) << line;
  EXPECT_NE(line.find("I2 8 threads"), std::string::npos) << line;
  EXPECT_NE(line.find("I3 off"), std::string::npos) << line;
  EXPECT_NE(line.find("finalize split"), std::string::npos) << line;
}

// What behaviours read: every toggle's value, by key, from the configuration; an undeclared key or a
// non-boolean read as a flag is a programming error, not a silent default.
TEST(ToggleValues, HoldEveryToggleFromTheConfigAndRefuseUndeclaredKeys) {
  const ToggleValues defaults;
  EXPECT_FALSE(defaults.flag("interventions.serialize_dealloc"));
  const ToggleValues on(load_config(pipeline_schema(), {}, {"interventions.serialize_dealloc=true"}));
  EXPECT_TRUE(on.flag("interventions.serialize_dealloc"));
  for (const Toggle& t : toggles()) EXPECT_NO_THROW((void)on.value(t.key.key)) << t.key.key;
  EXPECT_THROW((void)on.flag("interventions.no_such_toggle"), std::logic_error);
  EXPECT_THROW((void)on.flag("memory.allocator"), std::logic_error);  // an enum, not a flag
}

// interventions.pin_dealloc (the worked example of docs/ARCHITECTURE.md): with it on, a dealloc thread
// runs bound to the highest CPU the process may use; off, it keeps the process's whole mask.
TEST(ToggleValues, PinDeallocBindsEachDeallocThreadToTheLastAllowedCpu) {
  cpu_set_t mask;
  CPU_ZERO(&mask);
  ASSERT_EQ(sched_getaffinity(0, sizeof mask, &mask), 0);
  int last = -1;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
    if (CPU_ISSET(cpu, &mask)) last = cpu;
  for (const bool on : {false, true}) {
    const ToggleValues toggles(
        load_config(pipeline_schema(), {}, {std::string("interventions.pin_dealloc=") + (on ? "true" : "false")}));
    harness::Recorder recorder;
    std::atomic<int> cpus_allowed{0}, only{-1};
    {
      harness::DeallocCrew crew(recorder, false, 0, nullptr, nullptr, nullptr, &toggles);
      crew.spawn(harness::DeallocSide::kCpp, 0, 0, [&] {
        cpu_set_t now;
        CPU_ZERO(&now);
        if (sched_getaffinity(0, sizeof now, &now) == 0) cpus_allowed = CPU_COUNT(&now);
        for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu)
          if (CPU_ISSET(cpu, &now)) only = cpu;
        return std::string();
      });
      crew.wait_idle();
    }
    if (on) {
      EXPECT_EQ(cpus_allowed.load(), 1);
      EXPECT_EQ(only.load(), last);
    } else {
      EXPECT_EQ(cpus_allowed.load(), CPU_COUNT(&mask));
    }
  }
}

}  // namespace
}  // namespace zkc::config
