// ThreadPool: a fixed-size, named pool of worker threads with a chunked parallel-for and a task API.
//
// There is no global pool: the engine owns its pools (synthesis, groth16, ...) and passes them in.
// Workers report their OS thread ids, and an optional start hook runs on each worker before it takes
// work, so callers can pin threads or open per-thread counters.
#pragma once

#include <sys/types.h>

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace zkc {

// Watches the jobs one call puts on a pool: job_begin and job_end run on the worker that took the
// job, right around it, so an observer can read that worker's own counters and charge the call only
// for the work it ran (per-task attribution), not for what other callers ran on the pool meanwhile.
class JobObserver {
 public:
  virtual ~JobObserver() = default;
  virtual void job_begin(unsigned worker) = 0;
  virtual void job_end(unsigned worker) = 0;  // also after a job that threw
};

class ThreadPool {
 public:
  struct Options {
    std::string name = "pool";  // shown as the OS thread name "<name>-<index>" (truncated to 15 chars)
    unsigned threads = 1;       // >= 1
    // Runs on each worker thread, before it takes any task; the argument is the worker index.
    std::function<void(unsigned worker)> on_thread_start;
  };

  explicit ThreadPool(Options options);
  ThreadPool(std::string name, unsigned threads) : ThreadPool(Options{std::move(name), threads, {}}) {}
  ~ThreadPool();  // finishes queued tasks, then joins
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  unsigned size() const { return static_cast<unsigned>(workers_.size()); }
  const std::string& name() const { return name_; }
  // Linux thread ids (gettid) of the workers, in worker-index order.
  const std::vector<pid_t>& thread_ids() const { return tids_; }
  std::vector<std::thread::native_handle_type> native_handles();
  // Index of the calling thread in this pool, or -1 when the caller is not one of its workers.
  int current_worker_index() const;

  // Calls fn(begin, end) for consecutive ranges of at most `chunk` items covering [0, n), spread
  // over at most `max_workers` workers (0 = all). Blocks until done; rethrows the first exception.
  // Called from one of this pool's own workers, it runs inline (no deadlock on nested use).
  void parallel_for(std::size_t n, std::size_t chunk,
                    const std::function<void(std::size_t begin, std::size_t end)>& fn,
                    unsigned max_workers = 0, JobObserver* observer = nullptr);

  // Calls fn(i) for i in [0, tasks) with the tasks handed out dynamically to at most `max_workers`
  // workers (0 = all); fn also receives the index of the worker running it. Blocks until done.
  // `observer` (optional) sees each worker's share of the call as one job.
  void for_each_task(std::size_t tasks, const std::function<void(std::size_t task, unsigned worker)>& fn,
                     unsigned max_workers = 0, JobObserver* observer = nullptr);

  // Queues one task; the future carries its result or exception.
  template <class F>
  auto submit(F&& f) -> std::future<std::invoke_result_t<std::decay_t<F>>> {
    using R = std::invoke_result_t<std::decay_t<F>>;
    auto task = std::make_shared<std::packaged_task<R()>>(std::forward<F>(f));
    std::future<R> result = task->get_future();
    enqueue([task] { (*task)(); });
    return result;
  }

 private:
  void enqueue(std::function<void()> job);
  void worker_main(unsigned index, std::promise<pid_t> started);

  std::string name_;
  std::function<void(unsigned)> on_thread_start_;
  std::vector<std::thread> workers_;
  std::vector<pid_t> tids_;
  std::mutex mutex_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
};

}  // namespace zkc
