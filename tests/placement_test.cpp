// PlacementRecorder and placement.csv: pinned threads are seen exactly where they were pinned, by
// their own sched_getcpu samples and by a sampler reading /proc; the stat parser survives hostile
// thread names; exited threads are skipped without error; pools aggregate; the CSV quotes what it must.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <filesystem>
#include <latch>
#include <memory>
#include <string>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "harness/results/csv.hpp"
#include "harness/results/placement_csv.hpp"
#include "harness/system/text_file.hpp"
#include "harness/system/errno_text.hpp"
#include "harness/topology/placement_recorder.hpp"

namespace zkc::harness::topology {
namespace {

namespace fs = std::filesystem;

// True when this process may run on `cpu` (a container's cpuset may exclude some).
bool cpu_allowed(unsigned cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) != 0) return false;
  return CPU_ISSET(cpu, &set) != 0;
}

std::string pin_current_thread(unsigned cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  const int err = ::pthread_setaffinity_np(::pthread_self(), sizeof set, &set);
  return err == 0 ? std::string() : fmt::format("pthread_setaffinity_np: {}", errno_text(err));
}

bool sched_file_readable() { return ::access("/proc/thread-self/sched", R_OK) == 0; }

const PlacementRow* find_row(const std::vector<PlacementRow>& rows, const std::string& name) {
  for (const auto& r : rows)
    if (r.name == name) return &r;
  return nullptr;
}

// A stat line as Linux writes it, with `comm` verbatim, field 22 (start time) and 39 (processor) set.
std::string stat_line(const std::string& comm, unsigned long start_time, unsigned processor) {
  std::string line = "4242 (" + comm + ") S";
  for (int field = 4; field <= 52; ++field) {
    line += ' ';
    if (field == 22)
      line += std::to_string(start_time);
    else if (field == 39)
      line += std::to_string(processor);
    else
      line += std::to_string(field * 10);
  }
  return line + "\n";
}

TEST(PlacementParse, StatFieldsAfterTheLastParenthesis) {
  const auto s = parse_task_stat(stat_line("evil) (name  with ) 39 spaces", 777, 5));
  ASSERT_TRUE(s.has_value());
  EXPECT_EQ(s->state, 'S');
  EXPECT_EQ(s->start_time, 777u);
  EXPECT_EQ(s->processor, 5u);
  const auto plain = parse_task_stat(stat_line("synth-0", 1, 191));
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->processor, 191u);
  // Empty comm and a comm that is only parentheses.
  EXPECT_TRUE(parse_task_stat(stat_line("", 2, 0)).has_value());
  EXPECT_EQ(parse_task_stat(stat_line(")()(", 2, 3))->processor, 3u);
}

TEST(PlacementParse, MalformedStatLines) {
  EXPECT_FALSE(parse_task_stat("").has_value());
  EXPECT_FALSE(parse_task_stat("4242 (x S 1 2 3").has_value());                 // no ')'
  EXPECT_FALSE(parse_task_stat("4242 (x) S 1 2 3").has_value());                // too few fields
  EXPECT_FALSE(parse_task_stat("(x) " + stat_line("y", 1, 1).substr(9)).has_value());  // no pid
  std::string bad = stat_line("x", 1, 1);
  bad.replace(bad.rfind(" 400 "), 5, " 4x0 ");  // field 40 is fine to garble, field 39 is not
  EXPECT_TRUE(parse_task_stat(bad).has_value());
  std::string bad_cpu = "4242 (x) S";
  for (int field = 4; field <= 52; ++field) bad_cpu += field == 39 ? " cpu" : " 1";
  EXPECT_FALSE(parse_task_stat(bad_cpu).has_value());
}

TEST(PlacementParse, SchedMigrations) {
  const std::string sched =
      "synth-0 (4242, #threads: 3)\n"
      "-------------------------------------------------------------------\n"
      "se.exec_start                                :      123456.789012\n"
      "se.nr_migrations_cold                        :                   99\n"
      "se.nr_migrations                             :                   17\n"
      "nr_switches                                  :                  300\n";
  EXPECT_EQ(parse_sched_migrations(sched), 17u);
  EXPECT_FALSE(parse_sched_migrations("nr_switches : 3\n").has_value());
  EXPECT_FALSE(parse_sched_migrations("").has_value());
  EXPECT_EQ(parse_sched_migrations("se.nr_migrations : 0"), 0u);  // no final newline
}

TEST(PlacementRecorder, PinnedThreadsAreSeenWhereTheyWerePinned) {
  if (!cpu_allowed(0) || !cpu_allowed(1)) GTEST_SKIP() << "needs CPUs 0 and 1";
  PlacementRecorder rec;
  constexpr int kSelfSamples = 5;
  std::latch sampled(2), release(1);
  std::string errors[2];
  std::vector<std::thread> threads;
  for (unsigned cpu = 0; cpu < 2; ++cpu) {
    threads.emplace_back([&, cpu] {
      // Pinned before registering: the move onto the CPU is not one of the run's migrations.
      errors[cpu] = pin_current_thread(cpu);
      rec.register_thread(fmt::format("pool{}", cpu), fmt::format("t{}", cpu));
      for (int i = 0; i < kSelfSamples; ++i) {
        rec.sample_current_thread();
        ::sched_yield();
      }
      sampled.count_down();
      release.wait();  // alive while the main thread samples it from /proc
    });
  }
  sampled.wait();
  auto rows = rec.rows();
  ASSERT_EQ(rows.size(), 2u);
  for (unsigned cpu = 0; cpu < 2; ++cpu) {
    ASSERT_EQ(errors[cpu], "");
    const PlacementRow* row = find_row(rows, fmt::format("t{}", cpu));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->pool, fmt::format("pool{}", cpu));
    EXPECT_GT(row->tid, 0);
    EXPECT_EQ(row->samples, static_cast<std::size_t>(kSelfSamples));
    EXPECT_EQ(row->cpus, (std::vector<unsigned>{cpu}));
  }
  // The sampler's view, from /proc: the same CPUs.
  rec.sample_all();
  rec.sample_all();
  release.count_down();
  for (auto& t : threads) t.join();
  rows = rec.rows();
  for (unsigned cpu = 0; cpu < 2; ++cpu) {
    const PlacementRow* row = find_row(rows, fmt::format("t{}", cpu));
    ASSERT_NE(row, nullptr);
    EXPECT_EQ(row->samples, static_cast<std::size_t>(kSelfSamples + 2));
    EXPECT_EQ(row->cpus, (std::vector<unsigned>{cpu}));
    // A pinned thread cannot migrate; the scheduler's count is used where the kernel exposes it.
    EXPECT_EQ(row->migrations, 0u);
    EXPECT_EQ(row->migrations_source, sched_file_readable() ? kMigrationsFromSched : kMigrationsFromSamples);
  }
  EXPECT_TRUE(rec.errors().empty()) << rec.errors().front();
  const auto samples = rec.samples();
  EXPECT_EQ(samples.size(), static_cast<std::size_t>(2 * (kSelfSamples + 2)));
  for (std::size_t i = 1; i < samples.size(); ++i) EXPECT_LE(samples[i - 1].at, samples[i].at);
}

TEST(PlacementRecorder, ExitedThreadIsSkippedWithoutError) {
  PlacementRecorder rec;
  std::thread t([&] {
    rec.register_thread("dealloc", "dealloc-cpp");
    rec.sample_current_thread();
  });
  t.join();  // gone: its /proc/self/task/<tid> entry no longer exists
  rec.sample_all();
  rec.sample_all();
  const auto rows = rec.rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].samples, 1u);  // only its own sample
  EXPECT_EQ(rows[0].cpus.size(), 1u);
  // One scheduler reading (at registration) brackets nothing: the CPU-change count stands in.
  EXPECT_EQ(rows[0].migrations_source, kMigrationsFromSamples);
  EXPECT_EQ(rows[0].migrations, 0u);
  EXPECT_TRUE(rec.errors().empty()) << rec.errors().front();
}

TEST(PlacementRecorder, FinishClosesTheRowWithASchedReading) {
  PlacementRecorder rec;
  std::thread t([&] {
    rec.register_thread("prep", "prep-0");
    rec.finish_current_thread();
    rec.sample_current_thread();  // after finishing: not counted
  });
  t.join();
  const auto rows = rec.rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].samples, 1u);
  EXPECT_EQ(rows[0].migrations_source, sched_file_readable() ? kMigrationsFromSched : kMigrationsFromSamples);
  EXPECT_TRUE(rec.errors().empty()) << rec.errors().front();
}

TEST(PlacementRecorder, UnregisteredThreadsAndReRegistration) {
  PlacementRecorder rec;
  rec.sample_current_thread();  // not registered: ignored
  EXPECT_TRUE(rec.rows().empty());
  rec.register_thread("a", "first");
  rec.register_thread("b", "second");  // same live thread: renamed, not duplicated
  rec.sample_current_thread();
  const auto rows = rec.rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].pool, "b");
  EXPECT_EQ(rows[0].name, "second");
  EXPECT_EQ(rows[0].tid, static_cast<int>(::gettid()));
  EXPECT_EQ(rows[0].samples, 1u);
}

TEST(PlacementRecorder, RegisterByTidFromAnotherThread) {
  PlacementRecorder rec;
  std::atomic<pid_t> tid{0};
  std::latch registered(1);
  std::thread t([&] {
    tid = ::gettid();
    registered.wait();
  });
  while (tid.load() == 0) std::this_thread::yield();
  rec.register_tid("groth16", "gt-0", tid.load());
  rec.sample_all();
  registered.count_down();
  t.join();
  const auto rows = rec.rows();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tid, static_cast<int>(tid.load()));
  EXPECT_EQ(rows[0].samples, 1u);
  EXPECT_EQ(rows[0].cpus.size(), 1u);
}

TEST(PlacementRecorder, ByPoolAggregatesInRegistrationOrder) {
  PlacementRecorder rec;
  std::latch done(3), release(1);
  std::vector<std::thread> threads;
  const std::vector<std::pair<std::string, std::string>> who = {
      {"synthesis", "synth-0"}, {"groth16", "gt-0"}, {"synthesis", "synth-1"}};
  // Registered one after another so the pool order is fixed. The latches outlive the threads: a
  // latch may still be inside count_down when its waiter wakes.
  std::vector<std::unique_ptr<std::latch>> registered;
  for (const auto& [pool, name] : who) {
    registered.push_back(std::make_unique<std::latch>(1));
    std::latch& mine = *registered.back();
    threads.emplace_back([&rec, &done, &release, &mine, pool, name] {
      rec.register_thread(pool, name);
      mine.count_down();
      for (int i = 0; i < 3; ++i) rec.sample_current_thread();
      done.count_down();
      release.wait();
    });
    mine.wait();
  }
  done.wait();
  release.count_down();
  for (auto& t : threads) t.join();
  const auto rows = rec.rows();
  const auto pools = rec.by_pool();
  ASSERT_EQ(pools.size(), 2u);
  EXPECT_EQ(pools[0].pool, "synthesis");
  EXPECT_EQ(pools[0].threads, 2u);
  EXPECT_EQ(pools[0].samples, 6u);
  EXPECT_EQ(pools[1].pool, "groth16");
  EXPECT_EQ(pools[1].threads, 1u);
  EXPECT_EQ(pools[1].samples, 3u);
  std::vector<unsigned> synth_cpus;
  std::uint64_t synth_migrations = 0;
  for (const auto& r : rows) {
    if (r.pool != "synthesis") continue;
    synth_cpus.insert(synth_cpus.end(), r.cpus.begin(), r.cpus.end());
    synth_migrations += r.migrations;
  }
  std::sort(synth_cpus.begin(), synth_cpus.end());
  synth_cpus.erase(std::unique(synth_cpus.begin(), synth_cpus.end()), synth_cpus.end());
  EXPECT_EQ(pools[0].cpus, synth_cpus);
  EXPECT_EQ(pools[0].migrations, synth_migrations);
  EXPECT_EQ(pools[0].migrations_source, kMigrationsFromSamples);  // exited threads: one reading each
}

TEST(PlacementRecorder, ConcurrentSamplingAndSampler) {
  // Self-sampling threads, registering and exiting, against a sampler pass running meanwhile: no
  // crash, no error, every self sample counted.
  PlacementRecorder rec;
  std::atomic<bool> stop{false};
  std::thread sampler([&] {
    while (!stop.load()) rec.sample_all(false);
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i)
    threads.emplace_back([&, i] {
      rec.register_thread("pool", fmt::format("w{}", i));
      for (int k = 0; k < 200; ++k) rec.sample_current_thread();
    });
  for (auto& t : threads) t.join();
  stop = true;
  sampler.join();
  const auto rows = rec.rows();
  ASSERT_EQ(rows.size(), 8u);
  for (const auto& r : rows) EXPECT_GE(r.samples, 200u) << r.name;
  EXPECT_TRUE(rec.errors().empty()) << rec.errors().front();
}

TEST(PlacementCsv, HeaderRowsAndQuoting) {
  const fs::path dir = fs::temp_directory_path() / ("zkc-placement-test-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const fs::path path = dir / "placement.csv";
  const std::vector<PlacementRow> rows = {
      {"synthesis", "synth-0", 101, 12, {0, 1, 2, 3, 8}, 4, kMigrationsFromSched},
      {"odd, \"pool\"", "never sampled", 102, 0, {}, 0, kMigrationsFromSamples},
  };
  write_placement_csv(path, rows);
  const std::string text = read_text_file(path);
  fs::remove_all(dir);
  EXPECT_EQ(text,
            "pool,thread,tid,samples,cpus,migrations,migrations_source\n"
            "synthesis,synth-0,101,12,\"0-3,8\",4,se.nr_migrations\n"
            "\"odd, \"\"pool\"\"\",never sampled,102,0,,0,cpu_changes\n");
  const auto records = parse_csv(text, "placement.csv");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[1].fields[4], "0-3,8");
  EXPECT_EQ(records[2].fields[0], "odd, \"pool\"");
}

TEST(PlacementCsv, UnwritablePathNamesIt) {
  const std::vector<PlacementRow> rows;
  try {
    write_placement_csv("/nonexistent-zkc-dir/placement.csv", rows);
    FAIL() << "wrote into a missing directory";
  } catch (const std::system_error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent-zkc-dir/placement.csv"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace zkc::harness::topology
