// Strict configuration loading: defaults, file order, --set overrides, and error messages that name
// the source, the key and what is accepted.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "harness/config/config_loader.hpp"
#include "harness/config/pipeline_schema.hpp"

namespace zkc::config {
namespace {

ConfigSchema test_schema() {
  ConfigSchema s;
  s.add({.key = "batch.count", .type = ValueType::kInt, .default_value = std::int64_t{1}, .min = 1, .max = 100000,
         .unit = "proofs", .doc = "c"});
  s.add({.key = "batch.concurrency", .type = ValueType::kInt, .default_value = std::int64_t{1}, .min = 1,
         .max = 1000, .unit = "proofs", .doc = "j"});
  s.add({.key = "workload.scale", .type = ValueType::kFloat, .default_value = 0.01, .min = 1e-6, .max = 1.0,
         .doc = "size factor"});
  s.add({.key = "memory.release", .type = ValueType::kEnum, .default_value = std::string("munmap"),
         .choices = {"munmap", "madv_dontneed", "madv_free", "reuse"}, .doc = "release method"});
  s.add({.key = "interventions.serialize_dealloc", .type = ValueType::kBool, .default_value = false, .doc = "I1"});
  return s;
}

std::string load_error(const std::vector<TomlSource>& sources, const std::vector<std::string>& overrides) {
  try {
    load_config(test_schema(), sources, overrides);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(Config, DefaultsApplyWithOrigin) {
  const Config c = load_config(test_schema(), {}, {});
  EXPECT_EQ(c.get_int("batch.count"), 1);
  EXPECT_EQ(c.get_string("memory.release"), "munmap");
  EXPECT_EQ(c.at("batch.count").origin, "default");
}

TEST(Config, LaterFileWinsAndSetWinsOverFiles) {
  const Config c = load_config(test_schema(),
                               {{"a.toml", "[batch]\ncount = 5\nconcurrency = 5\n"},
                                {"b.toml", "[batch]\ncount = 20\n"}},
                               {"batch.concurrency=15", "memory.release=reuse", "workload.scale=0.5"});
  EXPECT_EQ(c.get_int("batch.count"), 20);
  EXPECT_EQ(c.at("batch.count").origin, "b.toml:2");
  EXPECT_EQ(c.get_int("batch.concurrency"), 15);
  EXPECT_EQ(c.at("batch.concurrency").origin, "--set");
  EXPECT_EQ(c.get_string("memory.release"), "reuse");
  EXPECT_DOUBLE_EQ(c.get_double("workload.scale"), 0.5);
}

TEST(Config, UnknownKeyNamesItWithClosestKnownKeyAndLine) {
  const std::string e = load_error({{"p.toml", "[batch]\ncount = 2\ncuncurrency = 3\n"}}, {});
  EXPECT_NE(e.find("p.toml:3"), std::string::npos) << e;
  EXPECT_NE(e.find("unknown key 'batch.cuncurrency'"), std::string::npos) << e;
  EXPECT_NE(e.find("did you mean 'batch.concurrency'"), std::string::npos) << e;
}

TEST(Config, FarOffUnknownKeyGetsNoSuggestion) {
  const std::string e = load_error({}, {"zzzzzz.qqqqqqq=1"});
  EXPECT_NE(e.find("unknown key 'zzzzzz.qqqqqqq'"), std::string::npos) << e;
  EXPECT_EQ(e.find("did you mean"), std::string::npos) << e;
}

TEST(Config, WrongTypeNamesAcceptedType) {
  const std::string e = load_error({{"p.toml", "[batch]\ncount = \"ten\"\n"}}, {});
  EXPECT_NE(e.find("p.toml:2: batch.count: expected an integer in [1, 100000]"), std::string::npos) << e;
}

TEST(Config, OutOfRangeNamesRange) {
  const std::string e = load_error({}, {"batch.count=0"});
  EXPECT_NE(e.find("--set: batch.count: out of range: expected an integer in [1, 100000]"), std::string::npos) << e;
}

// nan compares false with every bound, so a plain range check lets it through (and inf through a
// one-sided range): every float key of the real schema refuses both, from --set and from TOML.
TEST(Config, NonFiniteNumbersAreRefusedForEveryFloatKey) {
  const ConfigSchema& schema = pipeline_schema();
  std::size_t floats = 0;
  for (const KeySpec& spec : schema.keys()) {
    if (spec.type != ValueType::kFloat) continue;
    ++floats;
    for (const char* v : {"nan", "inf", "-inf"}) {
      try {
        load_config(schema, {}, {spec.key + "=" + v});
        ADD_FAILURE() << spec.key << "=" << v << " was accepted";
      } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find(spec.key), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("not a finite number"), std::string::npos) << e.what();
      }
    }
    const auto dot = spec.key.rfind('.');
    const std::string toml = "[" + spec.key.substr(0, dot) + "]\n" + spec.key.substr(dot + 1) + " = nan\n";
    try {
      load_config(schema, {{"p.toml", toml}}, {});
      ADD_FAILURE() << spec.key << " = nan in TOML was accepted";
    } catch (const ConfigError& e) {
      EXPECT_NE(std::string(e.what()).find("p.toml:2"), std::string::npos) << e.what();
    }
  }
  EXPECT_GT(floats, 10u);  // the schema has float keys to check (gpu.vram_gib, workload.local_fraction, ...)
}

TEST(Config, EnumListsChoices) {
  const std::string e = load_error({{"p.toml", "[memory]\nrelease = \"free\"\n"}}, {});
  EXPECT_NE(e.find("expected one of: munmap, madv_dontneed, madv_free, reuse"), std::string::npos) << e;
}

TEST(Config, MalformedSetAndBadValueText) {
  EXPECT_NE(load_error({}, {"batch.count"}).find("expected key=value"), std::string::npos);
  EXPECT_NE(load_error({}, {"batch.count=12x"}).find("--set batch.count='12x': expected an integer"),
            std::string::npos);
  EXPECT_NE(load_error({}, {"interventions.serialize_dealloc=yes"}).find("expected a boolean"), std::string::npos);
}

TEST(Config, EveryErrorIsReportedAtOnce) {
  const std::string e = load_error({{"p.toml", "[batch]\ncount = -1\nbogus = 1\n"}}, {"workload.scale=2"});
  EXPECT_NE(e.find("batch.count"), std::string::npos) << e;
  EXPECT_NE(e.find("batch.bogus"), std::string::npos) << e;
  EXPECT_NE(e.find("workload.scale"), std::string::npos) << e;
}

TEST(Config, TomlSyntaxErrorNamesFileAndLine) {
  const std::string e = load_error({{"broken.toml", "[batch]\ncount = = 3\n"}}, {});
  EXPECT_NE(e.find("broken.toml:2: TOML syntax error"), std::string::npos) << e;
}

TEST(Config, UnreadableFileNamesPathAndErrno) {
  try {
    load_config_files(test_schema(), {std::filesystem::path("/nonexistent/zkc.toml")}, {});
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("/nonexistent/zkc.toml: cannot read config file: No such file or directory"),
              std::string::npos) << msg;
  }
}

TEST(ConfigSchema, RejectsDuplicateKeysAndInvalidDefaults) {
  ConfigSchema s = test_schema();
  EXPECT_THROW(s.add({.key = "batch.count", .type = ValueType::kInt, .default_value = std::int64_t{1}}),
               std::logic_error);
  EXPECT_THROW(s.add({.key = "x.y", .type = ValueType::kInt, .default_value = std::int64_t{0}, .min = 1}),
               std::logic_error);
}

}  // namespace
}  // namespace zkc::config
