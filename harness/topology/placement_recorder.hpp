// PlacementRecorder: where each pool's threads actually ran, as opposed to where the pin plan said
// they may run. Two sources of samples:
//   - the thread itself: sched_getcpu() (at most one syscall; cheap enough for stage boundaries);
//   - a sampler thread: the `processor` field of /proc/self/task/<tid>/stat for every registered
//     thread (the CPU it last ran on), so threads that never sample themselves are still seen.
// Migrations come from the scheduler's own count (se.nr_migrations in /proc/self/task/<tid>/sched,
// kernels with CONFIG_SCHED_DEBUG), taken relative to its first reading; where that file is missing,
// from the CPU changes between consecutive samples (a lower bound: migrations between two samples
// that return to the same CPU are invisible).
// Thread-safe: one mutex; threads may exit at any time, and a thread that is gone is skipped silently.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace zkc::harness::topology {

inline constexpr const char* kMigrationsFromSched = "se.nr_migrations";
inline constexpr const char* kMigrationsFromSamples = "cpu_changes";

// One thread as it ran.
struct PlacementRow {
  std::string pool, name;
  int tid = 0;
  std::size_t samples = 0;
  std::vector<unsigned> cpus;      // distinct CPUs seen, ascending
  std::uint64_t migrations = 0;
  std::string migrations_source;   // kMigrationsFromSched or kMigrationsFromSamples
};

// One pool (every thread registered under its name).
struct PoolPlacement {
  std::string pool;
  std::size_t threads = 0;
  std::size_t samples = 0;
  std::vector<unsigned> cpus;      // union of its threads' CPUs, ascending
  std::uint64_t migrations = 0;    // sum over its threads
  std::string migrations_source;   // the threads' source; "mixed" when they differ
};

// One sample, for timelines.
struct PlacementSample {
  int tid = 0;
  std::chrono::steady_clock::time_point at;
  unsigned cpu = 0;
};

// The fields of /proc/<pid>/task/<tid>/stat this recorder needs.
struct TaskStat {
  char state = '?';
  std::uint64_t start_time = 0;  // field 22, clock ticks since boot: tells a reused tid from the original
  unsigned processor = 0;        // field 39: CPU the thread last ran on
};
// Parses one stat line. The comm field (2) is in parentheses and may itself contain spaces and
// parentheses, so fields are counted after the last ')'. nullopt for a malformed line.
std::optional<TaskStat> parse_task_stat(std::string_view line);
// se.nr_migrations from the text of /proc/<pid>/task/<tid>/sched; nullopt when absent.
std::optional<std::uint64_t> parse_sched_migrations(std::string_view text);

class PlacementRecorder {
 public:
  using Clock = std::chrono::steady_clock;

  // Samples kept per thread for samples(); beyond it only the aggregates (CPUs, counts, changes)
  // grow, so a long run sampled often cannot grow memory without bound.
  static constexpr std::size_t kMaxSamplesPerThread = 1u << 14;

  // Called on the thread itself: remembers its tid, pool and name, and the scheduler's migration
  // count at this point (the baseline). Registering the same live thread again renames it.
  void register_thread(std::string pool, std::string name);
  // The same for another thread of this process, by Linux tid (e.g. ThreadPool::thread_ids()).
  void register_tid(std::string pool, std::string name, pid_t tid);

  // sched_getcpu() of the calling thread, with a timestamp. Ignored for an unregistered thread.
  void sample_current_thread();
  // From any thread (a sampler): for every registered thread still alive, its stat `processor` and,
  // with `migrations`, its se.nr_migrations (a second, larger /proc read per thread). Call it once
  // more, with migrations, after the pipeline finishes and before the pools are destroyed, so the
  // migration counts cover the whole run.
  void sample_all(bool migrations = true);
  // Called on the thread itself just before it ends (short-lived prep and dealloc threads that a
  // sampler may never catch): one CPU sample plus its se.nr_migrations.
  void finish_current_thread();

  // Per thread, in registration order.
  std::vector<PlacementRow> rows() const;
  // Per pool, in the order pools were first registered.
  std::vector<PoolPlacement> by_pool() const;
  // The kept samples of every thread, in time order.
  std::vector<PlacementSample> samples() const;
  // Failures other than "the thread is gone" (errno text, deduplicated, at most 16), for meta.json.
  std::vector<std::string> errors() const;

 private:
  struct ThreadState {
    std::string pool, name;
    pid_t tid = 0;
    std::optional<std::uint64_t> start_time;  // from stat; guards against a reused tid
    bool gone = false;                        // its /proc entry vanished or was reused
    std::size_t samples = 0;
    std::map<unsigned, std::size_t> cpus;     // CPU -> samples on it
    std::optional<unsigned> last_cpu;
    std::uint64_t cpu_changes = 0;
    std::optional<std::uint64_t> migrations_first, migrations_last;  // se.nr_migrations readings
    std::size_t migration_readings = 0;
    std::vector<PlacementSample> kept;
  };

  void add_sample_locked(ThreadState& t, Clock::time_point at, unsigned cpu);
  void note_error_locked(std::string message);
  ThreadState* find_live_locked(pid_t tid);
  // Reads stat (and sched when `migrations`) of `tid` without the lock held.
  struct ProcReading {
    std::optional<TaskStat> stat;
    std::optional<std::uint64_t> migrations;
    bool gone = false;
    std::string error;
  };
  static ProcReading read_proc(pid_t tid, bool migrations);
  void apply_reading_locked(ThreadState& t, const ProcReading& r, Clock::time_point at, bool sample_cpu);

  mutable std::mutex mutex_;
  std::vector<ThreadState> threads_;
  std::map<pid_t, std::size_t> live_;  // tid -> index into threads_ of its live registration
  std::vector<std::string> errors_;
};

}  // namespace zkc::harness::topology
