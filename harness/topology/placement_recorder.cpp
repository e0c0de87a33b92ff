#include "harness/topology/placement_recorder.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <set>
#include <utility>

#include "harness/system/errno_text.hpp"

namespace zkc::harness::topology {
namespace {

constexpr std::size_t kMaxErrors = 16;

// Whole small /proc file into `out`; 0 or the errno of the failing call. /proc files report their
// size as 0, so read until EOF instead of trusting stat.
int read_proc_file(const std::string& path, std::string& out) {
  out.clear();
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[4096];
  int err = 0;
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0) {
      break;
    } else if (errno != EINTR) {
      err = errno;
      break;
    }
  }
  ::close(fd);  // a read-only /proc file: close cannot lose data
  return err;
}

// A tid whose /proc entry is gone (ENOENT) or whose task is exiting (ESRCH) is no error: threads end.
bool is_gone(int err) { return err == ENOENT || err == ESRCH; }

template <class T>
std::optional<T> parse_number(std::string_view text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return value;
}

// gettid() is a real syscall each time; a thread's tid never changes, so it is asked once per thread
// and sample_current_thread stays at sched_getcpu() (vDSO / rseq: usually no syscall at all). A child
// of fork() would inherit the forking thread's cached value; the harness runs no code in such children.
pid_t current_tid() {
  thread_local const pid_t tid = ::gettid();
  return tid;
}

}  // namespace

std::optional<TaskStat> parse_task_stat(std::string_view line) {
  // "pid (comm) state ppid ...": comm is whatever the thread named itself, ")" and spaces included,
  // so the only reliable anchor is the last ')'.
  const auto open = line.find('(');
  const auto close = line.rfind(')');
  if (open == std::string_view::npos || open < 2 || close == std::string_view::npos || close < open)
    return std::nullopt;
  if (line[open - 1] != ' ' || !parse_number<long>(line.substr(0, open - 1))) return std::nullopt;
  // Fields from 3 (state) on, single-space separated.
  std::vector<std::string_view> fields;
  std::string_view rest = line.substr(close + 1);
  while (!rest.empty()) {
    const auto start = rest.find_first_not_of(" \n");
    if (start == std::string_view::npos) break;
    rest.remove_prefix(start);
    const auto end = rest.find_first_of(" \n");
    fields.push_back(rest.substr(0, end));
    if (end == std::string_view::npos) break;
    rest.remove_prefix(end);
  }
  // fields[i] is stat field i + 3 (1-based, as proc(5) numbers them).
  constexpr std::size_t kStartTime = 22 - 3, kProcessor = 39 - 3;
  if (fields.size() <= kProcessor || fields[0].size() != 1) return std::nullopt;
  const auto start_time = parse_number<std::uint64_t>(fields[kStartTime]);
  const auto processor = parse_number<unsigned>(fields[kProcessor]);
  if (!start_time || !processor) return std::nullopt;
  return TaskStat{fields[0][0], *start_time, *processor};
}

std::optional<std::uint64_t> parse_sched_migrations(std::string_view text) {
  // "se.nr_migrations                             :                    4", at the start of a line.
  constexpr std::string_view kKey = "se.nr_migrations";
  for (std::size_t pos = 0; pos < text.size();) {
    const auto eol = text.find('\n', pos);
    const std::string_view line = text.substr(pos, eol == std::string_view::npos ? std::string_view::npos : eol - pos);
    pos = eol == std::string_view::npos ? text.size() : eol + 1;
    if (!line.starts_with(kKey)) continue;
    std::string_view rest = line.substr(kKey.size());
    const auto colon = rest.find_first_not_of(' ');
    // The key must be followed by spaces and a colon: "se.nr_migrations_cold" is another key.
    if (colon == std::string_view::npos || rest[colon] != ':') continue;
    rest.remove_prefix(colon + 1);
    const auto first = rest.find_first_not_of(' ');
    if (first == std::string_view::npos) return std::nullopt;
    rest.remove_prefix(first);
    const auto last = rest.find_last_not_of(" \r");
    return parse_number<std::uint64_t>(rest.substr(0, last + 1));
  }
  return std::nullopt;
}

PlacementRecorder::ProcReading PlacementRecorder::read_proc(pid_t tid, bool migrations) {
  ProcReading r;
  const std::string dir = fmt::format("/proc/self/task/{}/", tid);
  std::string text;
  if (const int err = read_proc_file(dir + "stat", text); err != 0) {
    if (is_gone(err))
      r.gone = true;
    else
      r.error = fmt::format("read {}stat: {}", dir, errno_text(err));
    return r;
  }
  // An empty read: the task went away between open and read.
  if (text.empty()) {
    r.gone = true;
    return r;
  }
  r.stat = parse_task_stat(text);
  if (!r.stat) {
    r.error = fmt::format("{}stat: unexpected format: {}", dir, text.substr(0, 120));
    return r;
  }
  // A zombie or dead task no longer runs anywhere; its `processor` is stale.
  if (r.stat->state == 'Z' || r.stat->state == 'X') {
    r.gone = true;
    return r;
  }
  if (migrations) {
    const int err = read_proc_file(dir + "sched", text);
    // ENOENT right after a good stat read: a kernel without CONFIG_SCHED_DEBUG has no sched file, and
    // the CPU-change count stands in (migrations_source says which). A thread that exited in
    // between is caught by the next stat read.
    if (err == 0)
      r.migrations = parse_sched_migrations(text);
    else if (!is_gone(err))
      r.error = fmt::format("read {}sched: {}", dir, errno_text(err));
  }
  return r;
}

void PlacementRecorder::note_error_locked(std::string message) {
  if (errors_.size() >= kMaxErrors || std::find(errors_.begin(), errors_.end(), message) != errors_.end()) return;
  errors_.push_back(std::move(message));
}

PlacementRecorder::ThreadState* PlacementRecorder::find_live_locked(pid_t tid) {
  const auto it = live_.find(tid);
  if (it == live_.end()) return nullptr;
  ThreadState& t = threads_[it->second];
  return t.gone ? nullptr : &t;
}

void PlacementRecorder::add_sample_locked(ThreadState& t, Clock::time_point at, unsigned cpu) {
  ++t.samples;
  ++t.cpus[cpu];
  if (t.last_cpu && *t.last_cpu != cpu) ++t.cpu_changes;
  t.last_cpu = cpu;
  if (t.kept.size() < kMaxSamplesPerThread) t.kept.push_back({t.tid, at, cpu});
}

void PlacementRecorder::apply_reading_locked(ThreadState& t, const ProcReading& r, Clock::time_point at,
                                             bool sample_cpu) {
  if (!r.error.empty()) note_error_locked(r.error);
  // Same tid, another start time: the thread ended and the kernel gave its tid to a new one.
  const bool reused = r.stat && t.start_time && r.stat->start_time != *t.start_time;
  if (r.gone || reused) {
    t.gone = true;
    if (const auto it = live_.find(t.tid); it != live_.end() && &threads_[it->second] == &t) live_.erase(it);
    return;
  }
  if (!r.stat) return;
  if (!t.start_time) t.start_time = r.stat->start_time;
  if (sample_cpu) add_sample_locked(t, at, r.stat->processor);
  if (r.migrations) {
    if (!t.migrations_first) t.migrations_first = r.migrations;
    t.migrations_last = r.migrations;
    ++t.migration_readings;
  }
}

void PlacementRecorder::register_thread(std::string pool, std::string name) {
  register_tid(std::move(pool), std::move(name), current_tid());
}

void PlacementRecorder::register_tid(std::string pool, std::string name, pid_t tid) {
  // The /proc reads happen before taking the lock: a sampler pass must not wait on them.
  const ProcReading r = read_proc(tid, true);
  const std::lock_guard lock(mutex_);
  if (ThreadState* t = find_live_locked(tid); t != nullptr) {
    if (!r.stat || !t->start_time || t->start_time == r.stat->start_time) {
      // The same thread again: a new pool or name, same history.
      t->pool = std::move(pool);
      t->name = std::move(name);
      return;
    }
    t->gone = true;  // an ended thread's row: its tid now belongs to the thread registering
  }
  ThreadState fresh;
  fresh.pool = std::move(pool);
  fresh.name = std::move(name);
  fresh.tid = tid;
  threads_.push_back(std::move(fresh));
  live_[tid] = threads_.size() - 1;
  // The registration reading is the migration baseline, not a CPU sample: the thread may not have
  // been pinned yet, and its CPU before pinning says nothing about the plan.
  apply_reading_locked(threads_.back(), r, Clock::now(), false);
}

void PlacementRecorder::sample_current_thread() {
  const int cpu = ::sched_getcpu();
  const int err = errno;
  const auto at = Clock::now();
  const pid_t tid = current_tid();
  const std::lock_guard lock(mutex_);
  if (cpu < 0) {
    note_error_locked("sched_getcpu: " + errno_text(err));
    return;
  }
  if (ThreadState* t = find_live_locked(tid)) add_sample_locked(*t, at, static_cast<unsigned>(cpu));
}

void PlacementRecorder::finish_current_thread() {
  sample_current_thread();
  const pid_t tid = current_tid();
  const ProcReading r = read_proc(tid, true);
  const std::lock_guard lock(mutex_);
  ThreadState* t = find_live_locked(tid);
  if (t == nullptr) return;
  apply_reading_locked(*t, r, Clock::now(), false);
  // The thread is about to end: a later thread given the same tid must not add to this row.
  t->gone = true;
  live_.erase(tid);
}

void PlacementRecorder::sample_all(bool migrations) {
  struct Target {
    std::size_t index;
    pid_t tid;
  };
  std::vector<Target> targets;
  {
    const std::lock_guard lock(mutex_);
    for (const auto& [tid, index] : live_)
      if (!threads_[index].gone) targets.push_back({index, tid});
  }
  // Read every thread without the lock: self-sampling threads must not wait on /proc.
  std::vector<ProcReading> readings;
  std::vector<Clock::time_point> times;
  readings.reserve(targets.size());
  times.reserve(targets.size());
  for (const Target& target : targets) {
    readings.push_back(read_proc(target.tid, migrations));
    times.push_back(Clock::now());
  }
  const std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < targets.size(); ++i) {
    ThreadState& t = threads_[targets[i].index];
    // Finished (finish_current_thread) or replaced while we read: its row is closed.
    if (t.gone) continue;
    apply_reading_locked(t, readings[i], times[i], true);
  }
}

std::vector<PlacementRow> PlacementRecorder::rows() const {
  const std::lock_guard lock(mutex_);
  std::vector<PlacementRow> out;
  out.reserve(threads_.size());
  for (const ThreadState& t : threads_) {
    PlacementRow row;
    row.pool = t.pool;
    row.name = t.name;
    row.tid = static_cast<int>(t.tid);
    row.samples = t.samples;
    for (const auto& [cpu, count] : t.cpus) row.cpus.push_back(cpu);
    // Two scheduler readings bracket an interval; one alone says nothing about this run.
    if (t.migration_readings >= 2 && *t.migrations_last >= *t.migrations_first) {
      row.migrations = *t.migrations_last - *t.migrations_first;
      row.migrations_source = kMigrationsFromSched;
    } else {
      row.migrations = t.cpu_changes;
      row.migrations_source = kMigrationsFromSamples;
    }
    out.push_back(std::move(row));
  }
  return out;
}

std::vector<PoolPlacement> PlacementRecorder::by_pool() const {
  const std::vector<PlacementRow> per_thread = rows();
  std::vector<PoolPlacement> out;
  std::vector<std::set<unsigned>> cpus;
  for (const PlacementRow& row : per_thread) {
    auto it = std::find_if(out.begin(), out.end(), [&](const PoolPlacement& p) { return p.pool == row.pool; });
    if (it == out.end()) {
      out.push_back(PoolPlacement{row.pool, 0, 0, {}, 0, row.migrations_source});
      cpus.emplace_back();
      it = out.end() - 1;
    }
    PoolPlacement& pool = *it;
    ++pool.threads;
    pool.samples += row.samples;
    pool.migrations += row.migrations;
    if (pool.migrations_source != row.migrations_source) pool.migrations_source = "mixed";
    cpus[static_cast<std::size_t>(it - out.begin())].insert(row.cpus.begin(), row.cpus.end());
  }
  for (std::size_t i = 0; i < out.size(); ++i) out[i].cpus.assign(cpus[i].begin(), cpus[i].end());
  return out;
}

std::vector<PlacementSample> PlacementRecorder::samples() const {
  std::vector<PlacementSample> out;
  {
    const std::lock_guard lock(mutex_);
    for (const ThreadState& t : threads_) out.insert(out.end(), t.kept.begin(), t.kept.end());
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const PlacementSample& a, const PlacementSample& b) { return a.at < b.at; });
  return out;
}

std::vector<std::string> PlacementRecorder::errors() const {
  const std::lock_guard lock(mutex_);
  return errors_;
}

}  // namespace zkc::harness::topology
